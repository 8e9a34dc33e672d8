"""Benchmark the partner map's data with many partners (a script, not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nmt_bench REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/partners_geojson.py [--count 10000] [--keep]

Creates COUNT published partners (slugs "bench-…") with bulk_create in the PostgreSQL database
named by DATABASE_URL (migrate it first), then times /partners.geojson through Django's test
client with production settings (DEBUG off, the cache of REDIS_URL or local memory): cold (cache
just retired), warm (cached), gzipped, a 304 revalidation, a filtered and a text-search request,
and the list page. Prints the median time, the size and the number of queries of each. The bench
partners are deleted at the end unless --keep.
"""

import argparse
import os
import statistics
import sys
import time
import warnings
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nmt_portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("EMAIL_URL", "memorymail://")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")

COUNTRIES = ["US", "CA", "GB", "AU", "DE", "NL", "NZ", "IE", "NO", "ZA"]


def create_partners(count):
    from apps.partners.models import Partner

    Partner.objects.filter(slug__startswith="bench-").delete()
    started = time.perf_counter()
    Partner.objects.bulk_create(
        (
            Partner(
                name=f"Bench Partner {i:05d}",
                slug=f"bench-{i:05d}",
                kind=[Partner.Kind.SITE, Partner.Kind.ORGANISATION, Partner.Kind.PRACTICE][i % 3],
                city=f"City {i % 500}",
                region="Region",
                country=COUNTRIES[i % len(COUNTRIES)],
                # Spread over the inhabited latitudes and every longitude, deterministic.
                latitude=Decimal(-55) + Decimal((i * 7919) % 12500) / 100,
                longitude=Decimal(-179) + Decimal((i * 104729) % 35800) / 100,
                is_published=True,
            )
            for i in range(count)
        ),
        batch_size=2000,
    )
    return time.perf_counter() - started


def measure(client, path, *, runs, before=None, **headers):
    """Median seconds, body bytes, status and queries of `runs` GETs of `path`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    for _ in range(runs):
        if before:
            before()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path, headers=headers)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            timings.append(time.perf_counter() - started)
    return statistics.median(timings), len(body), response.status_code, len(queries), response


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the bench partners afterwards")
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (migrated): the benchmark never runs on SQLite.")

    import django

    # Whitenoise warns that collectstatic has not run; the benchmark serves no static file.
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings

    from apps.core.page_cache import bump_content_version
    from apps.partners.models import Partner

    created_in = create_partners(args.count)
    total = Partner.objects.published().count()
    print(f"{args.count} bench partners created in {created_in:.2f} s ({total} published partners in all)")
    print(f"cache: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}")

    client = Client(HTTP_HOST="localhost")
    # Templates use {% static %}; the benchmark does not need collectstatic's manifest.
    plain_static = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    try:
        with override_settings(STORAGES=plain_static):
            client.get("/partners/")  # warm the connection and the site settings
            warm_etag = client.get("/partners.geojson")["ETag"]
            rows = [
                ("GeoJSON, cold cache", "/partners.geojson", {"before": bump_content_version}),
                (
                    "GeoJSON, cold cache, gzip",
                    "/partners.geojson",
                    {"before": bump_content_version, "Accept-Encoding": "gzip"},
                ),
                ("GeoJSON, warm cache", "/partners.geojson", {}),
                ("GeoJSON, warm cache, gzip", "/partners.geojson", {"Accept-Encoding": "gzip"}),
                ("GeoJSON, 304 revalidation", "/partners.geojson", {"If-None-Match": warm_etag}),
                ("GeoJSON, ?country=GB, cold", "/partners.geojson?country=GB", {"before": bump_content_version}),
                ("GeoJSON, ?q=city 42 (never cached)", "/partners.geojson?q=city+42", {}),
                ("List page /partners/", "/partners/", {}),
                ("List page ?country=GB&page=9", "/partners/?country=GB&page=9", {}),
            ]
            print(
                f"\n{'request':<38} {'median':>9} {'size':>11} {'status':>6} {'queries':>7}   ({args.runs} runs each)"
            )
            for label, path, options in rows:
                seconds, size, status, queries, response = measure(client, path, runs=args.runs, **options)
                encoding = " gz" if response.get("Content-Encoding") == "gzip" else ""
                print(
                    f"{label:<38} {seconds * 1000:>7.1f}ms {size / 1024:>8.1f} KB{encoding:<3}{status:>4} {queries:>7}"
                )
    finally:
        if not args.keep:
            Partner.objects.filter(slug__startswith="bench-").delete()
            bump_content_version()
            print("\nBench partners deleted (use --keep to keep them).")


if __name__ == "__main__":
    main()
