"""CE certificate downloads (PDF). Placeholder until the PDF work lands."""

from django.http import Http404


def participant_certificate_pdf(request, token, number):
    raise Http404
