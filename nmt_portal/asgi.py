"""ASGI entry point, for servers that speak ASGI."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nmt_portal.settings")

application = get_asgi_application()

from apps.core.checks import refuse_to_start_unconfigured  # noqa: E402 - needs the apps loaded

refuse_to_start_unconfigured()
