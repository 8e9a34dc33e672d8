"""The bases of every app's sitemap: addresses on SITE_URL, a page of rows read in two queries."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import sitemaps
from django.db.models import Max
from django.urls import reverse


class SiteSitemap(sitemaps.Sitemap):
    """Absolute addresses on the configured SITE_URL: Django's default reads the Host header."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class ModelSitemap(SiteSitemap):
    """A model's public rows, `limit` to a page of the sitemap: the count and the page's rows, with
    only the fields that `location` and `lastmod` read, whatever the number of rows."""

    limit = 5000
    fields = ("slug", "updated_at")

    def queryset(self):
        raise NotImplementedError

    def items(self):
        return self.queryset().only(*self.fields)

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        """For the index: one aggregate (Django's default reads every row)."""
        return self.queryset().aggregate(latest=Max("updated_at"))["latest"]


class StaticSitemap(SiteSitemap):
    """Pages named by URL name, without a model behind them."""

    url_names = ()

    def items(self):
        return list(self.url_names)

    def location(self, item):
        return reverse(item)


class CoreSitemap(StaticSitemap):
    """The home page and the public pages of forms and lists whose app has no sitemap of its own."""

    url_names = (
        "core:home",
        "certifications:programs",
        "certifications:apply-individual",
        "certifications:apply-site",
        "certifications:registry",
        "partners:map",
        "events:list",
        "library:list",
        "inquiries:contact",
    )
