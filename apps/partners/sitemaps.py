"""Published partners' pages, for /sitemap.xml."""

from apps.core.sitemaps import ModelSitemap

from .models import Partner


class PartnerSitemap(ModelSitemap):
    def queryset(self):
        return Partner.objects.published().order_by("pk")
