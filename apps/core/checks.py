"""Production configuration the portal cannot run without, checked by `check --deploy` and by the
web server at start (nmt_portal/wsgi.py and asgi.py)."""

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


def refuse_to_start_unconfigured():
    """Called by the WSGI and ASGI entry points: a production server never starts half-configured."""
    missing = missing_production_settings()
    if missing:
        raise ImproperlyConfigured(" ".join(missing))
