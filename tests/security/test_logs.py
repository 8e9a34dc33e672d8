"""Personal data never reaches the logs: the main public flows, their errors and a failing email,
logged at DEBUG, written out exactly as settings.LOGGING writes them (each handler's own filters
and formatter), name no applicant, registrant or correspondent and hold no private link."""

import logging
import runpy
import smtplib
import threading
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from _pytest.logging import LogCaptureHandler
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.db import connections
from django.test import Client

from apps.certifications.models import Application, Status
from apps.certifications.tokens import DRAFT_SALT, certificate_url, make_token
from apps.core.logging import RedactPrivateTokens, redact
from apps.events.models import Registration
from apps.events.tokens import cancel_url
from tests.factories import individual_form_data, make_certificate, make_event, make_phase_one
from tests.files import pdf_bytes, png_bytes, upload

BASE_DIR = Path(__file__).resolve().parents[2]

APPLICANT = {"full_name": "Rosalind Quixote-Marsh", "email": "rosalind.qm@example.org", "phone": "+1 555 0199 4242"}
REGISTRANT = {"name": "Perpetua Oyelaran", "email": "perpetua.oyelaran@example.org"}
CORRESPONDENT = {"name": "Ignatius Bellweather", "email": "ignatius.bellweather@example.org"}


class RefusingMailer(BaseEmailBackend):
    """An SMTP server that refuses every recipient, as a relay does for an unknown mailbox."""

    def send_messages(self, email_messages):
        refused = {address: (550, b"5.1.1 Mailbox unavailable") for m in email_messages for address in m.recipients()}
        raise smtplib.SMTPRecipientsRefused(refused)


class _Pristine(logging.Handler):
    """Keeps a copy of each record as it was logged, before any handler's filter changed it."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def handle(self, record):
        if not any(original is record for original, _ in self.records):
            self.records.append((record, logging.makeLogRecord(dict(record.__dict__))))
        return True


def _configured_handlers(logger):
    """The handlers a record logged on `logger` reaches, in order, as settings.LOGGING set them up."""
    while logger is not None:
        for handler in logger.handlers:
            if not isinstance(handler, _Pristine | LogCaptureHandler) and "pytest" not in type(handler).__module__:
                yield handler
        if not logger.propagate:
            return
        logger = logger.parent


def _written(records):
    """Every line the configured handlers write for `records`: filters applied in handler order."""
    lines = []
    for _, pristine in records:
        record = logging.makeLogRecord(dict(pristine.__dict__))
        for handler in _configured_handlers(logging.getLogger(record.name)):
            if record.levelno >= handler.level and handler.filter(record):
                lines.append(handler.format(record))
    return lines


@pytest.fixture
def every_log(caplog):
    """Everything logged anywhere, at DEBUG, including the loggers that do not propagate."""
    caplog.set_level(logging.DEBUG)
    for name in ["django", "django.request", "django.server", "django.security", "django.tasks", "apps"]:
        caplog.set_level(logging.DEBUG, logger=name)
    pristine = _Pristine()
    loggers = [logging.getLogger(), logging.getLogger("django"), logging.getLogger("django.server")]
    for logger in loggers:
        logger.handlers.insert(0, pristine)
    logging.getLogger("django.server").addHandler(caplog.handler)
    yield SimpleNamespace(caplog=caplog, records=pristine.records)
    for logger in loggers:
        logger.removeHandler(pristine)
    logging.getLogger("django.server").removeHandler(caplog.handler)


class _Server:
    """The development server (runserver's handler, which logs on django.server) in a thread."""

    def __enter__(self):
        self.server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
        # The handler itself: get_wsgi_application() would set Django up again, and its logging with it.
        self.server.set_app(WSGIHandler())
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        return self

    def _serve(self):
        try:
            self.server.serve_forever(poll_interval=0.05)
        finally:
            connections.close_all()

    def get(self, path):
        url = f"http://127.0.0.1:{self.server.server_address[1]}{path}"
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(url, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def _secrets(application, draft, registration, certificate):
    tokens = {
        "status token": make_token(application),
        "draft token": make_token(draft, salt=DRAFT_SALT),
        "cancel token": cancel_url(registration).rstrip("/").rsplit("/", 1)[1],
        "certificate token": certificate_url(certificate).rstrip("/").rsplit("/", 1)[1],
    }
    people = {
        "applicant name": APPLICANT["full_name"],
        "applicant email": APPLICANT["email"],
        "applicant phone": APPLICANT["phone"],
        "registrant name": REGISTRANT["name"],
        "registrant email": REGISTRANT["email"],
        "correspondent name": CORRESPONDENT["name"],
        "correspondent email": CORRESPONDENT["email"],
    }
    return {**tokens, **people}


@pytest.fixture
def run_worker(monkeypatch):
    """The real worker at the verbosity `manage.py db_worker` runs with, which logs each task's outcome."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    return lambda: call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=1)


@pytest.mark.django_db(transaction=True)
def test_the_main_flows_log_no_personal_data_and_no_private_link(every_log, run_worker, settings):
    client = Client()
    program = make_phase_one()
    event = make_event()
    certificate = make_certificate()
    files = {"document_cv": upload("cv.pdf", pdf_bytes()), "document_licence": upload("licence.png", png_bytes())}

    # An application: a mistake first, then submitted. The relay refuses the emails (a warning path).
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingMailer"}}
    refused = client.post("/apply/individual/", individual_form_data(program, **{**APPLICANT, "email": "rosalind@"}))
    submitted = client.post("/apply/individual/", individual_form_data(program, **APPLICANT, **files))
    run_worker()
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    application = Application.objects.get(status=Status.SUBMITTED)
    status_path = f"/applications/{make_token(application)}/"

    # A draft of a second application, the status lookup, the contact form.
    draft_response = client.post(
        "/apply/individual/", individual_form_data(program, email=APPLICANT["email"], action="draft")
    )
    draft = Application.objects.get(status=Status.DRAFT)
    lookup = client.post("/status/", {"reference": application.reference, "email": APPLICANT["email"]})
    contact = client.post("/contact/", {**CORRESPONDENT, "topic": "general", "message": "Call me back, please."})

    # A registration, then its cancellation through the private link.
    registered = client.post(
        f"/events/{event.slug}/register/", {**REGISTRANT, "role": "clinician", "is_nmt_certified": "no"}
    )
    registration = Registration.objects.get(email=REGISTRANT["email"])
    cancel_path = cancel_url(registration).removeprefix(settings.SITE_URL)
    cancelled = client.post(cancel_path)
    run_worker()

    # Errors on private links: tampered, wrong method, no CSRF token, unknown action, expired.
    not_found = client.get(f"/applications/{make_token(application)[:-3]}xyz/")
    not_allowed = client.put(status_path)
    forbidden = Client(enforce_csrf_checks=True).post(status_path, {"action": "withdraw"})
    bad_request = client.post(status_path, {"action": "delete-everything"})
    real_time = time.time
    time.time = lambda: real_time() - timedelta(days=181).total_seconds()
    try:
        expired_path = f"/applications/{make_token(application)}/"
    finally:
        time.time = real_time
    gone = client.get(expired_path)

    # The same private links through the development server, which logs every request line.
    with _Server() as server:
        served = [
            server.get(status_path),
            server.get(f"/apply/resume/{make_token(draft, salt=DRAFT_SALT)}/"),
            server.get(cancel_path),
            server.get(certificate_url(certificate).removeprefix(settings.SITE_URL)),
            server.get(f"/applications/{make_token(application)}x/"),
        ]

    assert (refused.status_code, submitted.status_code, draft_response.status_code) == (200, 302, 302)
    assert (lookup.status_code, contact.status_code, registered.status_code, cancelled.status_code) == (302,) * 4
    assert Registration.objects.get(pk=registration.pk).status == Registration.Status.CANCELLED
    statuses = [r.status_code for r in (not_found, not_allowed, forbidden, bad_request, gone)]
    assert statuses == [404, 405, 403, 400, 410]
    assert served == [200, 200, 200, 200, 404]  # the draft's link redirected to its task list

    lines = _written(every_log.records)
    leaks = {
        what: [line for line in lines if secret in line]
        for what, secret in _secrets(application, draft, registration, certificate).items()
    }
    assert leaks == {what: [] for what in leaks}
    # The flows were logged: request lines, refusals and the failed email, each with the secret taken out.
    assert any('django.server: "GET /applications/[redacted]/ HTTP/1.1" 200' in line for line in lines)
    assert any('django.server: "GET /apply/resume/[redacted]/ HTTP/1.1" 302' in line for line in lines)
    assert any(f'"GET /events/{event.slug}/cancel/[redacted]/ HTTP/1.1" 200' in line for line in lines)
    assert any('"GET /certificates/[redacted]/ HTTP/1.1" 200' in line for line in lines)
    assert any("WARNING django.request: Not Found: /applications/[redacted]/" in line for line in lines)
    assert any("WARNING django.request: Gone: /applications/[redacted]/" in line for line in lines)
    assert any("Method Not Allowed (PUT): /applications/[redacted]/" in line for line in lines)
    assert any("Forbidden (CSRF cookie not set.): /applications/[redacted]/" in line for line in lines)
    assert any("Email failed on attempt 1 of 5 (SMTPRecipientsRefused)" in line for line in lines)
    assert any("SMTPRecipientsRefused: {'[email]': (550" in line for line in lines)


def test_every_handler_the_settings_configure_redacts():
    """Root and django.server write through the console handler; Django's own handlers are gone."""
    config = settings.LOGGING
    filtered = {name for name, handler in config["handlers"].items() if "redact_tokens" in handler["filters"]}

    assert config["root"]["handlers"] == ["console"]
    assert {
        name: logger.get("handlers") for name, logger in config["loggers"].items() if logger.get("handlers") is not None
    } == {"django": [], "django.server": ["console"]}
    assert filtered == set(config["handlers"])
    for name in ["", "django.server"]:
        handlers = list(_configured_handlers(logging.getLogger(name)))
        assert handlers and all(any(isinstance(f, RedactPrivateTokens) for f in h.filters) for h in handlers)


def test_gunicorn_access_and_error_logs_redact_private_links(capsys):
    """gunicorn.conf.py (read by gunicorn from the project folder) gives it a redacting logger."""
    from gunicorn.config import Config

    config = Config()
    config.set("accesslog", "-")
    config.set("logger_class", runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))["logger_class"])
    logger = config.logger_class(config)
    application = SimpleNamespace(public_id=SimpleNamespace(hex="f" * 32), token_version=1)
    token = make_token(application)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/applications/{token}/",
        "PATH_INFO": f"/applications/{token}/",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.5",
        "HTTP_REFERER": f"https://nmt.example.org/apply/resume/{token}/",
    }
    response = SimpleNamespace(status="200 OK", sent=1234, headers=[])
    request = SimpleNamespace(headers=[("User-Agent", "Mozilla/5.0"), ("X-Forwarded-For", "198.51.100.4")])

    logger.access(response, request, environ, timedelta(milliseconds=12))
    logger.error("Worker failed on /events/a-training/cancel/%s/ for %s", token, "rosalind.qm@example.org")

    output = capsys.readouterr()
    assert '"GET /applications/[redacted]/ HTTP/1.1" 200 1234 "https://nmt.example.org/apply/resume/[redacted]/"' in (
        output.out
    )
    assert "Worker failed on /events/a-training/cancel/[redacted]/ for [email]" in output.err
    assert token not in output.out + output.err
    assert "rosalind" not in output.err


# An address typed into a search box reaches the request line percent-encoded, as the browser sent it.
ENCODED_FORMS = {
    "literal": "rosalind.qm@example.org",
    "encoded @": "rosalind.qm%40example.org",
    "mixed case": "Rosalind.QM%40Example.ORG",
    "encoded +": "rosalind%2Bnmt%40example.org",
    "lower-case encoded +": "rosalind%2bnmt%40example.org",
    "literal +": "rosalind+nmt%40example.org",
    "encoded dot": "rosalind.qm%40example%2Eorg",
    "encoded twice": "rosalind%252Bnmt%2540example.org",
    "non-ASCII": "ros%C3%A9%40exampl%C3%A9.org",
}


@pytest.mark.parametrize("typed", ENCODED_FORMS.values(), ids=ENCODED_FORMS.keys())
def test_an_email_in_a_query_string_is_redacted_in_every_encoding(typed):
    assert redact(f'"GET /faq/?q={typed}&page=2 HTTP/1.1" 200 5120') == '"GET /faq/?q=[email]&page=2 HTTP/1.1" 200 5120'


def test_search_words_and_other_percent_signs_are_kept():
    line = '"GET /library/?q=brain+trauma&kind=book&note=100%25+sure%40home HTTP/1.1" 200'

    assert redact(line) == line


@pytest.mark.django_db(transaction=True)
def test_searching_for_an_email_logs_the_request_line_without_it(every_log, settings):
    settings.RATELIMIT_ENABLE = False
    searches = [
        f"/{page}/?q={typed}" for page in ["faq", "library", "registry", "partners"] for typed in ENCODED_FORMS.values()
    ]

    with _Server() as server:
        served = [server.get(path) for path in searches]

    lines = _written(every_log.records)
    assert served == [200] * len(searches)
    request_lines = [line for line in lines if "django.server" in line and "GET /" in line]
    assert [line.split('"')[1] for line in request_lines] == [
        f"GET /{page}/?q=[email] HTTP/1.1" for page in ["faq", "library", "registry", "partners"] for _ in ENCODED_FORMS
    ]
    assert [line for line in lines if "rosalind" in line.lower() or "example" in line.lower()] == []
