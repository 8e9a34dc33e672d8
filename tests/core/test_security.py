"""Security headers and settings as production runs them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nmt_portal.settings import mailer_from_url

BASE_DIR = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db

EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https://tile.openstreetmap.org; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def test_every_response_carries_strict_security_headers(client):
    response = client.get("/faq/", secure=True)

    assert response["Content-Security-Policy"] == EXPECTED_CSP
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Permissions-Policy"].startswith("accelerometer=(), camera=(), geolocation=()")


def test_pages_contain_no_inline_script_or_style(client, starter_content):
    for url in ["/", "/faq/", "/pages/about/", "/contact/"]:
        html = client.get(url).content.decode()
        assert "<script>" not in html and "<style" not in html and " style=" not in html, url
        assert html.count("<script") == html.count('<script src="'), url


def _settings_process(env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_URL"))}
    return subprocess.run(
        [sys.executable, "-c", "import nmt_portal.settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE)"],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def _start_web_server(env):
    """Load the WSGI application as gunicorn does, in a clean process."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_URL"))}
    return subprocess.run(
        [sys.executable, "-c", "import nmt_portal.wsgi; print('started')"],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_web_server_refuses_to_start_without_a_secret_key():
    result = _start_web_server({"EMAIL_URL": "smtp://mail.example.org:587"})

    assert result.returncode == 1
    assert "ImproperlyConfigured: Set DJANGO_SECRET_KEY" in result.stderr
    assert "started" not in result.stdout


def test_production_web_server_refuses_to_start_without_an_email_url():
    result = _start_web_server({"DJANGO_SECRET_KEY": "x" * 50})

    assert result.returncode == 1
    assert "ImproperlyConfigured: Set EMAIL_URL" in result.stderr


def test_production_web_server_starts_when_configured():
    result = _start_web_server({"DJANGO_SECRET_KEY": "x" * 50, "EMAIL_URL": "smtp://mail.example.org"})

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


def test_offline_commands_run_without_secrets():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_URL"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "nmt_portal.settings"},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_deploy_check_names_each_missing_production_setting():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_URL"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "nmt_portal.settings", "DJANGO_ALLOWED_HOSTS": "nmt.example.org"},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1
    assert "(core.E001) Set DJANGO_SECRET_KEY" in result.stderr
    assert "(core.E002) Set EMAIL_URL" in result.stderr


def test_a_worker_without_email_url_fails_its_email_tasks_rather_than_dropping_them(settings, run_tasks):
    from django_tasks_db.models import DBTaskResult

    from apps.core.tasks import send_email

    settings.MAILERS = {"default": {"BACKEND": "apps.core.mail.UnconfiguredEmailBackend"}}
    send_email.enqueue(to=["a@example.org"], subject="Hello", body="Body")

    run_tasks()

    # The run fails visibly and a retry waits, for when EMAIL_URL has been set.
    assert list(DBTaskResult.objects.order_by("enqueued_at").values_list("status", flat=True)) == ["FAILED", "READY"]
    assert "EMAIL_URL is not set" in DBTaskResult.objects.get(status="FAILED").traceback


def test_production_uses_secure_cookies_and_development_starts_without_secrets():
    production = _settings_process({"DJANGO_SECRET_KEY": "x" * 50, "EMAIL_URL": "smtp://mail.example.org"})
    development = _settings_process({"DJANGO_DEBUG": "true"})

    assert production.stdout.strip() == "False True"
    assert development.stdout.strip() == "True False"


def test_plain_http_on_loopback_switches_off_redirect_and_secure_cookies():
    result = _settings_process(
        {"DJANGO_SECRET_KEY": "x" * 50, "EMAIL_URL": "smtp://m.example.org", "DJANGO_SECURE_SSL_REDIRECT": "false"}
    )

    assert result.stdout.strip() == "False False"


def test_deploy_check_passes_with_production_variables():
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "nmt_portal.settings",
            "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
            "DJANGO_ALLOWED_HOSTS": "nmt.example.org",
            "EMAIL_URL": "smtp+tls://user:pass@smtp.example.org:587",
            "SITE_URL": "https://nmt.example.org",
        },
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("consolemail://", {"BACKEND": "django.core.mail.backends.console.EmailBackend"}),
        (
            "smtp+tls://user:secret@smtp.example.org:587",
            {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {
                    "host": "smtp.example.org",
                    "port": 587,
                    "username": "user",
                    "password": "secret",
                    "use_tls": True,
                    "use_ssl": False,
                    "timeout": 20,
                },
            },
        ),
        (
            "smtp://relay.example.org",
            {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {
                    "host": "relay.example.org",
                    "port": None,
                    "username": None,
                    "password": None,
                    "use_tls": False,
                    "use_ssl": False,
                    "timeout": 20,
                },
            },
        ),
    ],
)
def test_email_url_becomes_a_mailer(url, expected):
    assert mailer_from_url(url) == expected


def _deploy_check(site_url):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_URL", "SITE_URL"))}
    production = {
        "DJANGO_SETTINGS_MODULE": "nmt_portal.settings",
        "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
        "DJANGO_ALLOWED_HOSTS": "nmt.example.org",
        "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env={**clean, **production, **({"SITE_URL": site_url} if site_url else {})},
        capture_output=True,
        text=True,
        check=False,
    )


def test_deploy_check_refuses_site_url_left_at_its_loopback_default():
    unset = _deploy_check(None)
    public = _deploy_check("https://nmt.example.org")

    assert unset.returncode == 1
    assert (
        "?: (core.E010) SITE_URL is 'http://127.0.0.1:8000': links in emails and calendar files would point at "
        "the reader's own machine.\n\tHINT: Set SITE_URL to the portal's public address, e.g. https://nmt.example.org."
    ) in unset.stderr
    assert (public.returncode, public.stderr, public.stdout) == (
        0,
        "",
        "System check identified no issues (0 silenced).\n",
    )


@pytest.mark.parametrize(
    ("site_url", "refused"),
    [
        ("http://127.0.0.1:8000", True),
        ("http://localhost:8201", True),
        ("http://[::1]:8000", True),
        ("http://0.0.0.0:8000", True),
        ("http://127.0.1.1", True),
        ("not a url", True),
        ("https://nmt.example.org", False),
        ("http://staging.nmt.example.org:8080", False),
        ("https://203.0.113.10", False),
    ],
)
def test_site_url_check_names_loopback_and_missing_hosts(settings, site_url, refused):
    from apps.core.checks import check_site_url

    settings.SITE_URL = site_url

    assert [error.id for error in check_site_url(None)] == (["core.E010"] if refused else [])
