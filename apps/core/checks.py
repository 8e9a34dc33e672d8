"""Production configuration the portal cannot run without, checked by `check --deploy` and by the
web server at start (nmt_portal/wsgi.py and asgi.py)."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

UNCONFIGURED_MAILER = "apps.core.mail.UnconfiguredEmailBackend"


def missing_production_settings():
    """Messages naming each required variable a non-debug process lacks."""
    if settings.DEBUG:
        return []
    missing = []
    try:
        key = settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses to hand out an empty key
        key = ""
    if not key or key == settings.DEV_SECRET_KEY:
        missing.append("Set DJANGO_SECRET_KEY to a long random value (or DJANGO_DEBUG=true for development).")
    if settings.MAILERS.get("default", {}).get("BACKEND") == UNCONFIGURED_MAILER:
        missing.append("Set EMAIL_URL (smtp+tls://user:password@host:587) so the portal can send email.")
    return missing


@register(Tags.security, deploy=True)
def check_production_settings(app_configs, **kwargs):
    return [Error(message, id=f"core.E00{n}") for n, message in enumerate(missing_production_settings(), start=1)]


def _is_loopback(host):
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


@register(Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs):
    """SITE_URL builds every link in emails and calendars: left at the development default (or any
    loopback address), each one points at the reader's own machine."""
    host = urlsplit(settings.SITE_URL).hostname or ""
    if host and not _is_loopback(host):
        return []
    return [
        Error(
            f"SITE_URL is {settings.SITE_URL!r}: links in emails and calendar files would point at the "
            "reader's own machine.",
            hint="Set SITE_URL to the portal's public address, e.g. https://nmt.example.org.",
            id="core.E010",
        )
    ]


def refuse_to_start_unconfigured():
    """Called by the WSGI and ASGI entry points: a production server never starts half-configured."""
    missing = missing_production_settings()
    if missing:
        raise ImproperlyConfigured(" ".join(missing))
