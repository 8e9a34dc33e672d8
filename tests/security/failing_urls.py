"""The portal's URLs plus two views that fail, so the 500 and 503 responses can be requested."""

from django.db import OperationalError
from django.urls import path

from nmt_portal.urls import handler400, handler403, handler404, handler500
from nmt_portal.urls import urlpatterns as portal_urlpatterns


def failing_view(request):
    raise RuntimeError("A view failed.")


def database_down_view(request):
    raise OperationalError("could not connect to server: Connection refused")


urlpatterns = [
    path("test-failures/error/", failing_view),
    path("test-failures/database/", database_down_view),
    *portal_urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
