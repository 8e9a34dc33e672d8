"""The partners GeoJSON (RFC 7946), and the country menu of the partner directory.

The document is cached as a public page (`PartnerGeoJsonView`): under the content version, which
every write to a partner or a certificate bumps after the commit, and today's date, which retires
it at midnight, when certificates pass their expiry date.
"""

import json

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django_countries import countries

from apps.core.page_cache import content_version

from .filters import apply_filters
from .models import Partner, public_coordinates

COUNTRIES_CACHE_SECONDS = 3600


def feature_collection(filters, *, today=None):
    """Build the FeatureCollection of published, placed partners matching `filters`, as a dict.

    One query with `.values_list()`, no model instances, so ten thousand partners stay fast.
    """
    today = today or timezone.localdate()
    queryset = apply_filters(Partner.objects.published().located(), filters, today=today)
    rows = queryset.with_certified(today=today).values_list(
        "name", "slug", "kind", "city", "country", "latitude", "longitude", "certified_now"
    )
    # reverse() once; ten thousand calls would cost more than the query.
    url_template = reverse("partners:detail", kwargs={"slug": "slug-placeholder"})
    country_names = {}
    features = []
    for name, slug, kind, city, country, latitude, longitude, certified in rows.iterator(chunk_size=2000):
        latitude, longitude = public_coordinates(kind, latitude, longitude)
        if country not in country_names:
            country_names[country] = str(countries.name(country))
        features.append(
            {
                "type": "Feature",
                # RFC 7946: longitude first.
                "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
                "properties": {
                    "name": name,
                    "slug": slug,
                    "url": url_template.replace("slug-placeholder", slug),
                    "kind": kind,
                    "city": city,
                    "country": country,
                    "country_name": country_names[country],
                    "certified": certified,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def render(filters, *, today=None):
    """The FeatureCollection as compact UTF-8 JSON."""
    return json.dumps(feature_collection(filters, today=today), ensure_ascii=False, separators=(",", ":")).encode()


def published_countries():
    """(code, name) of the countries that have published partners, by name, for the filter menu.

    Cached under the content version: a miss of the cached list page and every search use it."""

    def by_name():
        codes = Partner.objects.published().order_by().values_list("country", flat=True).distinct()
        return sorted(((code, str(countries.name(code))) for code in codes), key=lambda choice: choice[1])

    return cache.get_or_set(f"partners:countries:{content_version()}", by_name, COUNTRIES_CACHE_SECONDS)
