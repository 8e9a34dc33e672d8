"""content_cached: menus, counts and the footer's settings, kept in the shared cache under the content
version, and in each process as long as that version holds."""

import pytest
from django.core.cache import cache

from apps.core import page_cache
from apps.core.models import SiteSettings
from apps.core.page_cache import bump_content_version, content_cached


class Counter:
    def __init__(self, value="menu"):
        self.calls, self.value = 0, value

    def __call__(self):
        self.calls += 1
        return self.value


def test_a_value_is_computed_once_and_then_read_without_a_cache_round_trip(cache_keys):
    compute = Counter()

    assert content_cached("test:menu", compute, 60) == "menu"
    [key] = cache_keys("test:menu")
    cache.delete(key.split(":", 2)[2])  # the shared copy is gone: only the process's copy answers
    assert cache_keys("test:menu") == []

    assert content_cached("test:menu", compute, 60) == "menu"
    assert compute.calls == 1


def test_a_bump_of_the_version_retires_the_process_copy_at_once():
    compute = Counter()
    content_cached("test:menu", compute, 60)

    bump_content_version()
    content_cached("test:menu", compute, 60)

    assert compute.calls == 2


def test_a_bump_on_another_server_retires_it_within_the_second_the_version_is_remembered(monkeypatch):
    clock = {"now": 1000.0}
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: clock["now"])
    compute = Counter()
    content_cached("test:menu", compute, 60)

    cache.incr(page_cache.VERSION_KEY)  # what bump_content_version does in another process
    content_cached("test:menu", compute, 60)
    assert compute.calls == 1  # this process still holds the version it read

    clock["now"] += page_cache.VERSION_MEMO_SECONDS
    content_cached("test:menu", compute, 60)
    assert compute.calls == 2


def test_the_process_copy_lives_no_longer_than_its_timeout(monkeypatch):
    clock = {"now": 1000.0}
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: clock["now"])
    version = page_cache.content_version()
    monkeypatch.setattr(page_cache, "content_version", lambda: version)
    compute = Counter()
    content_cached("test:menu", compute, 60)
    cache.clear()

    clock["now"] += 59
    content_cached("test:menu", compute, 60)
    assert compute.calls == 1
    clock["now"] += 1
    content_cached("test:menu", compute, 60)
    assert compute.calls == 2


def test_a_timeout_of_zero_keeps_nothing():
    compute = Counter()

    content_cached("test:menu", compute, 0)
    content_cached("test:menu", compute, 0)

    assert compute.calls == 2


def test_the_process_keeps_a_bounded_number_of_values():
    for number in range(page_cache.LOCAL_ENTRIES + 10):
        content_cached(f"test:count:{number}", Counter(number), 60)

    assert len(page_cache._local["entries"]) <= page_cache.LOCAL_ENTRIES


@pytest.mark.django_db
def test_the_footer_settings_show_an_edit_once_it_is_committed(django_capture_on_commit_callbacks):
    assert SiteSettings.load().contact_phone == ""

    with django_capture_on_commit_callbacks(execute=True):
        SiteSettings.objects.create(contact_phone="281-932-1375")

    assert SiteSettings.load().contact_phone == "281-932-1375"
