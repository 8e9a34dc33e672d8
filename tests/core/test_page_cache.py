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


def test_saving_public_content_invalidates_cached_pages(client):
    question = make_question(question="Old wording?", slug="q")
    client.get("/faq/")

    question.question = "New wording?"
    question.save()

    response = client.get("/faq/")
    assert response["X-Page-Cache"] == "miss"
    assert "New wording?" in response.content.decode()


def test_editing_the_footer_invalidates_cached_pages(client):
    client.get("/")

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
