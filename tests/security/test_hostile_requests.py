"""Hostile requests against every public form and URL: missing and forged CSRF tokens, wrong
methods, HEAD, tampered and expired private links, enumeration of references and certificate
numbers, and query strings that no page offers (rate limits: test_hostile_rate_limits.py)."""

import statistics
import time
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.certifications.models import Application, Status
from apps.certifications.tokens import CERTIFICATE_SALT, DRAFT_SALT, make_token
from apps.events.models import Event, Registration
from apps.inquiries.models import Inquiry
from tests.factories import (
    make_application,
    make_certificate,
    make_event,
)
from tests.html import text_of
from tests.security.hostile import FORMS, form_posts, without_csrf, written_state

pytestmark = pytest.mark.django_db


# CSRF: a form posted without the visitor's token, or with a forged one, is refused and changes nothing


@pytest.mark.parametrize("form", FORMS)
def test_a_form_posted_without_a_csrf_token_is_refused(world, django_capture_on_commit_callbacks, form):
    path, data = form_posts(world)[form]
    client = Client(enforce_csrf_checks=True)
    state = written_state()

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(path, data)

    assert response.status_code == 403
    assert text_of(response.content.decode(), "h1") == "This form has expired or could not be verified"
    assert (callbacks, written_state()) == ([], state)


@pytest.mark.parametrize("form", FORMS)
def test_a_form_posted_with_a_forged_csrf_token_is_refused(world, django_capture_on_commit_callbacks, form):
    path, data = form_posts(world)[form]
    client = Client(enforce_csrf_checks=True)
    client.get(path)  # a real visitor's cookie…
    forged = "x" * 64  # …with a token that is not theirs
    state = written_state()

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(path, {**data, "csrfmiddlewaretoken": forged})

    assert response.status_code == 403
    assert (callbacks, written_state()) == ([], state)


def test_a_csrf_token_from_another_visitor_is_refused(world):
    path, data = form_posts(world)["contact"]
    victim, attacker = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    victim.get(path)
    attacker.get(path)
    attackers_token = attacker.cookies["csrftoken"].value

    response = victim.post(path, {**data, "csrfmiddlewaretoken": attackers_token})

    assert response.status_code == 403
    assert Inquiry.objects.count() == 0


def test_a_form_posted_with_the_visitors_own_token_goes_through(world):
    path, data = form_posts(world)["contact"]
    client = Client(enforce_csrf_checks=True)
    client.get(path)

    response = client.post(path, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})

    assert response.status_code == 302
    assert Inquiry.objects.count() == 1


# METHODS: forms take GET, HEAD and POST only; read-only pages refuse POST


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize("form", [form for form in FORMS if form != "answer"])  # "answer" is the status page
def test_form_views_refuse_other_methods_with_405(world, client, form, method):
    path, data = form_posts(world)[form]
    state = written_state()

    response = getattr(client, method)(path, data, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST"
    assert written_state() == state


def _read_only_paths(world):
    return {
        "registry": "/registry/",
        "verify": f"/verify/{world.certificate.number}/",
        "verify-json": f"/verify/{world.certificate.number}.json",
        "verify-lookup": "/verify/?number=NMT-C-2026-00001",
        "certificate": world.certificate_path,
        "geojson": "/partners.geojson",
        "partner-logo": "/partners/logos/0123456789abcdef0123456789abcdef.png",
    }


@pytest.mark.parametrize("name", ["registry", "verify", "verify-json", "verify-lookup", "certificate", "geojson"])
def test_read_only_pages_refuse_post_with_405(world, client, name):
    response = client.post(_read_only_paths(world)[name], {"number": "x"})

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


HEAD_PATHS = {
    "home": lambda w: "/",
    "faq": lambda w: "/faq/",
    "page": lambda w: f"/pages/{w.page.slug}/",
    "programs": lambda w: "/certification/",
    "apply-individual": lambda w: "/apply/individual/",
    "apply-site": lambda w: "/apply/site/",
    "apply-section": lambda w: "/apply/individual/sections/program/",
    "resume": lambda w: w.draft_path,
    "status": lambda w: w.status_path,
    "lookup": lambda w: "/status/",
    "registry": lambda w: "/registry/",
    "verify": lambda w: f"/verify/{w.certificate.number}/",
    "verify-json": lambda w: f"/verify/{w.certificate.number}.json",
    "certificate": lambda w: w.certificate_path,
    "partners": lambda w: "/partners/",
    "partner": lambda w: f"/partners/{w.partner.slug}/",
    "geojson": lambda w: "/partners.geojson",
    "events": lambda w: "/events/",
    "event": lambda w: f"/events/{w.event.slug}/",
    "register": lambda w: f"/events/{w.event.slug}/register/",
    "cancel": lambda w: w.cancel_path,
    "feed": lambda w: "/events.ics",
    "event-feed": lambda w: f"/events/{w.event.slug}.ics",
    "library": lambda w: "/library/",
    "publication": lambda w: f"/library/{w.publication.slug}/",
    "contact": lambda w: "/contact/",
    "healthz": lambda w: "/healthz",
}


@pytest.mark.parametrize("name", list(HEAD_PATHS))
def test_head_answers_like_get_without_a_body_and_changes_nothing(world, client, name):
    path = HEAD_PATHS[name](world)
    state = written_state()

    head = client.head(path)

    assert head.status_code == (302 if name == "resume" else 200)  # a draft's link opens its task list
    assert head.content == b""
    assert written_state() == state
    assert client.get(path).status_code == head.status_code


# PRIVATE LINKS: tampered, swapped between kinds, or for another object: 404; expired: 410


def _flip(token):
    return token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]


def _bad_links(world):
    """Broken variants of each private link, by kind."""
    status = make_token(world.application)
    draft = make_token(world.draft, salt=DRAFT_SALT)
    certificate = world.certificate_path.split("/")[2]
    cancel = world.cancel_path.split("/")[4]
    other_event = make_event()
    return {
        "status": [
            f"/applications/{_flip(status)}/",
            f"/applications/{status[:-6]}/",
            f"/applications/{draft}/",  # a draft link's token is not a status token
            f"/applications/{certificate}/",
            f"/applications/{quote(chr(39) + ' OR 1=1 --')}/",
        ],
        "draft": [
            f"/apply/resume/{_flip(draft)}/",
            f"/apply/resume/{status}/",  # nor the other way round
            f"/apply/resume/{'A' * 400}/",
        ],
        "certificate": [
            f"/certificates/{_flip(certificate)}/",
            f"/certificates/{status}/",
            f"/certificates/{signing.dumps([world.certificate.number, 'f' * 32], salt=CERTIFICATE_SALT)}/",
        ],
        "cancel": [
            f"/events/{world.event.slug}/cancel/{_flip(cancel)}/",
            f"/events/{other_event.slug}/cancel/{cancel}/",  # a registration of another event
            f"/events/{world.event.slug}/cancel/{signing.Signer(salt='events.cancel-link').sign('zz' * 16)}/",
        ],
    }


@pytest.mark.parametrize("kind", ["status", "draft", "certificate", "cancel"])
def test_a_tampered_or_misused_private_link_is_not_found_and_says_the_same_whatever_the_damage(world, client, kind):
    state = written_state()

    responses = [client.get(path) for path in _bad_links(world)[kind]]

    assert {r.status_code for r in responses} == {404}
    assert len({without_csrf(r.content.decode()) for r in responses}) == 1
    assert written_state() == state


@pytest.mark.parametrize("kind", ["status", "draft"])
def test_an_expired_private_link_answers_410_and_shows_nothing_private(world, client, monkeypatch, kind):
    days = 181 if kind == "status" else 31
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() - timedelta(days=days).total_seconds())
    path = world.status_path if kind == "status" else world.draft_path
    monkeypatch.setattr(time, "time", real_time)

    get = client.get(path)
    post = client.post(path, {"action": "withdraw", "confirm": "on"})

    assert (get.status_code, post.status_code) == (410, 410)
    assert text_of(get.content.decode(), "h1") == "This link has expired"
    html = get.content.decode()
    assert "dana@example.org" not in html and "Dana Whitfield" not in html and "Draft Applicant" not in html
    assert Application.objects.get(pk=world.application.pk).status == Status.INFO_REQUESTED


def test_a_cancellation_link_after_the_event_started_says_so_and_cancels_nothing(world, client):
    Event.objects.filter(pk=world.event.pk).update(
        starts_at=timezone.now() - timedelta(minutes=10), ends_at=timezone.now() + timedelta(minutes=80)
    )

    page = client.get(world.cancel_path)
    post = client.post(world.cancel_path)

    assert page.status_code == 200
    assert "This event has already started, so the registration can no longer be cancelled." in page.content.decode()
    assert post.status_code == 409
    assert Registration.objects.get(pk=world.registration.pk).status == Registration.Status.CONFIRMED


# ENUMERATION: reference numbers and certificate numbers


def _median_seconds(request, repeat=30):
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        request()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


@pytest.fixture
def submitted():
    return make_application(status=Status.SUBMITTED)


LOOKUPS = {
    "match": lambda a: {"reference": a.reference, "email": "dana@example.org"},
    "wrong email": lambda a: {"reference": a.reference, "email": "someone@example.org"},
    "unknown reference": lambda a: {"reference": "NMT-I-2019-99999", "email": "dana@example.org"},
    "other kind": lambda a: {"reference": a.reference.replace("-I-", "-S-"), "email": "dana@example.org"},
}


def test_a_status_lookup_answers_the_same_whether_or_not_the_reference_exists(
    client, submitted, django_capture_on_commit_callbacks
):
    client.get("/status/sent/")  # the footer's cached settings are loaded once, whatever comes next
    answers = {}
    for name, data in LOOKUPS.items():
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
            response = client.post("/status/", data(submitted), follow=True)
        answers[name] = (
            response.redirect_chain,
            response.status_code,
            without_csrf(response.content.decode()),
            len(queries),
        )

    assert len(set(map(repr, answers.values()))) == 1
    assert answers["match"][:2] == ([("/status/sent/", 302)], 200)
    assert answers["match"][3] == 1  # queuing the lookup for the worker, nothing else


def test_a_status_lookup_takes_as_long_whether_or_not_the_reference_exists(client, submitted, settings):
    settings.RATELIMIT_ENABLE = False  # sixty lookups of one reference would hit its limit
    match, unknown = LOOKUPS["match"](submitted), LOOKUPS["unknown reference"](submitted)
    client.post("/status/", match)  # warm up

    existing = _median_seconds(lambda: client.post("/status/", match))
    missing = _median_seconds(lambda: client.post("/status/", unknown))

    # The same work either way; the generous bound only keeps a busy machine from failing the test.
    assert max(existing, missing) / min(existing, missing) < 3


def test_the_per_reference_limit_is_the_same_for_existing_and_unknown_references(client, submitted):
    answers = {}
    for name in ["match", "unknown reference"]:
        data = LOOKUPS[name](submitted)
        answers[name] = [client.post("/status/", data, REMOTE_ADDR=f"198.51.100.{n}").status_code for n in range(1, 8)]

    assert answers["match"] == answers["unknown reference"] == [302] * 5 + [429] * 2


def test_the_verify_form_answers_the_same_whether_or_not_the_number_exists(client, django_assert_num_queries):
    certificate = make_certificate()
    unknown = "NMT-C-2019-99999"

    with django_assert_num_queries(0):
        existing = client.get(f"/verify/?number={certificate.number.lower()}")
        missing = client.get(f"/verify/?number={unknown.lower()}")

    assert (existing.status_code, missing.status_code) == (302, 302)
    assert existing["Location"] == f"/verify/{certificate.number}/"
    assert missing["Location"] == f"/verify/{unknown}/"
    assert existing.content == missing.content == b""


def test_verification_costs_one_query_for_existing_and_unknown_numbers(client):
    certificate = make_certificate()
    counts = {}
    for number in [certificate.number, "NMT-C-2019-99999", "nonsense", "NMT-C-2019-99999" + "9" * 300]:
        with CaptureQueriesContext(connection) as queries:
            client.get(f"/verify/{number}.json")
        counts[number[:20]] = len(queries)

    assert set(counts.values()) == {1}


def test_a_certificate_link_naming_a_real_number_with_the_wrong_key_looks_like_one_naming_nothing(client):
    certificate = make_certificate()

    def path(number):
        return f"/certificates/{signing.dumps([number, 'f' * 32], salt=CERTIFICATE_SALT)}/"

    real, unknown = path(certificate.number), path("NMT-C-2019-99999")
    client.get("/certificates/not-a-token/")  # the footer's cached settings are loaded once
    answers = []
    for url in [real, unknown]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        answers.append((response.status_code, response.content, len(queries)))

    assert answers[0] == answers[1]
    assert answers[0][0] == 404
    existing = _median_seconds(lambda: client.get(real))
    missing = _median_seconds(lambda: client.get(unknown))
    assert max(existing, missing) / min(existing, missing) < 3


def test_unknown_certificate_numbers_get_one_and_the_same_json_answer(client):
    make_certificate()

    answers = {client.get(f"/verify/{n}.json").content for n in ["NMT-C-2019-99999", "NMT-X", "1", "%3Cb%3E"]}

    assert answers == {
        b'{"error": "not_found", "statement": "NMT certification attests completed training, not clinical competence."}'
    }


@pytest.mark.parametrize("pk", ["99999999999999999999999", "0"])
def test_a_document_id_out_of_range_is_not_found_for_staff(admin_client, pk):
    assert admin_client.get(f"/staff/documents/{pk}/download/").status_code == 404


# QUERY STRINGS no page offers: a sensible page or a clear 4xx, never a 500


QUERY_STRINGS = [
    ("/faq/?q=" + "evidence " * 2000, 200),
    ("/faq/?q=%22unclosed%20%27quote%20%26%20%7C%20!%3A*", 200),
    ("/faq/?q=-", 200),
    ("/library/?page=99999999999999999999", 200),
    ("/library/?page=-1", 200),
    ("/library/?page=abc", 200),
    ("/library/?kind=novel&topic=nope&year=abc", 200),
    ("/library/?year=99999999999999999999", 200),
    ("/library/?q=" + "x" * 5000, 200),
    ("/library/?kind=article&kind=book", 200),
    ("/partners/?page=99999999999", 200),
    ("/partners/?page=0", 200),
    ("/partners/?country=ZZ&kind=castle&certified=maybe", 200),
    ("/partners/?q=" + "y" * 5000, 200),
    ("/partners.geojson?country=ZZ", 400),
    ("/partners.geojson?kind=castle", 400),
    ("/partners.geojson?q=" + "z" * 5000, 400),
    ("/partners.geojson?certified=1&certified=0", 200),
    ("/events/?page=99999999999999999999", 404),
    ("/events/?page=-1", 404),
    ("/events/?page=last", 200),
    ("/events/?kind=%27%3B--", 200),
    ("/events/past/?page=abc", 404),
    ("/registry/?page=99999", 404),
    ("/registry/?page=1.5", 404),
    ("/registry/?country=ZZ&program=nope&kind=robot", 200),
    ("/registry/?q=" + "w" * 5000, 200),
    ("/certification/?page=-1&program=%00", 200),
    ("/apply/individual/?program=" + "p" * 5000, 200),
    ("/apply/site/?program=%2e%2e%2f%2e%2e%2f", 200),
    ("/verify/?number=" + "9" * 5000, 302),
    ("/events/%FF/", 404),
    ("/staff/documents/abc/download/", 404),
    ("/events/case-based-training/cancel/%2e%2e%2f%2e%2e%2fadmin/", 404),
    ("/library/%E2%80%AE/", 404),
]


@pytest.mark.parametrize(("url", "status"), QUERY_STRINGS, ids=[u[:60] for u, _ in QUERY_STRINGS])
def test_query_strings_no_page_offers_get_a_sensible_page_or_a_clear_4xx(world, client, url, status):
    response = client.get(url)

    assert response.status_code == status
