"""WSGI entry point: `gunicorn nmt_portal.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nmt_portal.settings")

application = get_wsgi_application()

from apps.core.checks import refuse_to_start_unconfigured  # noqa: E402 - needs the apps loaded

refuse_to_start_unconfigured()
