"""The partners GeoJSON (RFC 7946), and the country menu of the partner directory.

The document is cached as a public page (`PartnerGeoJsonView`): under the content version, which
every write to a partner or a certificate bumps after the commit, and today's date, which retires
it at midnight, when certificates pass their expiry date.
"""

import json
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, models
from django.db.models import Case, Func, Value, When
from django.utils import timezone

from apps.core.countries import country_name
from apps.core.page_cache import content_cached

from .filters import apply_filters
from .models import PRACTICE_PRECISION, Partner

COUNTRIES_CACHE_SECONDS = 3600
FEATURE_PRECISION = 5
PRACTICE_DECIMALS = -PRACTICE_PRECISION.as_tuple().exponent


def render(filters, *, today=None):
    """The FeatureCollection of published, placed partners matching `filters`, as UTF-8 JSON.

    PostgreSQL writes each feature's JSON text in the one query (no model instances, no per-feature
    Python), by concatenation with `to_json` for every value: compact (no spaces) and three times
    faster than building JSONB objects. Coordinates keep five decimals (about a metre: what a map
    pin needs), a practice's two (its city, see `public_coordinates`). Properties are compact: a
    partner's page is `/partners/<slug>/`, and country names are given once, in the foreign member
    `countries` (RFC 7946, section 6.1).
    """
    today = today or timezone.localdate()
    queryset = apply_filters(Partner.objects.published().located(), filters, today=today)
    rows = queryset.with_certified(today=today)
    if connection.vendor == "postgresql":
        rows = rows.annotate(feature=_feature()).values_list("country", "feature")
    else:  # the embedded SQLite of `make run`: the same features, written by Python
        rows = (
            (row[0], _feature_in_python(*row[1:]))
            for row in rows.values_list("country", *PROPERTIES.values(), *LOCATION)
        )
    countries_seen, features = set(), []
    for country, feature in rows:
        countries_seen.add(country)
        features.append(feature)
    names = {code: country_name(code) for code in sorted(countries_seen)}
    head = json.dumps({"type": "FeatureCollection", "countries": names}, ensure_ascii=False, separators=(",", ":"))
    return f'{head[:-1]},"features":[{",".join(features)}]}}'.encode()


# A feature's properties: {key: field}, and where it is.
PROPERTIES = {
    "name": "name",
    "slug": "slug",
    "kind": "kind",
    "city": "city",
    "country": "country",
    "certified": "certified_now",
}
LOCATION = ("longitude", "latitude")


def _feature_in_python(*values):
    *values, longitude, latitude = values
    properties = dict(zip(PROPERTIES, values, strict=True))
    decimals = PRACTICE_DECIMALS if properties["kind"] == Partner.Kind.PRACTICE else FEATURE_PRECISION
    step = Decimal(1).scaleb(-decimals)

    def rounded(value):  # half away from zero, as PostgreSQL's ROUND
        return float(Decimal(value).quantize(step, rounding=ROUND_HALF_UP))

    feature = {
        "type": "Feature",
        "geometry": {
            "type": "Point",
            "coordinates": [rounded(longitude), rounded(latitude)],
        },
        "properties": properties,
    }
    return json.dumps(feature, ensure_ascii=False, separators=(",", ":"))


class JsonText(Func):
    """A value as JSON text: PostgreSQL's to_json, which quotes and escapes strings."""

    function = "TO_JSON"
    template = "%(function)s(%(expressions)s)::text"
    output_field = models.TextField()


def _feature():
    def coordinate(name):
        practice = When(kind=Partner.Kind.PRACTICE, then=Value(PRACTICE_DECIMALS))
        decimals = Case(practice, default=Value(FEATURE_PRECISION))
        return JsonText(Func(name, decimals, function="ROUND"))

    parts = [
        # RFC 7946: longitude first.
        Value('{"type":"Feature","geometry":{"type":"Point","coordinates":['),
        coordinate("longitude"),
        Value(","),
        coordinate("latitude"),
        Value(']},"properties":{'),
    ]
    for position, (key, field) in enumerate(PROPERTIES.items()):
        parts += [Value(f'{"," if position else ""}"{key}":'), JsonText(field)]
    parts.append(Value("}}"))
    # CONCAT (not ||): one call for the whole feature.
    return Func(*parts, function="CONCAT", output_field=models.TextField())


def published_countries():
    """(code, name) of the countries that have published partners, by name, for the filter menu.

    Cached under the content version: a miss of the cached list page and every search use it."""

    def by_name():
        codes = Partner.objects.published().order_by().values_list("country", flat=True).distinct()
        return sorted(((code, country_name(code)) for code in codes), key=lambda choice: choice[1])

    return content_cached("partners:countries", by_name, COUNTRIES_CACHE_SECONDS)
