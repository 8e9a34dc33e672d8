"""The public page cache (`@public_page`): real requests through the middleware, against the test
run's cache (Redis when REDIS_URL is set, as in CI) and PostgreSQL."""

import gzip

import pytest

from apps.core.models import SiteSettings
from tests.factories import make_event, make_partner, make_publication, make_question
from tests.html import elements

pytestmark = pytest.mark.django_db

UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "apps.core.cache.ResilientRedisCache",  # what production runs
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@pytest.fixture(autouse=True)
def _page_cache_on(page_cache):
    pass


def stored_pages(cache_keys):
    return cache_keys(".cache_page.public-page:")


def test_anonymous_public_page_is_served_from_the_cache_without_queries(client, django_assert_num_queries):
    make_question(question="Cached?", slug="cached")
    first = client.get("/faq/")

    with django_assert_num_queries(0):
        second = client.get("/faq/")

    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


@pytest.fixture
def public_content():
    """One of each public thing, so that every cached view has something to show."""
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import make_certificate, make_page, make_program, make_topic

    make_question(question="Cached?", slug="cached")
    make_page(slug="about")
    make_program(name="NMT Phase I", slug="nmt-phase-i")
    make_partner(slug="harbor")
    topic = make_topic(slug="trauma")
    make_publication(slug="brain", topics=[topic])
    past = timezone.now() - timedelta(days=30)
    make_event(slug="past-training", starts_at=past.replace(microsecond=0))
    make_event(slug="closed-training", registration_closes_at=timezone.now() - timedelta(hours=1))
    return {"certificate": make_certificate(listed_publicly=True).number}


CACHED_PAGES = [
    "/",
    "/faq/",
    "/pages/about/",
    "/certification/",
    "/registry/",
    "/registry/?kind=individual",
    "/verify/{certificate}/",
    "/verify/{certificate}.json",
    "/partners/",
    "/partners/?country=US&kind=organisation&certified=on",
    "/partners/harbor/",
    "/partners.geojson",
    "/partners.geojson?country=US&certified=on",
    "/events/",
    "/events/?kind=case_based",
    "/events/past/",
    "/events/past-training/",
    "/events/closed-training/",
    "/events.ics",
    "/events/past-training.ics",
    "/library/",
    "/library/?kind=article&topic=trauma&year=2010",
    "/library/brain/",
]


@pytest.mark.parametrize("path", CACHED_PAGES)
def test_every_public_page_is_cached_and_a_hit_costs_no_query(client, public_content, django_assert_num_queries, path):
    path = path.format(**public_content)
    first = client.get(path)

    with django_assert_num_queries(0):
        second = client.get(path)

    assert (first.status_code, first["X-Page-Cache"]) == (200, "miss")
    assert (second.status_code, second["X-Page-Cache"]) == (200, "hit")
    assert second.content == first.content


def test_a_hit_touches_neither_the_session_nor_the_database(client, django_assert_num_queries):
    client.get("/")

    with django_assert_num_queries(0):
        response = client.get("/")

    assert response["X-Page-Cache"] == "hit"
    assert not hasattr(response.wsgi_request, "session")  # the hit never reached the session middleware
    assert "Cookie" not in response.get("Vary", "")
    assert response.cookies == {}


def test_head_is_answered_from_the_copy_of_get(client, django_assert_num_queries):
    get = client.get("/faq/")

    with django_assert_num_queries(0):
        head = client.head("/faq/")

    assert (head.status_code, head["X-Page-Cache"], head.content) == (200, "hit", b"")
    assert head["ETag"] == get["ETag"]


def test_a_head_request_on_a_cold_page_is_answered_but_not_stored(client, cache_keys):
    head = client.head("/faq/")

    assert (head.status_code, "X-Page-Cache" in head) == (200, False)
    assert stored_pages(cache_keys) == []


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


def test_a_text_search_is_never_served_from_the_cache(client, cache_keys):
    make_question(question="Alpha?", slug="alpha", answer="alpha")

    client.get("/faq/", {"q": "alpha"})
    other = client.get("/faq/", {"q": "beta"})
    again = client.get("/faq/", {"q": "alpha"})

    # Searches are cached nowhere: their variety is unbounded (README, "Caching").
    assert ("X-Page-Cache" in other, "X-Page-Cache" in again) == (False, False)
    assert other.context["results"] == []
    assert [question.question for question in again.context["results"]] == ["Alpha?"]
    assert stored_pages(cache_keys) == []


@pytest.mark.parametrize(
    "path",
    [
        "/faq/?q=training",
        "/library/?q=trauma",
        "/partners/?q=houston",
        "/registry/?q=whitfield",
        "/partners.geojson?q=houston",
    ],
)
def test_no_search_is_cached_anywhere(client, cache_keys, path):
    first = client.get(path)
    second = client.get(path)

    assert (first.status_code, second.status_code) == (200, 200)
    assert ("X-Page-Cache" in first, "X-Page-Cache" in second) == (False, False)
    assert stored_pages(cache_keys) == []


def test_each_value_of_an_understood_parameter_is_its_own_entry(client):
    make_event(title="A webinar", kind="webinar")
    make_event(title="A case-based training", kind="case_based")
    client.get("/events/")

    webinars = client.get("/events/", {"kind": "webinar"})

    assert webinars["X-Page-Cache"] == "miss"
    assert [event.title for event in webinars.context["events"]] == ["A webinar"]
    assert client.get("/events/", {"kind": "webinar"})["X-Page-Cache"] == "hit"


def test_an_unknown_query_parameter_creates_no_entry(client, cache_keys, django_assert_num_queries):
    make_question(question="Cached?", slug="cached")
    page = client.get("/faq/")
    stored = stored_pages(cache_keys)

    with django_assert_num_queries(0):
        answers = [client.get("/faq/", {"utm_source": f"mail-{n}", "fbclid": str(n)}) for n in range(20)]

    assert [answer["X-Page-Cache"] for answer in answers] == ["hit"] * 20
    assert {answer.content for answer in answers} == {page.content}
    assert stored_pages(cache_keys) == stored


def test_parameters_are_normalised_before_the_cache_looks(client, cache_keys):
    make_event(kind="webinar")
    client.get("/events/", {"kind": "webinar", "page": "1"})
    stored = stored_pages(cache_keys)

    variants = [
        "/events/?page=1&kind=webinar",
        "/events/?kind=webinar&page=1&kind=webinar",
        "/events/?kind=&kind=webinar&page=1&ref=newsletter",
    ]

    assert [client.get(path)["X-Page-Cache"] for path in variants] == ["hit"] * 3
    assert stored_pages(cache_keys) == stored


def test_the_view_renders_only_what_the_key_holds(client, cache_keys):
    for n in range(21):
        make_publication(title=f"Book {n}", slug=f"book-{n}", kind="book")

    # A parameter of an attacker's own is not repeated in the links of the page stored for everyone.
    first = client.get("/library/", {"kind": "book", "campaign": '"><b>injected</b>'})

    assert first["X-Page-Cache"] == "miss"
    assert [a["href"] for _, a, _ in elements(first.content.decode(), "a", class_="page-link")] == ["?kind=book&page=2"]
    assert "injected" not in first.content.decode()
    assert client.get("/library/", {"kind": "book"})["X-Page-Cache"] == "hit"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/events/?kind=castle", 200),  # a value outside the ones declared: the view ignores it
        ("/partners/?certified=yes", 200),  # a checkbox that only ever sends "on"
        ("/partners/?country=ZZ", 200),  # refused by the page's own form, shown at the field
        ("/library/?topic=no-such-topic", 200),
        ("/registry/?program=no-such-program", 200),
        ("/partners/?page=abc", 200),  # the paginator answers page 1, which is not what was asked
        ("/partners/?page=99", 200),  # past the last page
        ("/library/?page=02", 200),
        ("/events/?page=99", 404),
        ("/partners.geojson?country=ZZ", 400),
    ],
)
def test_parameters_the_page_does_not_accept_are_answered_but_never_stored(client, cache_keys, path, status):
    make_partner()

    first = client.get(path)
    second = client.get(path)

    assert (first.status_code, second.status_code) == (status, status)
    assert ("X-Page-Cache" in first, "X-Page-Cache" in second) == (False, False)
    assert stored_pages(cache_keys) == []


def test_every_accept_encoding_makes_at_most_two_entries(client, cache_keys):
    for n in range(30):
        make_question(question=f"Question about gzip {n}?", slug=f"gz-{n}", answer="A long answer. " * 20)
    sent = ["gzip", "gzip, deflate, br", "br", "identity", "deflate, gzip;q=0.5", "compress", "*", ""]
    sent += [f"x-made-up-{n}, gzip" for n in range(10)] + [f"x-made-up-{n}" for n in range(10)]

    answers = [client.get("/faq/", headers={"Accept-Encoding": value}) for value in sent]

    gzipped = [value for value, answer in zip(sent, answers, strict=True) if answer.get("Content-Encoding") == "gzip"]
    assert gzipped == ["gzip", "gzip, deflate, br", "deflate, gzip;q=0.5"] + [f"x-made-up-{n}, gzip" for n in range(10)]
    assert [answer["X-Page-Cache"] for answer in answers].count("miss") == 2
    assert len(stored_pages(cache_keys)) == 2
    assert len({answer.content for answer in answers}) == 2


def test_pages_with_a_csrf_form_are_never_cached(client):
    client.get("/contact/")
    response = client.get("/contact/")

    assert "X-Page-Cache" not in response


def test_a_public_page_holding_a_csrf_token_is_not_stored(client, cache_keys):
    event = make_event(title="Open for registration")

    first = client.get(f"/events/{event.slug}/")
    second = client.get(f"/events/{event.slug}/")

    assert 'name="csrfmiddlewaretoken"' in second.content.decode()
    assert ("X-Page-Cache" in first, "X-Page-Cache" in second) == (False, False)
    assert stored_pages(cache_keys) == []


def test_logged_in_staff_always_reach_the_view(admin_client):
    admin_client.get("/faq/")
    response = admin_client.get("/faq/")

    assert "X-Page-Cache" not in response


def test_a_visitor_with_a_message_waiting_reaches_the_view(client):
    client.get("/faq/")
    client.cookies["messages"] = "anything"

    response = client.get("/faq/")

    assert "X-Page-Cache" not in response


def test_staff_see_an_edit_before_the_commit_callbacks_ran(client, admin_client, django_capture_on_commit_callbacks):
    question = make_question(question="Before?", slug="before")
    client.get("/faq/")

    with django_capture_on_commit_callbacks(execute=False):
        question.question = "Live for staff?"
        question.save()

    assert "Live for staff?" in admin_client.get("/faq/").content.decode()


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
    settings.CACHES = UNREACHABLE_REDIS

    with django_capture_on_commit_callbacks(execute=True):
        question = make_question(question="Still saved?", slug="saved")

    assert client.get("/faq/").status_code == 200
    assert "Still saved?" in client.get("/faq/").content.decode()
    question.refresh_from_db()
    assert question.question == "Still saved?"


@pytest.mark.parametrize(
    "path", ["/", "/faq/", "/faq/?q=still", "/events/", "/library/", "/partners/", "/partners.geojson", "/registry/"]
)
def test_a_redis_outage_fails_no_public_page(client, settings, path):
    make_partner()
    settings.CACHES = UNREACHABLE_REDIS

    responses = [client.get(path), client.get(path, headers={"Accept-Encoding": "gzip"})]

    assert [response.status_code for response in responses] == [200, 200]
    assert [response.get("X-Page-Cache") == "hit" for response in responses] == [False, False]


def test_cached_pages_are_served_gzipped_to_clients_that_accept_it(client):
    for n in range(30):
        make_question(question=f"Question about gzip {n}?", slug=f"gz-{n}", answer="A long answer. " * 20)
    plain = client.get("/faq/")

    compressed = client.get("/faq/", headers={"Accept-Encoding": "gzip, deflate, br"})

    assert compressed["Content-Encoding"] == "gzip"
    assert compressed["Vary"] == "Accept-Encoding"
    assert gzip.decompress(compressed.content) == plain.content
    assert int(compressed["Content-Length"]) < len(plain.content) / 4
    assert "Content-Encoding" not in client.get("/faq/")


def test_a_hit_is_the_stored_gzip_not_a_new_one(client):
    for n in range(30):
        make_question(question=f"Question about gzip {n}?", slug=f"gz-{n}", answer="A long answer. " * 20)
    first = client.get("/faq/", headers={"Accept-Encoding": "gzip"})

    second = client.get("/faq/", headers={"Accept-Encoding": "gzip"})

    # Django's gzip adds random bytes each time it compresses: equal bytes mean it did not run again.
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content


def test_browsers_are_told_to_revalidate(client):
    first = client.get("/faq/")
    second = client.get("/faq/")

    for response in (first, second):
        assert response["Cache-Control"] == "public, no-cache"
        assert "Expires" not in response
        assert response["ETag"].startswith('"')


def test_a_view_that_chose_its_browser_lifetime_keeps_it(client):
    from tests.factories import make_certificate

    number = make_certificate().number

    first = client.get(f"/verify/{number}/")
    second = client.get(f"/verify/{number}/")

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert (first["Cache-Control"], second["Cache-Control"]) == ("public, max-age=300", "public, max-age=300")
    assert "Expires" not in second


def test_a_cached_page_answers_not_modified_to_a_matching_etag(client):
    make_question(question="Etag?", slug="etag")
    client.get("/faq/")
    etag = client.get("/faq/")["ETag"]

    response = client.get("/faq/", headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response.content == b""


def test_the_etag_survives_a_bump_that_changed_nothing_on_the_page(client, django_capture_on_commit_callbacks):
    client.get("/faq/")
    etag = client.get("/faq/")["ETag"]

    with django_capture_on_commit_callbacks(execute=True):
        make_event()  # public content, but not on the FAQ

    response = client.get("/faq/", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert client.get("/faq/")["X-Page-Cache"] == "hit"  # the 304 came from a fresh render, now stored


def test_etags_match_whole_tags_only(client):
    make_question(question="Etag?", slug="etag")
    etag = client.get("/faq/")["ETag"]
    opaque = etag.strip('"')

    def status(if_none_match):
        return client.get("/faq/", headers={"If-None-Match": if_none_match}).status_code

    assert status(etag) == 304
    assert status(f'"other", {etag}') == 304
    # If-None-Match compares weakly (RFC 9110, 13.1.2): the weak form of the same tag matches.
    assert status(f"W/{etag}") == 304
    assert status('"0123456789abcdef0123456789abcdef"') == 200
    assert status('W/"0123456789abcdef0123456789abcdef"') == 200
    assert status(f"{etag}x") == 200  # holds the tag as a substring
    assert status(f'"x{opaque}"') == 200
    assert status(f'"{opaque[:-1]}"') == 200
    assert status(opaque) == 200  # not a quoted tag at all


def test_a_gzipped_page_answers_not_modified_too(client):
    for n in range(30):
        make_question(question=f"Question about gzip {n}?", slug=f"gz-{n}", answer="A long answer. " * 20)
    etag = client.get("/faq/", headers={"Accept-Encoding": "gzip"})["ETag"]

    response = client.get("/faq/", headers={"Accept-Encoding": "gzip", "If-None-Match": etag})

    assert (etag.startswith('W/"'), response.status_code, response.content) == (True, 304, b"")


def test_a_redis_outage_keeps_forms_working_with_rate_limits_open(client, settings):
    from apps.inquiries.models import Inquiry

    settings.CACHES = UNREACHABLE_REDIS
    data = {"name": "Rae", "email": "rae@example.org", "topic": "general", "message": "Still there?"}

    response = client.post("/contact/", data)

    assert response.status_code == 302
    assert Inquiry.objects.get().name == "Rae"
