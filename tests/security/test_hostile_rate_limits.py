"""Every rate-limited public request answers 429 once its limit is reached, with the real wait, and saves nothing."""

import zlib

import pytest

from tests.html import text_of
from tests.security.hostile import form_posts, written_state

pytestmark = pytest.mark.django_db


# RATE LIMITS: every rate-limited public request answers 429 once the limit is reached, saving nothing


def _limited(world, name):
    """(limit, a function making one request from an address)."""

    def poster(form):
        def post(client, address):
            path, data = form_posts(world)[form]  # fresh files for every request
            return client.post(path, data, REMOTE_ADDR=address)

        return post

    if name == "contact":
        return 10, poster("contact")
    if name == "individual":
        return 30, poster("individual")
    if name == "site":
        return 30, poster("site")
    if name == "lookup-ip":
        counter = iter(range(1, 1000))
        return 20, lambda c, a: c.post(
            "/status/", {"reference": f"NMT-I-2026-{next(counter):05d}", "email": "x@example.org"}, REMOTE_ADDR=a
        )
    if name == "lookup-reference":
        counter = iter(range(1, 1000))
        return 5, lambda c, a: c.post(
            "/status/",
            {"reference": world.application.reference, "email": "x@example.org"},
            REMOTE_ADDR=f"198.51.100.{next(counter)}",
        )
    if name == "register":
        counter = iter(range(1, 1000))
        path = f"/events/{world.event.slug}/register/"
        return 20, lambda c, a: c.post(
            path,
            {"name": "Jo", "email": f"jo{next(counter)}@example.org", "role": "clinician", "is_nmt_certified": "no"},
            REMOTE_ADDR=a,
        )
    if name == "cancel":
        return 20, lambda c, a: c.post(world.cancel_path, REMOTE_ADDR=a)
    if name == "verify":
        return 60, lambda c, a: c.get(f"/verify/{world.certificate.number}/", REMOTE_ADDR=a)
    return 60, lambda c, a: c.get(f"/verify/{world.certificate.number}.json", REMOTE_ADDR=a)


def _window_left(key, period, now):
    """Seconds left at `now` in the current window of a django-ratelimit counter for `key`: each key's
    windows are `period` long, shifted from the epoch by a fixed jitter (crc32 of the key)."""
    end = now - now % period + zlib.crc32(key.encode()) % period
    return max((end + period if end < now else end) - now, 1)


# The window of each limit: an hour (10/h, 30/h, 20/h, 5/h) but a minute for verification (60/m).
PERIODS = {"verify": 60, "verify-json": 60}


@pytest.mark.parametrize(
    "name",
    ["contact", "individual", "site", "lookup-ip", "lookup-reference", "register", "cancel", "verify", "verify-json"],
)
def test_rate_limited_requests_answer_429_past_the_limit_and_save_nothing(
    world, client, django_capture_on_commit_callbacks, ratelimit_clock, name
):
    now = ratelimit_clock
    limit, request = _limited(world, name)
    for _ in range(limit):
        assert request(client, "203.0.113.7").status_code < 429
    state = written_state()
    period = PERIODS.get(name, 3600)
    counted_by = world.application.reference if name == "lookup-reference" else "203.0.113.7"

    with django_capture_on_commit_callbacks() as callbacks:
        refused = request(client, "203.0.113.7")

    assert refused.status_code == 429
    # The real wait: what is left of the refusing limit's window.
    assert int(refused["Retry-After"]) == _window_left(counted_by, period, now)
    assert int(refused["Retry-After"]) <= period
    assert text_of(refused.content.decode(), "h1") == "Too many attempts"
    assert (callbacks, written_state()) == ([], state)


def test_the_application_forms_share_one_limit(world, client):
    individual = _limited(world, "individual")[1]
    site = _limited(world, "site")[1]
    for _ in range(30):
        individual(client, "203.0.113.8")

    assert site(client, "203.0.113.8").status_code == 429
    assert site(client, "203.0.113.9").status_code == 302  # another address is not affected
