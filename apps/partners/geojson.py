"""The partners GeoJSON (RFC 7946), and the country menu of the partner directory.

The document is cached as a public page (`PartnerGeoJsonView`): under the content version, which
every write to a partner or a certificate bumps after the commit, and today's date, which retires
it at midnight, when certificates pass their expiry date.
"""

import json

from django.db import models
from django.db.models import Case, Value, When
from django.db.models.functions import Cast, JSONArray, JSONObject, Round
from django.utils import timezone
from django_countries import countries

from apps.core.page_cache import content_cached

from .filters import apply_filters
from .models import PRACTICE_PRECISION, Partner

COUNTRIES_CACHE_SECONDS = 3600
FEATURE_PRECISION = 5
PRACTICE_DECIMALS = -PRACTICE_PRECISION.as_tuple().exponent


def render(filters, *, today=None):
    """The FeatureCollection of published, placed partners matching `filters`, as UTF-8 JSON.

    PostgreSQL builds each feature's JSON in the one query (no model instances, no per-feature
    Python; two to three times faster than building it in Python). Coordinates keep five
    decimals (about a metre: what a map pin needs), a practice's two (its city, see
    `public_coordinates`). Properties are compact: a partner's page is `/partners/<slug>/`, and
    country names are given once, in the foreign member `countries` (RFC 7946, section 6.1).
    """
    today = today or timezone.localdate()
    queryset = apply_filters(Partner.objects.published().located(), filters, today=today)
    rows = queryset.with_certified(today=today).annotate(feature=Cast(_feature(), models.TextField()))
    countries_seen, features = set(), []
    for country, feature in rows.values_list("country", "feature").iterator(chunk_size=2000):
        countries_seen.add(country)
        features.append(feature)
    names = {code: str(countries.name(code)) for code in sorted(countries_seen)}
    head = json.dumps({"type": "FeatureCollection", "countries": names}, ensure_ascii=False, separators=(",", ":"))
    return f'{head[:-1]},"features":[{",".join(features)}]}}'.encode()


def _feature():
    def coordinate(name):
        exact = Round(name, FEATURE_PRECISION)
        return Case(When(kind=Partner.Kind.PRACTICE, then=Round(name, PRACTICE_DECIMALS)), default=exact)

    return JSONObject(
        type=Value("Feature"),
        # RFC 7946: longitude first.
        geometry=JSONObject(
            type=Value("Point"), coordinates=JSONArray(coordinate("longitude"), coordinate("latitude"))
        ),
        properties=JSONObject(
            name="name", slug="slug", kind="kind", city="city", country="country", certified="certified_now"
        ),
    )


def published_countries():
    """(code, name) of the countries that have published partners, by name, for the filter menu.

    Cached under the content version: a miss of the cached list page and every search use it."""

    def by_name():
        codes = Partner.objects.published().order_by().values_list("country", flat=True).distinct()
        return sorted(((code, str(countries.name(code))) for code in codes), key=lambda choice: choice[1])

    return content_cached("partners:countries", by_name, COUNTRIES_CACHE_SECONDS)
