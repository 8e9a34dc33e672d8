"""The home page's figures (certified clinicians, sites and countries) and its verification box."""

from django.db.models import Count, Q

from apps.core.home import home_section
from apps.core.page_cache import content_cached

from .models import Certificate, Kind

FIGURES_CACHE_SECONDS = 60 * 60


def certified_figures():
    """{"clinicians", "sites", "countries"} of certificates active today; counting them reads every
    certificate, so the figures are kept under the content version and today's date."""

    def count():
        return Certificate.objects.active().aggregate(
            clinicians=Count("pk", filter=Q(kind=Kind.INDIVIDUAL)),
            sites=Count("pk", filter=Q(kind=Kind.SITE)),
            countries=Count("country", distinct=True),
        )

    return content_cached("home:figures", count, FIGURES_CACHE_SECONDS, daily=True)


@home_section("certifications/includes/home_figures.html", order=10)
def figures(request):
    return {"figures": certified_figures()}
