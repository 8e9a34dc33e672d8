"""The portal's URLs with the issuer key endpoints (tests/credentials/test_keys.py)."""

from django.urls import include, path

from nmt_portal.urls import handler400, handler403, handler404, handler500
from nmt_portal.urls import urlpatterns as portal_urlpatterns

urlpatterns = [path("", include("apps.credentials.keys_urls")), *portal_urlpatterns]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
