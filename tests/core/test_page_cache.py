import pytest

from apps.core.models import SiteSettings
from tests.factories import make_question

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300


def test_anonymous_public_page_is_served_from_the_cache_without_queries(client, django_assert_num_queries):
    make_question(question="Cached?", slug="cached")
    first = client.get("/faq/")

    with django_assert_num_queries(0):
        second = client.get("/faq/")

    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_saving_public_content_invalidates_cached_pages(client, django_capture_on_commit_callbacks):
    question = make_question(question="Old wording?", slug="q")
    client.get("/faq/")

    with django_capture_on_commit_callbacks(execute=True):
        question.question = "New wording?"
        question.save()

    response = client.get("/faq/")
    assert response["X-Page-Cache"] == "miss"
    assert "New wording?" in response.content.decode()


def test_editing_the_footer_invalidates_cached_pages(client, django_capture_on_commit_callbacks):
    client.get("/")

    with django_capture_on_commit_callbacks(execute=True):
        SiteSettings.objects.create(contact_phone="555-0199")

    assert "555-0199" in client.get("/").content.decode()


def test_query_strings_are_cached_separately(client):
    make_question(question="Alpha?", slug="alpha", answer="alpha")

    client.get("/faq/", {"q": "alpha"})
    other = client.get("/faq/", {"q": "beta"})

    assert other["X-Page-Cache"] == "miss"
    assert other.context["results"] == []


def test_pages_with_a_csrf_form_are_never_cached(client):
    client.get("/contact/")
    response = client.get("/contact/")

    assert "X-Page-Cache" not in response


def test_logged_in_staff_always_reach_the_view(admin_client):
    admin_client.get("/faq/")
    response = admin_client.get("/faq/")

    assert "X-Page-Cache" not in response


def test_other_paths_and_methods_are_not_cached(client):
    client.get("/healthz")
    assert "X-Page-Cache" not in client.get("/healthz")
    assert "X-Page-Cache" not in client.post("/faq/")
    assert "X-Page-Cache" not in client.get("/no-such-page/")


def test_invalidation_waits_for_the_commit(client, django_capture_on_commit_callbacks):
    question = make_question(question="Before?", slug="before")
    client.get("/faq/")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        question.question = "After?"
        question.save()

    assert client.get("/faq/")["X-Page-Cache"] == "hit"
    for callback in callbacks:
        callback()
    assert "After?" in client.get("/faq/").content.decode()


def test_a_cache_outage_neither_fails_writes_nor_takes_pages_down(client, settings, django_capture_on_commit_callbacks):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }

    with django_capture_on_commit_callbacks(execute=True):
        question = make_question(question="Still saved?", slug="saved")

    assert client.get("/faq/").status_code == 200
    assert "Still saved?" in client.get("/faq/").content.decode()
    question.refresh_from_db()
    assert question.question == "Still saved?"


def test_cached_pages_are_served_gzipped_to_clients_that_accept_it(client):
    import gzip

    for n in range(30):
        make_question(question=f"Question about gzip {n}?", slug=f"gz-{n}", answer="A long answer. " * 20)
    plain = client.get("/faq/")

    compressed = client.get("/faq/", headers={"Accept-Encoding": "gzip, deflate, br"})

    assert compressed["Content-Encoding"] == "gzip"
    assert compressed["Vary"] == "Accept-Encoding"
    assert gzip.decompress(compressed.content) == plain.content
    assert int(compressed["Content-Length"]) < len(plain.content) / 4
    assert "Content-Encoding" not in client.get("/faq/")


def test_a_cached_page_answers_not_modified_to_a_matching_etag(client):
    make_question(question="Etag?", slug="etag")
    client.get("/faq/")
    etag = client.get("/faq/")["ETag"]

    response = client.get("/faq/", headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response.content == b""


def test_a_redis_outage_keeps_forms_working_with_rate_limits_open(client, settings):
    from apps.inquiries.models import Inquiry

    settings.CACHES = {
        "default": {
            "BACKEND": "apps.core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    data = {"name": "Rae", "email": "rae@example.org", "topic": "general", "message": "Still there?"}

    response = client.post("/contact/", data)

    assert response.status_code == 302
    assert Inquiry.objects.get().name == "Rae"
