"""Published publications, for /sitemap.xml."""

from apps.core.sitemaps import ModelSitemap

from .models import Publication


class PublicationSitemap(ModelSitemap):
    def queryset(self):
        return Publication.objects.published().order_by("pk")
