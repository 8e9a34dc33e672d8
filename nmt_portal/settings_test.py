"""Test settings: the real settings, with the differences a test run needs and nothing else."""

import os

os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("EMAIL_URL", "memorymail://")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")

from .settings import *  # noqa: F403
from .settings import BASE_DIR, STORAGES

# Tests never serve collected static files; the manifest would need a collectstatic first.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

# Fast password hashing: tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Uploads of a test run go to a throwaway folder, one per xdist worker.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
MEDIA_ROOT = BASE_DIR / "var" / "test" / _worker / "media"
PRIVATE_MEDIA_ROOT = BASE_DIR / "var" / "test" / _worker / "private"
STORAGES["private"] = {
    "BACKEND": "apps.core.storage.PrivateFileSystemStorage",
    "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
}

from django.core.exceptions import ImproperlyConfigured  # noqa: E402

from .settings import DATABASES  # noqa: E402

if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        "The tests run on PostgreSQL: set DATABASE_URL (make test does) to postgres://user@host:port/name."
    )

# Serve static files straight from static/ (no collectstatic), for the browser tests' live server.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Tests see every write at once; tests/core/test_page_cache.py switches the page cache on.
PUBLIC_PAGE_CACHE_SECONDS = 0
DASHBOARD_CACHE_SECONDS = 0
