import json

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django_ratelimit.exceptions import Ratelimited

from apps.core.models import SiteSettings
from apps.core.ratelimits import RateLimited
from apps.core.views import rate_limited, server_error
from tests.html import text_of

pytestmark = pytest.mark.django_db


def test_home_leads_to_faq_certification_and_trainings(client):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Neurosequential Model of Therapeutics (NMT): training, certification and partners</title>" in html
    for href in ['href="/faq/"', 'href="/certification/"', 'href="/events/"']:
        assert href in html


def test_base_layout_has_skip_link_landmarks_and_navigation(client):
    html = client.get("/faq/").content.decode()

    assert '<a class="visually-hidden-focusable skip-link" href="#main">Skip to main content</a>' in html
    assert '<main id="main"' in html
    assert '<nav class="navbar navbar-expand-lg navbar-dark" aria-label="Main">' in html
    assert '<footer class="site-footer mt-auto"' in html
    for label in ["About", "FAQ", "Certification", "Partners", "Trainings", "Library", "Contact"]:
        assert f">{label}</a>" in html
    assert '<a class="nav-link active" href="/faq/" aria-current="page">FAQ</a>' in html


def test_every_page_title_names_the_model_in_full(client, starter_content):
    for url in ["/faq/", "/pages/about/", "/contact/", "/contact/thanks/", "/does-not-exist/"]:
        html = client.get(url).content.decode()
        title = html.split("<title>")[1].split("</title>")[0]
        assert title.endswith("· Neurosequential Model of Therapeutics (NMT)"), (url, title)


def test_footer_shows_contact_details_edited_by_staff(client):
    SiteSettings.objects.create(contact_phone="281-932-13759", contact_email="info@example.org")

    html = client.get("/").content.decode()

    assert '<a href="tel:28193213759">281-932-13759</a>' in html
    assert '<a href="mailto:info@example.org">info@example.org</a>' in html


def test_footer_follows_an_edit_of_the_cached_settings(client, django_capture_on_commit_callbacks):
    settings_row = SiteSettings.objects.create(contact_phone="111-111")
    client.get("/")  # caches the settings

    with django_capture_on_commit_callbacks(execute=True):  # the content version moves after the commit
        settings_row.contact_phone = "222-222"
        settings_row.save()

    assert "222-222" in client.get("/").content.decode()


def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_readyz_reports_database_and_migrations(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "migrations": "ok"}}


@pytest.mark.django_db(transaction=True)
def test_readyz_says_unavailable_when_the_database_is_unreachable(client):
    from django.db import connection

    original_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens there
    try:
        response = client.get("/readyz")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = original_port

    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unavailable", "checks": {"database": "unavailable"}}


def test_unknown_page_gets_the_custom_404(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_server_error_page_is_friendly_and_needs_no_database():
    request = RequestFactory().get("/")
    try:
        raise ValueError("boom")
    except ValueError:
        response = server_error(request)

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert "boom" not in response.content.decode()


def test_database_outage_gives_503_with_retry_after():
    request = RequestFactory().get("/")
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(request)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "The portal is briefly unavailable" in response.content.decode()


def test_csrf_failure_gets_a_helpful_403(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/contact/", {"name": "A"})

    assert response.status_code == 403
    assert "This form has expired or could not be verified" in response.content.decode()


@pytest.mark.parametrize(
    ("retry_after", "wait"), [(1, "1 minute"), (60, "1 minute"), (61, "2 minutes"), (3600, "60 minutes")]
)
def test_rate_limit_page_gives_the_refusing_limits_wait(db, retry_after, wait):
    response = rate_limited(
        RequestFactory().get("/verify/NMT-C-2026-00001/"), RateLimited(rate="60/m", retry_after=retry_after)
    )

    assert response.status_code == 429
    assert response["Retry-After"] == str(retry_after)
    assert text_of(response.content.decode(), "div", **{"class": "lead"}) == (
        f"We have received many requests from your connection in a short time. Please wait {wait} and try again, "
        "or call us."
    )


def test_rate_limit_page_without_a_known_wait_sends_no_retry_after(db):
    response = rate_limited(RequestFactory().get("/"), Ratelimited())

    assert response.status_code == 429
    assert "Retry-After" not in response
    assert "Please wait a while and try again" in response.content.decode()
