"""Benchmark: the portal under gunicorn with production settings, over two sizes of scale data, loaded with wrk.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nmt_bench REDIS_URL=redis://127.0.0.1:6379/8 \
        .venv/bin/python -m bench.run [--seed] [--duration 10] [--workers 5] [--no-small] [--only TEXT]

The large size is the database of DATABASE_URL (`--seed` loads seed_scale_data's defaults into it:
100,000 applications, 10,000 partners, 2,000 events, 50,000 registrations, 2,000 publications, 500
FAQs); the small size, ten times fewer, is a database named after it with `_small`, which the run
creates, migrates and seeds itself when it has no applications (`--no-small` skips it). Seeding ends
with ANALYZE. The portal is served on 127.0.0.1:8300, three times in turn:

1. large, page cache on: every public page (content, text searches, feeds, forms) with wrk and
   `Accept-Encoding: gzip` at 8 and 64 connections, then without Accept-Encoding at 8; the text
   searches with a different term at every request (a wrk Lua script, terms drawn from the data);
   the reviewer's admin pages, 20 sequential requests each (median and max);
2. large, PUBLIC_PAGE_CACHE_SECONDS=0: every public page at 8 connections, and the distinct-term
   searches again;
3. small, PUBLIC_PAGE_CACHE_SECONDS=0: every public page at 8 connections.

Each wrk table gives requests per second, median and p99 latency and the ratio of each page's
throughput to /healthz measured in the same table; the uncached table puts both sizes side by side
with the ratio of their ratios (large/small). Then the SQL queries of each page, uncached, and a
summary of every figure that misses its target (bench/report.py). It prints figures; it is not a
test and does not fail on them.
"""

import argparse
import gzip
import json
import os
import statistics
import subprocess
import time

from bench import databases, wrk
from bench.admin_timing import time_pages
from bench.client import Client
from bench.pages import GEOJSON, SEARCH, admin_pages, public_pages
from bench.report import Report, target
from bench.server import Gunicorn, database_url_from_environment, manage, measured_env

PORT = 8300


def measure(server, path, connections, duration, *, gzip=True, terms=None):
    wrk.drain(server.url)
    return wrk.run(server.url, path, connections, duration, gzip=gzip, terms=terms)


def warm(server, pages):
    """Fill the page cache (both encodings), open each worker's connections, and give the workers a
    first run of load, which the first measured run would otherwise pay for."""
    client = Client(server.url, timeout=60)
    for page in pages:
        client.request("GET", page.path, headers={"Accept-Encoding": "gzip"})
        client.get(page.path)
    wrk.run(server.url, "/healthz", 8, 2)


def cached_table(report, server, pages, title, connections, duration, *, gzip=True):
    report.table(title)
    health = measure(server, "/healthz", connections, duration, gzip=gzip)
    report.health(health)
    for page in pages:
        result = measure(server, page.path, connections, duration, gzip=gzip)
        goal = target(page.kind, cached=True, plain=not gzip, connections=connections)
        report.row(title, page.name, result, health, goal)


def uncached_results(server, pages, duration):
    """{page name or "/healthz": wrk result} at 8 connections."""
    results = {"/healthz": measure(server, "/healthz", 8, duration)}
    for page in pages:
        results[page.name] = measure(server, page.path, 8, duration)
    return results


def distinct_results(server, searches, duration):
    """{"/healthz": result, search name: result} with a new term at every request, at 8 connections."""
    if not searches:
        return {}
    results = {"/healthz": measure(server, "/healthz", 8, duration)}
    for name, search in searches.items():
        results[name] = measure(server, search["path"], 8, duration, terms=search["terms"])
    return results


def geojson_render(report, server, pages, rounds=10):
    """The uncached GeoJSON of every partner, one request at a time: its render time and size."""
    client = Client(server.url, timeout=60)
    for page in pages:
        if page.kind != GEOJSON:
            continue
        wrk.drain(server.url)
        timings, size = [], 0
        for _ in range(rounds):
            response = client.request("GET", page.path, headers={"Accept-Encoding": "gzip"})
            timings.append(response.seconds * 1000)
            # Without the page cache the portal sends it as it is (a proxy compresses): measure it
            # gzipped as Django's GZipMiddleware and the page cache would send it.
            compressed = response.headers.get("Content-Encoding") == "gzip"
            size = response.size if compressed else len(gzip.compress(response.body.encode(), compresslevel=6))
        report.geojson_row(page.name, statistics.median(timings), size)


def distinct_table(report, title, searches, on, off):
    report.table(title, extra=f"{'terms':>7}")
    for label, results in (("cache on", on), ("cache off", off)):
        report.health(results["/healthz"], label=f"/healthz, {label}")
        for name, search in searches.items():
            result = results[name]
            asked = min(result["requests"], len(search["terms"]))
            extra = f"{asked:7d}{' (repeated)' if result['requests'] > len(search['terms']) else ''}"
            goal = target(SEARCH, cached=False)
            report.row(title, f"{name}, {label}", result, results["/healthz"], goal, extra)
    for name, search in searches.items():
        found = f"{search['found']} of {search['checked']} checked find something"
        print(f"{name}: {len(search['terms'])} terms drawn from the data; {found}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", action="store_true", help="load seed_scale_data into DATABASE_URL first")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) * 2 + 1)
    parser.add_argument("--no-small", action="store_true", help="skip the small size (a quicker run)")
    parser.add_argument("--only", default="", help="measure only pages whose name contains this text")
    args = parser.parse_args()

    database_url = database_url_from_environment()
    run_id = time.time_ns()

    def env_of(url, size, cached=True):
        # A namespace per database and mode.
        namespace = f"bench-{run_id}-{size}{'' if cached else '-uncached'}"
        return measured_env(url, namespace, **({} if cached else {"PUBLIC_PAGE_CACHE_SECONDS": "0"}))

    large_env = env_of(database_url, "large")
    print("Preparing: migrate, starter content, collectstatic, reviewer account")
    large = databases.prepare(large_env, seed={} if args.seed else None)
    manage(large_env, "collectstatic", "--no-input")
    small, small_url = None, databases.small_database_url(database_url)
    if not args.no_small:
        if databases.ensure_database(small_url):
            print(f"Created the database {databases.database_name(small_url)}")
        small = databases.prepare(env_of(small_url, "small"), seed_if_empty=databases.SMALL)
    searches = databases.ask(large_env, "terms", str(1500 * args.duration + 1000))

    def chosen(pages):
        return [page for page in pages if args.only.lower() in page.name.lower()]

    pages, admin = chosen(public_pages(large)), chosen(admin_pages(large))
    searches = {name: search for name, search in searches.items() if args.only.lower() in name.lower()}

    machine = subprocess.run(["uname", "-srm"], capture_output=True, text=True, check=True).stdout.strip()
    print(f"\nMachine: {os.cpu_count()} CPUs, {machine}")
    print(f"gunicorn {args.workers} sync workers; wrk {args.duration}s per run")
    sizes = [("large", database_url, large)] + ([("small", small_url, small)] if small else [])
    for size, url, facts in sizes:
        counts = ", ".join(f"{value:,} {name}" for name, value in facts["counts"].items())
        print(f"{size}: {databases.database_name(url)}: {counts}")

    report = Report()
    applications = f"{large['counts']['applications']:,} applications"
    with Gunicorn(large_env, PORT, workers=args.workers) as server:
        warm(server, pages)
        for connections in (8, 64):
            title = f"Cached, gzip, {connections} connections ({applications})"
            cached_table(report, server, pages, title, connections, args.duration)
        title = f"Cached, plain (no Accept-Encoding), 8 connections ({applications})"
        cached_table(report, server, pages, title, 8, args.duration, gzip=False)
        distinct_on = distinct_results(server, searches, args.duration)

        wrk.drain(server.url)
        print(f"\n== Admin as a reviewer (20 sequential requests each, {applications})")
        for page, median, worst, failures in time_pages(server.url, admin):
            report.admin_row(page.name, median, worst, failures)

    uncached_env = env_of(database_url, "large", cached=False)
    with Gunicorn(uncached_env, PORT, workers=args.workers) as server:
        warm(server, pages)
        uncached = {"large": uncached_results(server, pages, args.duration)}
        distinct_off = distinct_results(server, searches, args.duration)
        print(f"\n== GeoJSON uncached, one request at a time, gzip ({applications})")
        geojson_render(report, server, pages)
    if searches:
        title = f"Searches, a different term at every request, 8 connections ({applications})"
        distinct_table(report, title, searches, distinct_on, distinct_off)

    small_label = None
    if small:
        small_pages = chosen(public_pages(small))
        with Gunicorn(env_of(small_url, "small", cached=False), PORT, workers=args.workers) as server:
            warm(server, small_pages)
            uncached["small"] = uncached_results(server, small_pages, args.duration)
        small_label = f"small: {small['counts']['applications']:,} applications"
    title = "Uncached (PUBLIC_PAGE_CACHE_SECONDS=0), 8 connections"
    report.uncached_table(title, pages, uncached, [f"large: {applications}", small_label])

    print("\n== SQL queries per page (uncached)")
    paths = [["anonymous", page.path] for page in pages] + [["reviewer", page.path] for page in admin]
    query_env = {**uncached_env, "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1"}
    for who, path, status, count in databases.ask(query_env, "queries", stdin=json.dumps(paths)):
        print(f"{who:10} {path:70} HTTP {status}  {count:3d} queries")

    report.summary()


if __name__ == "__main__":
    main()
