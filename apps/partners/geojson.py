"""The partners GeoJSON (RFC 7946) and the cache behind it.

Cached entries are keyed by a version number, today's date and the normalised filters. The
version changes whenever a partner or a certificate is written (`bump_version`, called after the
commit by the services, the admin, the import and a certificate's save), so an edit shows at once;
today's date in the key retires every entry at midnight, when certificates pass their expiry date;
and entries live at most GEOJSON_CACHE_SECONDS, in case a certificate changed without a save
signal (a bulk `update()`). Text searches are never cached: their variety is unbounded.
"""

import gzip
import hashlib
import json
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django_countries import countries

from .filters import apply_filters
from .models import Partner, public_coordinates

VERSION_KEY = "partners:version"
GEOJSON_CACHE_SECONDS = 300
COUNTRIES_CACHE_SECONDS = 3600


def cache_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        # First use, or evicted: a fresh version retires whatever was cached under the old one.
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump_version():
    """Retire every cached GeoJSON document and filter menu. Call after the commit."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


@dataclass(frozen=True)
class Document:
    """A GeoJSON document as cached: only its gzipped bytes (a tenth of the size to fetch from the
    cache on every request; nearly every client accepts gzip) and its ETag."""

    gzipped: bytes
    etag: str

    @property
    def body(self):
        return gzip.decompress(self.gzipped)


def _document(body):
    digest = hashlib.sha256(body).hexdigest()[:32]
    return Document(gzipped=gzip.compress(body, compresslevel=6, mtime=0), etag=f'"{digest}"')


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
    body = json.dumps(feature_collection(filters, today=today), ensure_ascii=False, separators=(",", ":"))
    return _document(body.encode())


def cached_document(filters):
    """The GeoJSON document for `filters`: from the cache, or built and cached (not for text searches)."""
    if filters["q"]:
        return render(filters)
    today = timezone.localdate()
    flags = f"{filters['country'] or '-'}:{filters['kind'] or '-'}:{int(filters['certified'])}"
    key = f"partners:geojson:{cache_version()}:{today.isoformat()}:{flags}"
    document = cache.get(key)
    if document is None:
        document = render(filters, today=today)
        cache.set(key, document, timeout=GEOJSON_CACHE_SECONDS)
    return document


def published_countries():
    """(code, name) of the countries that have published partners, by name, for the filter menu."""
    key = f"partners:countries:{cache_version()}"
    choices = cache.get(key)
    if choices is None:
        codes = Partner.objects.published().order_by().values_list("country", flat=True).distinct()
        choices = sorted(((code, str(countries.name(code))) for code in codes), key=lambda choice: choice[1])
        cache.set(key, choices, timeout=COUNTRIES_CACHE_SECONDS)
    return choices
