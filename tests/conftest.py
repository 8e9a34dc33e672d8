"""Fixtures shared by the whole suite."""

import os
import time
import uuid
from types import SimpleNamespace

import django_ratelimit.core
import pytest
from django.core.management import call_command

from apps.core.page_cache import forget_content_version
from tests.s3 import s3_storages, seaweedfs  # noqa: F401 - fixtures: a SeaweedFS S3 server per session


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as a deploy leaves it: migrated, emptied, then the staff roles synced.

    The database is kept between runs (--reuse-db), so a run stopped in the middle of a
    transactional test (a browser test seeds a few years of data) leaves its rows behind; every
    later run would then start with them. Flushing first makes each run start from nothing."""
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        call_command("sync_roles", verbosity=0)


@pytest.fixture
def roles(db):
    """`manage.py sync_roles`, as every deploy runs it after `migrate`."""
    call_command("sync_roles", verbosity=0)


@pytest.fixture(autouse=True)
def _roles_after_flush(request):
    """A transactional test may start after another one flushed the database, groups included:
    sync the roles again, as a deploy would."""
    marker = request.node.get_closest_marker("django_db")
    if (marker and marker.kwargs.get("transaction")) or {"live_server", "transactional_db"} & set(request.fixturenames):
        request.getfixturevalue("roles")


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Give every test its own cache namespace, on Redis (CI) as on local memory, so cached pages,
    rate-limit counters and cached settings never leak between tests or parallel workers. The
    process's copy of the content version came from another namespace: it is forgotten too."""
    settings.CACHES = {
        alias: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}", "TIMEOUT": 600}
        for alias, config in settings.CACHES.items()
    }
    forget_content_version()


@pytest.fixture
def page_cache(settings):
    """Switch on the page cache and the blank form's fragment, which the test settings switch off."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300


@pytest.fixture
def cache_keys():
    """A function listing the keys of this test's cache namespace that contain `text`, on Redis as
    on local memory: what requests have added to the cache."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    def keys(text=""):
        backend = caches["default"]
        if isinstance(backend, LocMemCache):
            stored = [key for key in backend._cache if key.startswith(f"{backend.key_prefix}:")]
        else:
            client = backend._cache.get_client()
            stored = [key.decode() for key in client.scan_iter(match=f"{backend.key_prefix}:*")]
        return sorted(key for key in stored if text in key)

    return keys


@pytest.fixture(autouse=True)
def ratelimit_clock(monkeypatch):
    """django-ratelimit's clock stands still during a test (its value is returned), so requests
    counted against a limit all fall in one window however busy the machine: a minute's window
    could otherwise roll over between the first request and the one that should be refused."""
    now = int(time.time())
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: now))
    return now


@pytest.fixture(autouse=True)
def _media_roots(settings, tmp_path):
    """Uploads land in a per-test folder that pytest removes."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
        "private": {
            "BACKEND": "apps.core.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }


@pytest.fixture
def run_tasks(monkeypatch):
    """Run the real database task worker until the queue is empty, as `db_worker` does in production.

    The worker closes "old" connections between tasks; inside a test's transaction that would close
    the test's own connection, so only that housekeeping call is switched off here.
    """
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run():
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    return run


@pytest.fixture
def send_queued(django_capture_on_commit_callbacks, run_tasks):
    """Context manager: commit callbacks run (tasks get queued), then the worker sends them."""
    from contextlib import contextmanager

    @contextmanager
    def sending():
        with django_capture_on_commit_callbacks(execute=True):
            yield
        # The worker runs tasks outside any transaction, where an email a task queues goes at once;
        # inside the test's transaction it is captured and run likewise, then sent.
        with django_capture_on_commit_callbacks(execute=True):
            run_tasks()
        run_tasks()

    return sending


@pytest.fixture
def starter_content(db):
    call_command("load_starter_content", verbosity=0)


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user(
        username="staff", email="staff@example.org", password="correct horse battery staple", is_staff=True
    )


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(
        username="admin", email="admin@example.org", password="correct horse battery staple"
    )


@pytest.fixture
def admin_client(admin_user):
    """pytest-django's admin_client, signed in to the admin as its login leaves a superuser: with the
    password and the second factor (tests/staff.py)."""
    from django.test import Client

    from tests.staff import admin_login

    return admin_login(Client(), admin_user)


def pytest_collection_modifyitems(config, items):
    # Browser tests need Debian's Chromium; CI (.ci/run) requires them, a laptop without it skips them.
    if os.path.exists("/usr/bin/chromium") or os.environ.get("NMT_REQUIRE_BROWSER") == "1":
        return
    skip = pytest.mark.skip(reason="Debian's chromium is not installed (apt-get install -y chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)
