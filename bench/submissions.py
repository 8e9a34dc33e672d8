"""Submissions under load: 100 individual applications, each with a 1 MB PDF, from 20 concurrent clients.

    .venv/bin/python -m bench.submissions [--applications 100] [--clients 20]

Serves the portal with gunicorn and production settings against a throwaway PostgreSQL cluster
(bench/pgcluster.py, port 25433), submits the applications over HTTP through the real form
(CSRF token, submission key, multipart upload), then checks in the database: as many rows,
distinct references, stored documents (files present in private storage) and queued confirmation
emails as submissions; and prints the throughput. Exits non-zero when a check fails.
"""

import argparse
import concurrent.futures
import json
import re
import sys
import tempfile
import time
from pathlib import Path

from bench.client import Client
from bench.pgcluster import Cluster
from bench.server import Gunicorn, manage, production_env

PORT = 8210
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY = re.compile(r'name="submission_key" value="([0-9a-f-]+)"')
# /apply/individual/ is the journey's task list; its first section's blank page carries the CSRF
# token and a fresh submission key, and the one-page POST to /apply/individual/ submits it all.
FORM_PAGE = "/apply/individual/sections/program/"


def one_megabyte_pdf():
    """A valid one-page PDF of about 1 MB, like a scanned CV: a photo-like image (noise resists
    compression) saved as PDF by Pillow."""
    import io
    import random

    from PIL import Image

    rng = random.Random(7)
    side = 1012
    image = Image.frombytes("RGB", (side, side), bytes(rng.getrandbits(8) for _ in range(side * side * 3)))
    output = io.BytesIO()
    image.save(output, format="PDF", resolution=150, quality=92)
    return output.getvalue()


def create_cv_only_program(env):
    """A program asking for a CV only, so each application carries exactly one document."""
    code = (
        "from apps.certifications.models import Program, ProgramDocument\n"
        "p = Program.objects.create(name='Load test level', slug='load-test', kind='individual',"
        " summary='Load test.', validity_months=24)\n"
        "ProgramDocument.objects.create(program=p, kind='cv', required=True)\n"
        "print(p.pk)"
    )
    return int(manage(env, "shell", "-c", code).stdout.strip().splitlines()[-1])


def application_fields(program_id, n):
    """The one-page individual application form's fields, filled in for applicant `n` (without the
    CSRF token and the submission key, which come from the form page)."""
    return {
        "program": str(program_id),
        "full_name": f"Load Test Applicant {n}",
        "email": f"load{n}@example.org",
        "phone": "+1 555 0100",
        "country": "US",
        "city": "Houston",
        "profession": "Social worker",
        "credential_type": "Licensed clinical social worker",
        "credential_number": f"LCSW-{n:05d}",
        "credential_issuer": "Texas State Board",
        "years_of_practice": "7",
        "populations": ["children", "families"],
        "motivation": "Submitted by the load script.",
        "consent_privacy": "on",
        "action": "submit",
    }


def submit(base_url, program_id, n, pdf):
    client = Client(base_url, timeout=60)
    page = client.get(FORM_PAGE)
    fields = {
        "csrfmiddlewaretoken": CSRF.search(page.body).group(1),
        "submission_key": KEY.search(page.body).group(1),
        **application_fields(program_id, n),
    }
    from bench.client import _multipart

    body, content_type = _multipart(fields, {"document_cv": (f"cv-{n}.pdf", pdf, "application/pdf")})
    started = time.perf_counter()
    response = client.request(
        "POST",
        "/apply/individual/",
        data=body,
        headers={"Content-Type": content_type, "Referer": f"{base_url}/apply/individual/"},
    )
    return response.status, response.headers.get("Location", ""), time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=100)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    failures = []

    def check(condition, message):
        print(("PASS  " if condition else "FAIL  ") + message)
        if not condition:
            failures.append(message)

    private_root = Path(tempfile.mkdtemp(prefix="nmt-private-"))
    with Cluster(port=25433) as pg:
        pg.create_database("nmt_load")
        env = production_env(
            pg.url("nmt_load"),
            REDIS_URL="redis://127.0.0.1:6379/9",
            CACHE_KEY_PREFIX=f"load-{time.time_ns()}",
            RATELIMIT_ENABLE="false",
            PRIVATE_MEDIA_ROOT=str(private_root),
        )
        manage(env, "migrate", "--no-input")
        manage(env, "collectstatic", "--no-input")
        program_id = int(
            manage(
                env,
                "shell",
                "-c",
                "from apps.certifications.models import Program, ProgramDocument\n"
                "p = Program.objects.create(name='Load test level', slug='load-test', kind='individual',"
                " summary='Load test.', validity_months=24)\n"
                "ProgramDocument.objects.create(program=p, kind='cv', required=True)\n"
                "print(p.pk)",
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        pdf = one_megabyte_pdf()
        with Gunicorn(env, PORT, workers=args.workers) as server:
            started = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(max_workers=args.clients) as pool:
                results = list(pool.map(lambda n: submit(server.url, program_id, n, pdf), range(args.applications)))
            elapsed = time.perf_counter() - started

        statuses = [status for status, _, _ in results]
        latencies = sorted(seconds for _, _, seconds in results)
        check(
            statuses == [302] * args.applications, f"{statuses.count(302)}/{args.applications} submissions acknowledged"
        )
        check(
            all(location.endswith("/apply/received/") for _, location, _ in results),
            "every submission redirected to its confirmation page",
        )
        counts = json.loads(
            manage(
                env,
                "shell",
                "-c",
                "import json\n"
                "from apps.certifications.models import Application, ApplicationDocument\n"
                "from django_tasks_db.models import DBTaskResult\n"
                "apps = Application.objects.filter(full_name__startswith='Load Test Applicant')\n"
                "docs = ApplicationDocument.objects.filter(application__in=apps)\n"
                "print(json.dumps({'rows': apps.count(),"
                " 'references': apps.values('reference').distinct().count(),"
                " 'documents': docs.count(),"
                " 'sizes': sorted(set(docs.values_list('size', flat=True))),"
                " 'files': [d.file.name for d in docs],"
                " 'emails': DBTaskResult.objects.filter(status='READY',"
                " args_kwargs__kwargs__subject__icontains=' received').count()}))",
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        stored = [name for name in counts["files"] if (private_root / name).is_file()]
        n = args.applications
        check(counts["rows"] == n, f"{counts['rows']} application rows (expected {n})")
        check(counts["references"] == n, f"{counts['references']} distinct reference numbers")
        check(
            counts["documents"] == n and counts["sizes"] == [len(pdf)],
            f"{counts['documents']} documents of {len(pdf) / 1_000_000:.2f} MB",
        )
        check(len(stored) == n, f"{len(stored)} files present in private storage")
        check(counts["emails"] == n, f"{counts['emails']} confirmation emails queued for the worker")

    print(
        f"\n{n} submissions of 1 MB from {args.clients} clients in {elapsed:.1f}s: "
        f"{n / elapsed:.1f} submissions/s; per submission median {latencies[len(latencies) // 2] * 1000:.0f} ms, "
        f"max {latencies[-1] * 1000:.0f} ms"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
