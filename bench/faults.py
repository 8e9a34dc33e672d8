"""Fault drill: stop PostgreSQL under a serving portal, then the task worker, and check nothing is lost.

    .venv/bin/python -m bench.faults

Runs against a throwaway PostgreSQL cluster (bench/pgcluster.py, port 25432) and gunicorn with
production settings on 127.0.0.1:8200, never the machine's shared database. Checks:
  1. with PostgreSQL stopped, pages answer a friendly 503 (no stack trace) in under 5 s,
     /readyz says unavailable and /healthz stays up;
  2. after PostgreSQL returns, pages recover within 5 s without restarting gunicorn;
  3. every submission acknowledged before the outage is in the database;
  4. emails queued while no worker runs, and while a worker is stopped halfway, all go out,
     each once, when a worker runs again.
Exits non-zero when a check fails.
"""

import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.client import Client
from bench.pgcluster import Cluster, wait_for
from bench.server import BASE_DIR, PYTHON, Gunicorn, manage, production_env
from bench.submissions import create_cv_only_program, one_megabyte_pdf
from bench.submissions import submit as submit_application

PORT = 8200
SUBMISSIONS = 20
APPLICATIONS = 5
PAGES = ["/", "/faq/", "/pages/about/", "/contact/"]
# Pages that must read the database (never visited before the outage, so not in the page cache).
DATABASE_PAGES = ["/faq/?q=training", "/pages/evidence-base/", "/pages/nme/"]

failures = []


def check(condition, message):
    print(("PASS  " if condition else "FAIL  ") + message)
    if not condition:
        failures.append(message)


def submit_inquiries(client, count, tag):
    acknowledged = []
    for i in range(count):
        name = f"Fault drill {tag} {i}"
        response = client.post_form(
            "/contact/",
            {"name": name, "email": f"drill{i}@example.org", "topic": "general", "message": "Drill message."},
        )
        if response.status == 302:
            acknowledged.append(name)
    return acknowledged


def db_count(env, sql):
    result = manage(
        env,
        "shell",
        "-c",
        f"from django.db import connection\nc=connection.cursor()\nc.execute({sql!r})\nprint(c.fetchone()[0])",
    )
    return int(result.stdout.strip().splitlines()[-1])


def sent_messages(mail_dir):
    return sum(len(re.findall(r"^Message-ID: ", p.read_text(), flags=re.M)) for p in Path(mail_dir).glob("*.log"))


def main():
    mail_dir = tempfile.mkdtemp(prefix="nmt-mail-")
    with Cluster(port=25432) as pg:
        pg.create_database("nmt_fault")
        env = production_env(
            pg.url("nmt_fault"),
            REDIS_URL="redis://127.0.0.1:6379/9",
            CACHE_KEY_PREFIX=f"faults-{time.time_ns()}",
            EMAIL_URL=f"filemail://{mail_dir}",
            RATELIMIT_ENABLE="false",
            DATABASE_CONN_MAX_AGE=60,
        )
        manage(env, "migrate", "--no-input")
        manage(env, "load_starter_content")
        manage(env, "collectstatic", "--no-input")
        program_id = create_cv_only_program(env)
        pdf = one_megabyte_pdf()

        with Gunicorn(env, PORT, workers=2) as server:
            client = Client(server.url, timeout=15)
            for path in PAGES:  # warm every worker's connection
                client.get(path)
            acknowledged = submit_inquiries(client, SUBMISSIONS, "before")
            check(len(acknowledged) == SUBMISSIONS, f"{len(acknowledged)}/{SUBMISSIONS} acknowledged before the outage")
            applications = [submit_application(server.url, program_id, n, pdf) for n in range(APPLICATIONS)]
            check(
                [status for status, _, _ in applications] == [302] * APPLICATIONS,
                f"{APPLICATIONS} applications with a 1 MB PDF acknowledged before the outage",
            )

            print("-- stopping PostgreSQL")
            pg.stop()
            for path in PAGES:
                response = client.get(path)
                friendly = response.status == 200 or (response.status == 503 and "briefly unavailable" in response.body)
                check(
                    friendly and response.seconds < 5 and "Traceback" not in response.body,
                    f"GET {path} with the database down: HTTP {response.status} in {response.seconds:.2f}s "
                    f"(page cache: {response.headers.get('X-Page-Cache', 'not cached')})",
                )
            for path in [*DATABASE_PAGES, "/readyz"]:
                response = client.get(path)
                check(
                    response.status == 503 and response.seconds < 5,
                    f"GET {path} with the database down: HTTP {response.status} in {response.seconds:.2f}s",
                )
                if path != "/readyz":
                    check(
                        "briefly unavailable" in response.body and "Traceback" not in response.body,
                        f"GET {path} shows the friendly 503 page, no stack trace",
                    )
            readyz = client.get("/readyz")
            check('"database": "unavailable"' in readyz.body, "/readyz reports the database unavailable")
            healthz = client.get("/healthz")
            check(healthz.status == 200, f"/healthz stays up without the database: HTTP {healthz.status}")
            during = client.post_form(
                "/contact/", {"name": "During outage", "email": "x@example.org", "topic": "general", "message": "x"}
            )
            check(
                during.status == 503,
                f"an inquiry during the outage is refused, not acknowledged: HTTP {during.status}",
            )
            status, _, seconds = submit_application(server.url, program_id, 999, pdf)
            check(status == 503 and seconds < 5, f"an application during the outage: HTTP {status} in {seconds:.2f}s")

            print("-- starting PostgreSQL")
            pg.start()
            restarted = time.monotonic()
            recovered = wait_for(lambda: all(client.get(p).status == 200 for p in ["/faq/", "/readyz"]), timeout=5)
            check(
                recovered,
                f"pages and /readyz recover {time.monotonic() - restarted:.2f}s after PostgreSQL returns (limit 5 s)",
            )

            stored = db_count(env, "SELECT count(*) FROM inquiries_inquiry WHERE name LIKE 'Fault drill before %%'")
            check(
                stored == len(acknowledged),
                f"{stored}/{len(acknowledged)} acknowledged inquiries stored after the outage",
            )
            stored_applications = db_count(
                env,
                "SELECT count(*) FROM certifications_application a JOIN certifications_applicationdocument d "
                "ON d.application_id = a.id WHERE a.status = 'submitted' AND a.reference IS NOT NULL",
            )
            check(
                stored_applications == APPLICATIONS,
                f"{stored_applications}/{APPLICATIONS} acknowledged applications stored, each with its document",
            )

            acknowledged_after = submit_inquiries(client, SUBMISSIONS, "after")
            check(len(acknowledged_after) == SUBMISSIONS, "submissions work again after recovery")

        # One staff notice per inquiry; per application a confirmation and a staff notice.
        total_emails = len(acknowledged) + len(acknowledged_after) + 2 * APPLICATIONS
        queued = db_count(env, "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'READY'")
        check(
            queued == total_emails,
            f"{queued} emails queued in PostgreSQL while no worker ran (expected {total_emails})",
        )
        check(sent_messages(mail_dir) == 0, "nothing was sent inside a request")

        print("-- starting a worker, stopping it (SIGTERM) after the first emails, starting another")
        worker = subprocess.Popen(
            [PYTHON, "manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay"],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: sent_messages(mail_dir) >= 3, timeout=30, interval=0.02)
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
        halfway = sent_messages(mail_dir)
        check(0 < halfway < total_emails, f"worker stopped with {halfway}/{total_emails} emails sent")
        # A worker stopped between claiming a task and running it leaves the task RUNNING: the
        # deploy step (and cron) puts such tasks back in the queue before workers start.
        print("   " + manage(env, "requeue_stalled_tasks", "--minutes", "0").stdout.strip())
        restart = manage(env, "db_worker", "--batch", "--no-startup-delay", check=False)
        if restart.returncode:
            print(restart.stderr[-3000:])
        sent = sent_messages(mail_dir)
        check(sent == total_emails, f"after the restart {sent}/{total_emails} emails sent, each exactly once")

    print()
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("All fault checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
