"""Benchmark: the portal under gunicorn with production settings, over the scale data, loaded with wrk.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nmt_bench REDIS_URL=redis://127.0.0.1:6379/8 \
        .venv/bin/python -m bench.run [--seed] [--duration 10] [--workers 5]

`--seed` first loads `seed_scale_data` (100,000 applications, 10,000 partners, 2,000 events,
50,000 registrations, 2,000 publications, 500 FAQs) into an empty database. The script then serves
the portal on 127.0.0.1:8300 and, for each public page, each kind of text search (never cached),
the GeoJSON, the .ics feed, the application forms and /healthz, runs wrk at 8 and 64 connections
and prints requests per second, median and p99 latency and the ratio of each page's throughput to
/healthz measured in the same run. It then times, as a
logged-in reviewer, the applications changelist, a search and an application page, and prints
the SQL queries each page makes. It prints figures; it is not a test and does not fail on them.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

from bench.client import Client
from bench.server import BASE_DIR, PYTHON, Gunicorn, manage, production_env

PORT = 8300
TARGET_CONTENT_RATIO = 0.6
# Text searches are never cached (their variety is unbounded): each one is a render and its queries.
TARGET_SEARCH_RATIO = 0.01
TARGET_FORM_RATIO = 0.25
TARGET_P99_MS = 50
TARGET_ADMIN_MEDIAN_MS = 150

UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def parse_wrk(output):
    def latency(percent):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, flags=re.M)
        return float(match.group(1)) * UNIT[match.group(2)] if match else float("nan")

    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors:.*", output)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "p50": latency(50),
        "p99": latency(99),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(0) if socket_errors else "",
    }


def wrk(url, connections, duration):
    threads = min(2, connections)
    result = subprocess.run(
        # Browsers ask for gzip; the page cache keeps a compressed copy of every page.
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "--timeout",
            "5s",
            "-H",
            "Accept-Encoding: gzip",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return parse_wrk(result.stdout)


def drain(base_url, limit=180):
    """Wait until the server answers /healthz at once again: slow pages still queued from a run at 64
    connections (the uncached searches) would otherwise be measured as part of the next run."""
    client = Client(base_url, timeout=60)
    deadline = time.monotonic() + limit
    while client.get("/healthz").seconds > 0.25 and time.monotonic() < deadline:
        time.sleep(1)


def sample_paths(env):
    """Paths that need real identifiers from the data (a certificate, a partner, an event, a page)."""
    code = (
        "import json\n"
        "from apps.certifications.models import Application, Certificate\n"
        "from apps.partners.models import Partner\n"
        "from apps.events.models import Event\n"
        "c = Certificate.objects.order_by('pk').values_list('number', flat=True)[500]\n"
        "p = Partner.objects.filter(is_published=True).order_by('pk').values_list('slug', flat=True)[100]\n"
        "e = Event.objects.filter(is_published=True).order_by('-starts_at').values_list('slug', flat=True)[0]\n"
        "a = Application.objects.exclude(status='draft').order_by('pk').values_list('pk', 'reference')[5000]\n"
        "print(json.dumps({'certificate': c, 'partner': p, 'event': e, 'application': a}))\n"
    )
    return json.loads(manage(env, "shell", "-c", code).stdout.strip().splitlines()[-1])


def public_targets(ids):
    content = [
        ("home", "/"),
        ("FAQ", "/faq/"),
        ("information page", "/pages/about/"),
        ("programs", "/certification/"),
        ("partners", "/partners/"),
        ("partner detail", f"/partners/{ids['partner']}/"),
        ("events", "/events/"),
        ("library", "/library/"),
        ("registry", "/registry/"),
        ("verification", f"/verify/{ids['certificate']}/"),
        ("verification JSON", f"/verify/{ids['certificate']}.json"),
    ]
    searches = [
        ("FAQ search", "/faq/?q=training"),
        ("library search", "/library/?q=regulation"),
        ("registry search", "/registry/?q=okafor"),
        ("partners search", "/partners/?q=houston"),
    ]
    # Feeds carry every partner or upcoming event (200 KB gzipped for 10,000 partners): measured,
    # held to the p99 target, not to the content pages' share of /healthz.
    feeds = [
        ("GeoJSON (10,000 partners)", "/partners.geojson"),
        ("events.ics", "/events.ics"),
    ]
    forms = [
        ("individual application form", "/apply/individual/"),
        ("site application form", "/apply/site/"),
    ]
    return content, searches, feeds, forms


def admin_timings(base_url, ids, rounds=20):
    client = Client(base_url, timeout=30)
    login = client.post_form(
        "/admin/login/?next=/admin/", {"username": "bench-reviewer", "password": "bench-password-123456"}
    )
    if login.status != 302:
        raise RuntimeError(f"reviewer login failed: HTTP {login.status}")
    pages = [
        ("applications changelist", "/admin/certifications/application/"),
        ("applications search", "/admin/certifications/application/?q=Whitfield&status=all"),
        ("application page", f"/admin/certifications/application/{ids['application'][0]}/change/"),
    ]
    results = []
    for name, path in pages:
        client.get(path)  # warm up
        timings = []
        for _ in range(rounds):
            response = client.get(path)
            if response.status != 200:
                raise RuntimeError(f"{path}: HTTP {response.status}")
            timings.append(response.seconds * 1000)
        results.append((name, path, statistics.median(timings), max(timings)))
    return results


QUERY_COUNT_SCRIPT = """
import json, sys
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
paths = json.loads(sys.argv[1])
anonymous, reviewer = Client(), Client()
reviewer.force_login(get_user_model().objects.get(username="bench-reviewer"))
out = []
for who, path in paths:
    client = reviewer if who == "reviewer" else anonymous
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path).status_code
    out.append([who, path, status, len(queries)])
print(json.dumps(out))
"""


def query_counts(env, paths):
    env = {**env, "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1", "PUBLIC_PAGE_CACHE_SECONDS": "0"}
    result = subprocess.run(
        [PYTHON, "-c", "import django; django.setup(); exec(open(0).read())", json.dumps(paths)],
        input=QUERY_COUNT_SCRIPT,
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", action="store_true", help="load seed_scale_data first")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) * 2 + 1)
    parser.add_argument("--only", default="", help="measure only pages whose name contains this text")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (and REDIS_URL) for the benchmark.")
    env = production_env(
        database_url,
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/8"),
        CACHE_KEY_PREFIX=f"bench-{time.time_ns()}",
        RATELIMIT_ENABLE="false",
    )
    print("Preparing: migrate, starter content, collectstatic, reviewer account")
    manage(env, "migrate", "--no-input")
    manage(env, "load_starter_content")
    if args.seed:
        print("Seeding scale data (this takes a few minutes)")
        print(manage(env, "seed_scale_data", "--yes").stdout)
    manage(env, "collectstatic", "--no-input")
    manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth.models import Group, User\n"
        "u, _ = User.objects.get_or_create(username='bench-reviewer', defaults={'is_staff': True})\n"
        "u.set_password('bench-password-123456'); u.is_staff = True; u.save()\n"
        "u.groups.add(Group.objects.get(name='Reviewers'))\n",
    )
    ids = sample_paths(env)
    content, searches, feeds, forms = public_targets(ids)
    if args.only:
        content, searches, feeds, forms = (
            [(name, path) for name, path in group if args.only.lower() in name.lower()]
            for group in (content, searches, feeds, forms)
        )

    machine = subprocess.run(["uname", "-srm"], capture_output=True, text=True, check=True).stdout.strip()
    print(f"\nMachine: {os.cpu_count()} CPUs, {machine}")
    print(f"gunicorn {args.workers} sync workers; wrk {args.duration}s per run")

    with Gunicorn(env, PORT, workers=args.workers) as server:
        for _, path in [*content, *searches, *feeds, *forms, ("healthz", "/healthz")]:
            Client(server.url).get(path)  # warm the page cache and connections
        for connections in (8, 64):
            print(f"\n== {connections} connections")
            drain(server.url)
            health = wrk(f"{server.url}/healthz", connections, args.duration)
            print(f"{'page':34} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'vs healthz':>10}  target")
            print(f"{'/healthz':34} {health['rps']:9.0f} {health['p50']:8.2f} {health['p99']:8.2f} {1:10.2f}")
            groups = (
                (content, TARGET_CONTENT_RATIO),
                (feeds, None),
                (forms, TARGET_FORM_RATIO),
                (searches, TARGET_SEARCH_RATIO),
            )
            for group, target in groups:
                for name, path in group:
                    drain(server.url)
                    result = wrk(f"{server.url}{path}", connections, args.duration)
                    ratio = result["rps"] / health["rps"] if health["rps"] else 0
                    verdict = "ok" if target is None or ratio >= target else "BELOW"
                    if connections == 8 and result["p99"] >= TARGET_P99_MS:
                        verdict += f", p99 over {TARGET_P99_MS} ms"
                    if result["non_2xx"]:
                        verdict += f", {result['non_2xx']} non-2xx"
                    print(
                        f"{name:34} {result['rps']:9.0f} {result['p50']:8.2f} {result['p99']:8.2f} "
                        f"{ratio:10.2f}  {'>= ' + str(target) if target else 'p99 only'} {verdict}"
                    )

        drain(server.url)
        print("\n== Admin as a reviewer (20 sequential requests each)")
        for name, _path, median, worst in admin_timings(server.url, ids):
            verdict = "ok" if median < TARGET_ADMIN_MEDIAN_MS else "OVER"
            print(f"{name:34} median {median:7.1f} ms  max {worst:7.1f} ms  (< {TARGET_ADMIN_MEDIAN_MS} ms: {verdict})")

    print("\n== SQL queries per page (uncached)")
    paths = [("anonymous", path) for _, path in [*content, *searches, *feeds, *forms]] + [
        ("reviewer", "/admin/certifications/application/"),
        ("reviewer", "/admin/certifications/application/?q=Whitfield&status=all"),
        ("reviewer", f"/admin/certifications/application/{ids['application'][0]}/change/"),
        ("reviewer", "/admin/certifications/certificate/"),
    ]
    for who, path, status, count in query_counts(env, paths):
        print(f"{who:10} {path:70} HTTP {status}  {count:3d} queries")


if __name__ == "__main__":
    main()
