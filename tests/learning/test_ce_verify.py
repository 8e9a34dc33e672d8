"""The public verification of a CE certificate (/ce/verify/<number>/): what it states, valid or
revoked, and the same 404 for every unknown or purged number."""

from datetime import datetime

import pytest
from django.utils import timezone

from apps.learning.models import CECertificate
from tests.html import text_of
from tests.learning.ce_builders import make_ce_certificate, make_ended_registration

pytestmark = pytest.mark.django_db


def _certificate(**overrides):
    registration = make_ended_registration(name="Dana Whitfield", email="dana@example.org")
    values = {"licence_number": "PSY 12345", "event_title": "Regulation before reason"}
    values.update(overrides)
    return make_ce_certificate(registration=registration, **values)


def _facts(html):
    return text_of(html, "dl", class_="row verify-facts mt-4")


def test_a_valid_certificate_states_what_it_certifies(client):
    certificate = _certificate()

    response = client.get(f"/ce/verify/{certificate.number}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in html
    assert text_of(html, "h1") == f"CE certificate {certificate.number}"
    assert text_of(html, "p", id="ce-status") == "Valid. This CE certificate was issued by The Neurosequential Network."
    assert _facts(html) == (
        "Participant Dana Whitfield Event Regulation before reason "
        f"Date {certificate.event_dates} Format live interactive webinar Credit 1.5 hours, APA (psychologists) "
        "Provider The Neurosequential Network Approval number NN-1234 "
        f"Issued {timezone.localdate():%-d %B %Y}"
    )


def test_the_page_shows_no_personal_data_beyond_what_it_states(client):
    certificate = _certificate()

    html = client.get(f"/ce/verify/{certificate.number}/").content.decode()

    for private in ["dana@example.org", "PSY 12345", "Harbor Child Center", str(certificate.registration.public_id)]:
        assert private not in html


def test_a_revoked_certificate_says_so_with_the_date_but_not_the_reason(client):
    revoked_at = timezone.make_aware(datetime(2026, 11, 20, 15, 0))
    certificate = _certificate(revoked_at=revoked_at, revoked_reason="Attendance record was wrong")

    response = client.get(f"/ce/verify/{certificate.number}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert text_of(html, "p", id="ce-status") == "Revoked on 20 November 2026. This CE certificate is no longer valid."
    assert "Attendance record was wrong" not in html


def test_a_lower_case_number_leads_to_the_certificate(client):
    certificate = _certificate()

    response = client.get(f"/ce/verify/{certificate.number.lower()}/", follow=True)

    assert response.redirect_chain == [(f"/ce/verify/{certificate.number}/", 301)]
    assert text_of(response.content.decode(), "h1") == f"CE certificate {certificate.number}"


def test_unknown_and_purged_numbers_get_the_same_404_page(client):
    certificate = _certificate()
    purged = _certificate()
    sequence, _ = certificate.number.rsplit("-", 1)
    CECertificate.objects.filter(pk=purged.pk).delete()

    pages = [
        client.get(f"/ce/verify/{number}/")
        for number in ["NMT-CE-2026-99999-AAAAAA", sequence, purged.number, "%3Cscript%3E", "x" * 200]
    ]

    assert [page.status_code for page in pages] == [404] * 5
    assert len({page.content for page in pages}) == 1
    html = pages[0].content.decode()
    assert text_of(html, "h1") == "No CE certificate has this number"
    assert '<meta name="robots" content="noindex">' in html
    assert pages[0]["X-Robots-Tag"] == "noindex"
    assert "99999" not in html


def test_verification_answers_with_one_query(client, django_assert_num_queries):
    certificate = _certificate()
    client.get(f"/ce/verify/{certificate.number}/")  # the footer's settings, kept under the content version

    with django_assert_num_queries(1):
        response = client.get(f"/ce/verify/{certificate.number}/")
    with django_assert_num_queries(1):
        client.get("/ce/verify/NMT-CE-2026-99999-AAAAAA/")

    assert response.status_code == 200


def test_verification_is_rate_limited_per_address(client):
    url = f"/ce/verify/{_certificate().number}/"

    statuses = [client.get(url, REMOTE_ADDR="203.0.113.5").status_code for _ in range(61)]

    assert statuses[:60] == [200] * 60
    assert statuses[60] == 429


def test_verification_refuses_posts(client):
    assert client.post(f"/ce/verify/{_certificate().number}/").status_code == 405
