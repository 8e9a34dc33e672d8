"""Benchmark: where an uncached page's time goes, in-process, over the scale data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nmt_bench REDIS_URL=redis://127.0.0.1:6379/8 \
        .venv/bin/python -m bench.render_budget [--rounds 300]

Production settings (DEBUG off, manifest static files: run `manage.py collectstatic` first) and
PUBLIC_PAGE_CACHE_SECONDS=0, through Django's test client in this one process, so no HTTP server,
no load generator and no other process shares the figures. It prints the median of each:

1. whole requests: /healthz (every middleware, no template, no query) and each public page;
2. the parts of a page: the bare layout (base.html with its context processors), one SQL round
   trip (SELECT 1), and the registry's 25 rows read four ways (model instances with
   select_related, the same with only() their columns, values_list(), and the SQL alone through
   the cursor), then rendered by Django's template language and, when Jinja2 is installed
   (`pip install jinja2==3.1.6`; it is not a requirement of the portal), by Jinja2 from the same
   row markup.

Twenty-five per cent of /healthz, the uncached target of bench/run.py, leaves a page about four
times /healthz's time; the parts show what fits in it. It prints figures; it is not a test.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.server import database_url_from_environment, measured_env  # noqa: E402

PAGES = [
    "/",
    "/faq/",
    "/pages/about/",
    "/certification/",
    "/partners/",
    "/events/",
    "/library/",
    "/registry/",
    "/faq/?q=training",
    "/registry/?q=okafor",
    # The registry's layout, form, pager and count with no row at all: what a page costs before
    # any row is read or rendered.
    "/registry/?q=qxzqxz",
]

ROW = """<tr>
  <th scope="row">{{ c.holder_name }}</th>
  <td>{{ c.program.name }} <span class="badge text-bg-light border">{{ c.kind_display }}</span></td>
  <td>{% if c.city %}{{ c.city }}, {% endif %}{{ c.country_name }}</td>
  <td><time datetime="{{ c.expires_iso }}">{{ c.expires_text }}</time></td>
  <td><a href="{{ c.url }}">{{ c.number }}<span class="visually-hidden">: verify {{ c.holder_name }}</span></a></td>
</tr>"""


def median_ms(function, rounds):
    for _ in range(min(30, rounds)):
        function()
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    env = measured_env(database_url_from_environment(), "render-budget", PUBLIC_PAGE_CACHE_SECONDS="0")
    env["DJANGO_ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    os.environ.update(env)

    import django

    django.setup()

    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.db import connection
    from django.template import engines
    from django.template.defaultfilters import date as date_filter
    from django.template.loader import get_template
    from django.test import Client, RequestFactory

    from apps.certifications.models import Certificate
    from apps.certifications.views.registry import REGISTRY_COLUMNS
    from apps.core.countries import country_name

    rounds = args.rounds
    client = Client()
    print(f"In-process medians of {rounds} rounds, production settings, page cache off\n")
    print("== Whole requests (Django's test client)")
    health = median_ms(lambda: client.get("/healthz"), rounds)
    print(f"{'/healthz':34} {health:7.2f} ms")
    for path in PAGES:
        status = client.get(path).status_code
        cost = median_ms(lambda path=path: client.get(path), max(rounds // 5, 20))
        print(f"{path:34} {cost:7.2f} ms  {health / cost:5.2f} of /healthz  (HTTP {status})")

    print("\n== The parts of a page")
    request = RequestFactory().get("/")
    request.user, request.session, request.csp_nonce = AnonymousUser(), {}, "n"
    request._messages = FallbackStorage(request)
    layout = get_template("base.html")
    print(f"{'base.html with its context':34} {median_ms(lambda: layout.render({}, request), rounds):7.2f} ms")

    def round_trip():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchall()

    print(f"{'SELECT 1 (one round trip)':34} {median_ms(round_trip, rounds):7.2f} ms")

    listed = Certificate.objects.active().listed().order_by("holder_name", "number")
    first = listed.select_related("program")
    queries = {
        "25 rows, model instances": lambda: list(first[:25]),
        "25 rows, only() their columns": lambda: list(first.only(*REGISTRY_COLUMNS)[:25]),
        "25 rows, values_list()": lambda: list(listed.values_list(*REGISTRY_COLUMNS)[:25]),
    }
    sql, params = listed.values_list(*REGISTRY_COLUMNS)[:25].query.sql_with_params()

    def cursor_only():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    queries["25 rows, the SQL alone"] = cursor_only
    for label, function in queries.items():
        print(f"{label:34} {median_ms(function, max(rounds // 3, 20)):7.2f} ms")

    certificates = list(first.only(*REGISTRY_COLUMNS)[:25])
    rows = [
        {
            "holder_name": c.holder_name,
            "program": c.program,
            "kind_display": c.get_kind_display(),
            "city": c.city,
            "country_name": country_name(c.country.code),
            "expires_iso": c.expires_on.isoformat(),
            "expires_text": date_filter(c.expires_on),
            "url": c.get_absolute_url(),
            "number": c.number,
        }
        for c in certificates
    ]
    loop = "{% for c in rows %}" + ROW + "{% endfor %}"
    django_rows = engines["django"].from_string(loop)
    print(f"{'25 rows rendered, Django':34} {median_ms(lambda: django_rows.render({'rows': rows}), rounds):7.2f} ms")

    def formatted():
        return [(date_filter(c.expires_on), c.get_absolute_url(), country_name(c.country.code)) for c in certificates]

    print(f"{'25 rows formatted (date, link, country)':34} {median_ms(formatted, rounds):7.2f} ms")
    try:
        import jinja2
    except ImportError:
        print(f"{'25 rows rendered, Jinja2':34}  (jinja2 not installed)")
    else:
        jinja_rows = jinja2.Environment(autoescape=True).from_string(loop)
        print(f"{'25 rows rendered, Jinja2':34} {median_ms(lambda: jinja_rows.render(rows=rows), rounds):7.2f} ms")
    print(f"\nBudget at 0.25 of /healthz: about {health * 4:.2f} ms a page in this process.")


if __name__ == "__main__":
    main()
