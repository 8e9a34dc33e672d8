"""Benchmark: the review queue, search, dashboard and registry over 100,000 applications.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nmt_review_bench DJANGO_DEBUG=true \
        .venv/bin/python bench/review_queue.py [--applications 100000]

Migrates the (scratch) database named by DATABASE_URL, fills it with applications in every status
(one in five approved, with its certificate) unless they are there already, then times each staff
page as a site administrator and each public page, printing the median of 5 runs in milliseconds
and the number of SQL queries, and PostgreSQL's plan for a name search. Prints figures; not a test.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nmt_portal.settings")
os.environ.setdefault("RATELIMIT_ENABLE", "false")

import django

django.setup()

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.certifications.models import Application, Certificate, Kind, Program, Status  # noqa: E402
from apps.certifications.services import certificate_build, with_unguessable_part  # noqa: E402
from apps.core.admin_site import ADMIN_SESSION_KEY, admin_sign_in_state, has_authenticator  # noqa: E402

FIRST = ["Amira", "Ben", "Chen", "Dana", "Eli", "Farah", "Gabe", "Hana", "Ivan", "Jo", "Kemi", "Luis"]
LAST = ["Okafor", "Smith", "Nguyen", "Garcia", "Kowalski", "Haddad", "Ivanova", "Tanaka", "Moreau", "Silva"]
COUNTRIES = ["US", "CA", "GB", "AU", "NZ", "DE", "NL", "IE", "ZA", "SE"]
STATUSES = [Status.SUBMITTED, Status.IN_REVIEW, Status.INFO_REQUESTED, Status.APPROVED, Status.REJECTED]


def seed(count):
    if Application.objects.count() >= count:
        return
    rng = random.Random(7)
    programs = [
        Program.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "summary": name, "validity_months": 24}
        )[0]
        for slug, name, kind in [
            ("bench-phase-1", "Bench Phase I", Kind.INDIVIDUAL),
            ("bench-phase-2", "Bench Phase II", Kind.INDIVIDUAL),
            ("bench-site", "Bench site", Kind.SITE),
        ]
    ]
    now = timezone.now()
    batch = []
    for n in range(1, count + 1):
        program = programs[n % 3]
        status = STATUSES[n % 5]
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}"
        submitted = now - timedelta(days=rng.randint(0, 720), minutes=n % 1440)
        decided = submitted + timedelta(days=rng.randint(3, 60)) if status in {"approved", "rejected"} else None
        batch.append(
            Application(
                kind=program.kind,
                program=program,
                status=status,
                reference=f"NMT-{'S' if program.kind == Kind.SITE else 'I'}-2026-{n:06d}",
                email=f"person{n}@example.org",
                country=COUNTRIES[n % len(COUNTRIES)],
                city="Springfield",
                full_name=name if program.kind == Kind.INDIVIDUAL else "",
                organisation_name=f"{name} Centre" if program.kind == Kind.SITE else "",
                list_in_registry=n % 2 == 0,
                consent_privacy=True,
                submitted_at=submitted,
                decided_at=decided,
            )
        )
        if len(batch) == 5000:
            Application.objects.bulk_create(batch)
            batch = []
    Application.objects.bulk_create(batch)
    today = timezone.localdate()
    approved = Application.objects.filter(status=Status.APPROVED).select_related("program").iterator()
    certificates = [
        certificate_build(
            application=application,
            number=with_unguessable_part(f"NMT-C-2026-{i:06d}", rng=rng),
            issued_on=today - timedelta(days=i % 700),
        )
        for i, application in enumerate(approved, start=1)
    ]
    Certificate.objects.bulk_create(certificates, batch_size=5000)
    with connection.cursor() as cursor:
        # As autovacuum would: statistics for the planner, and the GIN indexes' pending lists merged.
        cursor.execute("VACUUM ANALYZE")


def measure(client, label, url, runs=5):
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url, HTTP_HOST="127.0.0.1")
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    print(f"{label:<40} {statistics.median(timings):8.1f} ms  {len(queries):3d} queries")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=100_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    seed(args.applications)
    admin, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    print(f"{Application.objects.count():,} applications, {Certificate.objects.count():,} certificates\n")
    staff = Client()
    staff.force_login(admin)
    # As the admin's login leaves a site administrator who gave the password and the second factor.
    if not has_authenticator(admin):
        TOTP.activate(admin, generate_totp_secret())
    session = staff.session
    session[ADMIN_SESSION_KEY] = admin_sign_in_state(admin, second_factor=True)
    session.save()
    public = Client()
    some = Application.objects.filter(status=Status.IN_REVIEW).first()
    certificate = Certificate.objects.first()
    queue = "/admin/certifications/application/"
    measure(staff, "queue (awaiting review, oldest first)", queue)
    measure(staff, "queue, all statuses", f"{queue}?status=all")
    measure(staff, "queue, search a surname", f"{queue}?status=all&q=okafor")
    measure(staff, "queue, search a reference", f"{queue}?status=all&q={some.reference}")
    measure(staff, "queue, country + kind + unassigned", f"{queue}?country=CA&kind=site&reviewer=none")
    measure(staff, "queue, renewals", f"{queue}?status=all&type=renewal")
    measure(staff, "queue, audits overdue", f"{queue}?type=audit-overdue")
    measure(staff, "application page", f"{queue}{some.pk}/change/")
    measure(staff, "certificates", "/admin/certifications/certificate/")
    measure(staff, "dashboard", f"{queue}dashboard/")
    measure(public, "registry", "/registry/")
    measure(public, "registry, search + country", "/registry/?q=smith&country=GB")
    measure(public, "registry, page 200", "/registry/?page=200")
    measure(public, "verification JSON", f"/verify/{certificate.number}.json")
    print("\nPlan of the surname search:")
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN ANALYZE SELECT id FROM certifications_application WHERE UPPER(full_name::text) LIKE UPPER(%s) "
            "OR UPPER(organisation_name::text) LIKE UPPER(%s) OR UPPER(email::text) LIKE UPPER(%s)",
            ["%okafor%"] * 3,
        )
        for (line,) in cursor.fetchall():
            print("   ", line)


if __name__ == "__main__":
    main()
