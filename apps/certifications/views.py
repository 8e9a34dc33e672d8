from django.http import Http404


def not_built(request, **kwargs):
    """Placeholder until the page is built; every route above is replaced by its real view."""
    raise Http404
