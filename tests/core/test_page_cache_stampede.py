"""The public page cache under concurrent requests: when an entry is missing, one request renders
while the others get the previous copy or wait for that render. Real requests in real threads,
each with its own client and database connection, against PostgreSQL and the test run's cache
(Redis when REDIS_URL is set, as in CI; local memory is one store for every thread of a process).

The FAQ page is the page under test. Its renders are counted, and held where a test needs a render
to be slow, through Django's `template_rendered` signal, sent from inside the render of its
template: nothing the cache does is stubbed. Nothing waits on a clock: a render is held until the
other requests have done what the test is about; FAILSAFE only ends a test that went wrong."""

import gzip
import threading
import time
from dataclasses import dataclass

import pytest
from django.core.cache import cache, caches
from django.db import connection, connections
from django.test import Client
from django.test.signals import template_rendered

import apps.core.page_cache as page_caching
from apps.core.page_cache import bump_content_version
from tests.core.test_page_cache import UNREACHABLE_REDIS
from tests.factories import make_question

# Threads need the rows the test wrote, so the test's writes are committed.
pytestmark = pytest.mark.django_db(transaction=True)

FAILSAFE = 30  # seconds: reached only when a request waits where it should not
FAQ = "faq/question_list.html"


@pytest.fixture(autouse=True)
def _stampede_setup(page_cache, monkeypatch):
    # Far longer than any hold below, so that only a release, never the lock's end, lets requests on.
    monkeypatch.setattr(page_caching, "RENDER_LOCK_SECONDS", 60)
    make_question(question="Who renders?", slug="who-renders", answer="One request. " * 20)


class Tally:
    """A count that other threads can wait for."""

    def __init__(self):
        self.count = 0
        self._changed = threading.Condition()

    def add(self):
        with self._changed:
            self.count += 1
            self._changed.notify_all()
            return self.count

    def reached(self, count):
        with self._changed:
            return self._changed.wait_for(lambda: self.count >= count, FAILSAFE)


@pytest.fixture
def renders():
    """The renders of the FAQ's template, in every thread; `renders.during(n)`, when set, runs
    inside the n-th one (the render waits for it, or fails with what it raises)."""
    tally = Tally()
    tally.during = None

    def rendered(sender, template, **kwargs):
        if template.name == FAQ:
            n = tally.add()
            if tally.during is not None:
                tally.during(n)

    template_rendered.connect(rendered)
    yield tally
    template_rendered.disconnect(rendered)


@pytest.fixture
def lock_found_taken(monkeypatch):
    """The requests that found a page's render lock taken: the cache backend's own `add`, watched."""
    tally = Tally()
    backend = type(caches["default"])
    add = backend.add

    def watched_add(self, key, *args, **kwargs):
        added = add(self, key, *args, **kwargs)
        if not added and "public-page-render:" in key:
            tally.add()
        return added

    monkeypatch.setattr(backend, "add", watched_add)
    return tally


@dataclass
class Answer:
    status: int
    source: str | None  # X-Page-Cache
    content: bytes
    headers: dict
    queries: int


def visit(path="/faq/", headers=None, method="get"):
    """A request from a visitor's own client, with the SQL queries it cost on its thread."""
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = getattr(Client(raise_request_exception=False), method)(path, headers=headers or {})
    return Answer(response.status_code, response.get("X-Page-Cache"), response.content, response.headers, len(queries))


def browser_headers(answer):
    return answer.headers["Cache-Control"], answer.headers["Vary"], answer.headers["ETag"]


def started(*calls):
    """Run each call in its own thread, released together by a barrier; returns `finish()`, which
    waits for them (FAILSAFE in all) and returns their results in order."""
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def run(index, call):
        try:
            barrier.wait(FAILSAFE)
            results[index] = call()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=item, daemon=True) for item in enumerate(calls)]
    for thread in threads:
        thread.start()

    def finish():
        deadline = time.monotonic() + FAILSAFE
        for thread in threads:
            thread.join(max(0, deadline - time.monotonic()))
        assert not [thread for thread in threads if thread.is_alive()], "a request never finished"
        if errors:
            raise errors[0]
        return results

    return finish


def expire(response):
    """What the end of an entry's lifetime does: the entry goes (its previous copy stays)."""
    assert cache.delete(page_caching._page_key(response.wsgi_request, "GET"))


def test_twenty_requests_after_an_expiry_cause_one_render_and_get_the_previous_copy(client, renders):
    first = client.get("/faq/")
    expire(first)
    answered, renders_waited = Tally(), []
    renders.during = lambda n: renders_waited.append(answered.reached(19))

    def request():
        answer = visit()
        answered.add()
        return answer

    answers = started(*[request] * 20)()

    # The one render was held until the 19 others had their answer: none of them waited for it.
    assert (renders.count, renders_waited) == (2, [True])
    assert sorted(answer.source for answer in answers) == ["miss"] + ["stale"] * 19
    assert [answer.status for answer in answers] == [200] * 20
    assert {answer.content for answer in answers} == {first.content}
    assert [answer.queries for answer in answers if answer.source == "stale"] == [0] * 19
    assert {browser_headers(answer) for answer in answers} == {("public, no-cache", "Accept-Encoding", first["ETag"])}
    assert client.get("/faq/")["X-Page-Cache"] == "hit"


def test_twenty_requests_for_a_page_with_no_copy_cause_one_render_and_wait_for_it(renders, lock_found_taken):
    renders_waited = []
    renders.during = lambda n: renders_waited.append(lock_found_taken.reached(19))

    answers = started(*[visit] * 20)()

    # The one render was held until the 19 others had found its lock taken.
    assert (renders.count, renders_waited) == (1, [True])
    assert sorted(answer.source for answer in answers) == ["hit"] * 19 + ["miss"]
    assert [answer.status for answer in answers] == [200] * 20
    assert len({answer.content for answer in answers}) == 1
    assert b"Who renders?" in answers[0].content
    assert [answer.queries for answer in answers if answer.source == "hit"] == [0] * 19
    assert len({browser_headers(answer) for answer in answers}) == 1
    assert browser_headers(answers[0])[:2] == ("public, no-cache", "Accept-Encoding")
    assert [answer.queries > 0 for answer in answers if answer.source == "miss"] == [True]


def test_after_a_version_bump_the_previous_copy_is_served_at_once(client, renders, django_assert_num_queries):
    first = client.get("/faq/")
    bump_content_version()
    rendering, release = threading.Event(), threading.Event()

    def hold(n):
        rendering.set()
        assert release.wait(FAILSAFE)

    renders.during = hold
    finish = started(visit)
    assert rendering.wait(FAILSAFE)

    # While the new render is held, and without waiting for it.
    with django_assert_num_queries(0):
        stale = client.get("/faq/")
        head = client.head("/faq/")
    release.set()
    (rendered,) = finish()

    assert (stale.status_code, stale["X-Page-Cache"], stale.content) == (200, "stale", first.content)
    assert (stale["Cache-Control"], stale["Vary"]) == ("public, no-cache", "Accept-Encoding")
    assert stale["ETag"] == first["ETag"]
    assert "Expires" not in stale
    assert (head.status_code, head["X-Page-Cache"], head.content, head["ETag"]) == (200, "stale", b"", first["ETag"])
    assert (rendered.status, rendered.source, rendered.content) == (200, "miss", first.content)
    assert renders.count == 2
    assert client.get("/faq/")["X-Page-Cache"] == "hit"


def test_a_render_that_fails_lets_the_waiting_request_render_at_once(client, renders, lock_found_taken, cache_keys):
    def fail_first(n):
        if n == 1:
            assert lock_found_taken.reached(1)  # the other request waits for this render
            raise RuntimeError("the render failed")

    renders.during = fail_first

    # The lock lasts 60 seconds, FAILSAFE 30: only its release lets the waiting request on in time.
    answers = started(visit, visit)()

    assert sorted((answer.status, answer.source) for answer in answers) == [(200, "miss"), (500, None)]
    assert renders.count == 2
    assert cache_keys("public-page-render:") == []
    assert client.get("/faq/")["X-Page-Cache"] == "hit"


def test_a_failed_render_leaves_no_lock_for_the_next_request(client, renders, cache_keys):
    def fail_first(n):
        if n == 1:
            raise RuntimeError("the render failed")

    renders.during = fail_first

    failed = Client(raise_request_exception=False).get("/faq/")
    locks = cache_keys("public-page-render:")
    second = client.get("/faq/")

    assert (failed.status_code, locks) == (500, [])
    assert (second.status_code, second["X-Page-Cache"], renders.count) == (200, "miss", 2)


def test_with_the_cache_down_every_request_renders(settings, renders):
    settings.CACHES = UNREACHABLE_REDIS
    # Each render waits until all 20 are rendering at once: a request that waited would break it.
    rendering_together = threading.Barrier(20)
    renders.during = lambda n: rendering_together.wait(FAILSAFE)

    answers = started(*[visit] * 20)()

    assert [answer.status for answer in answers] == [200] * 20
    assert renders.count == 20
    assert not {"hit", "stale"} & {answer.source for answer in answers}
    assert len({answer.content for answer in answers}) == 1


def test_plain_and_gzip_clients_each_get_their_own_copy(client, renders, django_assert_num_queries):
    plain = client.get("/faq/")
    gzipped = client.get("/faq/", headers={"Accept-Encoding": "gzip"})
    with django_assert_num_queries(0):
        plain_hit = client.get("/faq/")
        gzipped_hit = client.get("/faq/", headers={"Accept-Encoding": "gzip"})

    assert [r["X-Page-Cache"] for r in (plain, gzipped, plain_hit, gzipped_hit)] == ["miss", "miss", "hit", "hit"]
    assert (plain_hit.content, gzipped_hit.content) == (plain.content, gzipped.content)
    assert ("Content-Encoding" in plain_hit, gzipped_hit["Content-Encoding"]) == (False, "gzip")
    assert gzip.decompress(gzipped_hit.content) == plain.content


def test_plain_and_gzip_renders_run_side_by_side_and_each_loser_gets_its_own_previous_copy(
    client, renders, django_assert_num_queries
):
    plain = client.get("/faq/")
    gzipped = client.get("/faq/", headers={"Accept-Encoding": "gzip"})
    bump_content_version()
    rendering, release = Tally(), threading.Event()

    def hold(n):
        rendering.add()
        assert release.wait(FAILSAFE)

    renders.during = hold
    finish = started(visit, lambda: visit(headers={"Accept-Encoding": "gzip"}))
    assert rendering.reached(2)  # one render per encoding, at the same time

    with django_assert_num_queries(0):
        stale_plain = client.get("/faq/")
        stale_gzipped = client.get("/faq/", headers={"Accept-Encoding": "gzip"})
    release.set()
    rendered_plain, rendered_gzipped = finish()
    with django_assert_num_queries(0):
        plain_hit = client.get("/faq/")
        gzipped_hit = client.get("/faq/", headers={"Accept-Encoding": "gzip"})

    assert (stale_plain["X-Page-Cache"], stale_gzipped["X-Page-Cache"]) == ("stale", "stale")
    assert (stale_plain.content, stale_gzipped.content) == (plain.content, gzipped.content)
    assert ("Content-Encoding" in stale_plain, stale_gzipped["Content-Encoding"]) == (False, "gzip")
    assert stale_gzipped["ETag"] == gzipped["ETag"] == f"W/{plain['ETag']}"
    assert (rendered_plain.source, rendered_gzipped.source) == ("miss", "miss")
    assert rendered_gzipped.headers["Content-Encoding"] == "gzip"
    assert (plain_hit["X-Page-Cache"], gzipped_hit["X-Page-Cache"]) == ("hit", "hit")
    assert (plain_hit.content, gzipped_hit.content) == (rendered_plain.content, rendered_gzipped.content)
    assert gzip.decompress(gzipped_hit.content) == plain_hit.content == plain.content
    assert renders.count == 4
