"""The public library: search and filters, a page per publication, and PDF downloads."""

from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, TemplateView

from apps.core.page_cache import content_cached, public_page
from apps.core.pagination import COUNT_CACHE_SECONDS, list_paginator

from .forms import LibraryFilterForm
from .models import Publication, Topic

# Downloads are inert: never sniffed, never run as a page, never framed.
PDF_CSP = "sandbox; default-src 'none'"


def filter_menus():
    """The topics and years that published publications have, for the filter menus. Reading them
    means reading every publication, so they are kept under the content version."""

    def menus():
        topics = list(Topic.objects.filter(publications__is_published=True).distinct())
        years = list(
            Publication.objects.published()
            .filter(year__isnull=False)
            .order_by("-year")
            .values_list("year", flat=True)
            .distinct()
        )
        return topics, years

    return content_cached("library:menus", menus, COUNT_CACHE_SECONDS)


@public_page(query=["kind", "topic", "year", "page"], search="q")
class LibraryView(TemplateView):
    """Published publications, filtered by `?q=`, `?kind=`, `?topic=` and `?year=`, 20 per page."""

    template_name = "library/publication_list.html"
    paginate_by = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        topics, years = filter_menus()
        form = LibraryFilterForm(self.request.GET, topics=topics, years=years)
        filters = form.filters()
        publications = Publication.objects.published()
        if "q" in filters:
            publications = publications.search(filters["q"])
        if "kind" in filters:
            publications = publications.filter(kind=filters["kind"])
        if "topic" in filters:
            publications = publications.filter(topics__slug=filters["topic"])
        if "year" in filters:
            publications = publications.filter(year=filters["year"])
        publications = publications.prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("name")))
        paginator = list_paginator(publications, self.paginate_by, searched="q" in filters)
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(
            form=form,
            filters=filters,
            page_obj=page,
            publications=page.object_list,
            topics=topics,
        )
        return context


@public_page()
class PublicationDetailView(DetailView):
    template_name = "library/publication_detail.html"
    context_object_name = "publication"

    def get_queryset(self):
        return Publication.objects.published().prefetch_related("topics")


def publication_pdf(request, slug):
    """The publication's PDF as a download, with headers that keep it from acting as a page."""
    publication = get_object_or_404(Publication.objects.published(), slug=slug)
    if not publication.pdf:
        raise Http404("No PDF for this publication")
    try:
        handle = publication.pdf.open("rb")
    except FileNotFoundError as error:
        raise Http404("PDF missing from storage") from error
    response = FileResponse(
        handle, as_attachment=True, filename=f"{publication.slug}.pdf", content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = PDF_CSP
    response["Cache-Control"] = "public, max-age=3600"
    return response
