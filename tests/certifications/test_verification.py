"""Public verification of a certificate number, as a page and as JSON."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.certifications import services
from apps.certifications.models import Certificate
from apps.core.roles import SITE_ADMINISTRATORS
from tests.factories import make_certificate, make_program, make_staff
from tests.html import elements, text_of

pytestmark = pytest.mark.django_db

STATEMENT = "NMT certification attests completed training, not clinical competence."


def _dates(days_ago, days_left):
    today = timezone.localdate()
    return {"issued_on": today - timedelta(days=days_ago), "expires_on": today + timedelta(days=days_left)}


def test_valid_certificate_page(client):
    certificate = make_certificate(**_dates(10, 700))

    response = client.get(f"/verify/{certificate.number}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert text_of(html, "h1") == f"Certificate {certificate.number}"
    assert text_of(html, "p", class_="alert alert-success certificate-status") == (
        f"Valid. This certificate is active until {certificate.expires_on:%-d %B %Y}."
    )
    assert "Dana Whitfield" in text_of(html, "dl", class_="row verify-facts mt-4")
    assert STATEMENT in html
    assert response["Cache-Control"] == "public, max-age=300"


def test_expired_certificate_page_says_so_even_before_the_daily_task(client):
    certificate = make_certificate(**_dates(800, -1))

    html = client.get(f"/verify/{certificate.number}/").content.decode()

    assert text_of(html, "p", class_="alert alert-warning certificate-status").startswith("Expired.")


def test_revoked_certificate_page_shows_the_date_but_not_the_reason(client):
    certificate = make_certificate()
    services.certificate_revoke(
        certificate=certificate, user=make_staff(role=SITE_ADMINISTRATORS), reason="Internal: forged documents."
    )

    html = client.get(f"/verify/{certificate.number}/").content.decode()

    assert text_of(html, "p", class_="alert alert-danger certificate-status") == (
        f"Revoked. This certificate was revoked on {timezone.localdate():%-d %B %Y} and is not valid."
    )
    assert "forged" not in html


def test_json_has_the_documented_shape(client):
    program = make_program(name="NMT Phase I")
    certificate = make_certificate(program=program, **_dates(0, 730))

    response = client.get(f"/verify/{certificate.number}.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json() == {
        "number": certificate.number,
        "status": "active",
        "valid": True,
        "holder": "Dana Whitfield",
        "kind": "individual",
        "program": "NMT Phase I",
        "issued_on": certificate.issued_on.isoformat(),
        "expires_on": certificate.expires_on.isoformat(),
        "revoked_on": None,
        "statement": STATEMENT,
        "verify_url": f"http://127.0.0.1:8000/verify/{certificate.number}/",
        "renews": None,
        "renewed_by": None,
        "current": None,
    }


@pytest.mark.parametrize(
    ("overrides", "status", "valid"),
    [({"status": "expired", **_dates(800, -5)}, "expired", False), ({**_dates(800, -5)}, "expired", False)],
    ids=["marked", "past-date-not-yet-marked"],
)
def test_json_of_an_expired_certificate(client, overrides, status, valid):
    certificate = make_certificate(**overrides)

    data = client.get(f"/verify/{certificate.number}.json").json()

    assert (data["status"], data["valid"]) == (status, valid)


def test_json_of_a_revoked_certificate_gives_the_date(client):
    certificate = make_certificate()
    services.certificate_revoke(certificate=certificate, user=make_staff(role=SITE_ADMINISTRATORS), reason="Fraud.")

    data = client.get(f"/verify/{certificate.number}.json").json()

    assert (data["status"], data["valid"], data["revoked_on"]) == ("revoked", False, timezone.localdate().isoformat())


def test_unknown_numbers_get_the_same_404_whatever_they_are(client):
    make_certificate()

    pages = [client.get(f"/verify/{number}/") for number in ["NMT-C-2026-99999", "nonsense", "x" * 200]]
    feeds = [client.get(f"/verify/{number}.json") for number in ["NMT-C-2026-99999", "nonsense"]]

    assert [page.status_code for page in pages] == [404, 404, 404]
    assert pages[0].content == pages[1].content == pages[2].content
    assert [feed.status_code for feed in feeds] == [404, 404]
    assert feeds[0].json() == feeds[1].json() == {"error": "not_found", "statement": STATEMENT}


def test_a_number_without_its_ending_or_with_a_wrong_one_answers_like_any_unknown_number(
    client, django_assert_num_queries
):
    certificate = make_certificate()
    sequence, ending = certificate.number.rsplit("-", 1)
    wrong = f"{sequence}-{'Z' if ending[0] != 'Z' else 'Y'}{ending[1:]}"
    unknown = client.get("/verify/NMT-C-2026-99999.json")

    with django_assert_num_queries(1):
        guessed = client.get(f"/verify/{wrong}.json")
    without_ending = client.get(f"/verify/{sequence}.json")
    page = client.get(f"/verify/{sequence}/")

    assert [r.status_code for r in (guessed, without_ending, page)] == [404, 404, 404]
    assert guessed.content == without_ending.content == unknown.content
    assert page.content == client.get("/verify/NMT-C-2026-99999/").content


def test_a_number_issued_before_the_unguessable_ending_still_verifies(client):
    certificate = make_certificate()
    Certificate.objects.filter(pk=certificate.pk).update(number="NMT-C-2025-00031")

    page = client.get("/verify/NMT-C-2025-00031/")
    feed = client.get("/verify/NMT-C-2025-00031.json")
    lower = client.get("/verify/nmt-c-2025-00031/")

    assert (page.status_code, text_of(page.content.decode(), "h1")) == (200, "Certificate NMT-C-2025-00031")
    assert feed.json()["number"] == "NMT-C-2025-00031"
    assert (lower.status_code, lower["Location"]) == (301, "/verify/NMT-C-2025-00031/")


def test_an_unknown_number_says_it_is_not_a_valid_certificate_and_how_to_report_a_fake(client):
    make_certificate()

    response = client.get("/verify/NMT-C-2026-99999/")

    html = response.content.decode()
    main = text_of(html, "main")
    assert response.status_code == 404
    assert text_of(html, "h1") == "No certificate with that number"
    assert text_of(html, "p", class_="alert alert-danger certificate-status", role="status") == (
        "Not a valid NMT certificate. No certificate with that number is in the NMT records."
    )
    assert "Think a certificate may be fake?" in main
    links = {text: attrs["href"] for _, attrs, text in elements(html, "a") if "href" in attrs}
    assert links["contact form"] == "/contact/"
    [form] = elements(html, "form", action="/verify/")
    assert form[1]["method"] == "get"
    assert [attrs.get("value") for _, attrs, _ in elements(html, "input", name="number")] == [None]
    assert "99999" not in html


def test_an_unknown_number_with_markup_is_never_echoed(client):
    plain = client.get("/verify/NMT-C-2026-99999/")
    markup = client.get("/verify/%3Cimg%20src=x%20onerror=alert(1)%3E/")

    assert markup.status_code == 404
    assert markup.content == plain.content


def test_lower_case_number_redirects_to_the_canonical_page(client):
    certificate = make_certificate()

    response = client.get(f"/verify/{certificate.number.lower()}/")

    assert response.status_code == 301
    assert response["Location"] == f"/verify/{certificate.number}/"


@pytest.mark.parametrize(
    ("number", "location"),
    [(" nmt-c-2026-00001 ", "/verify/NMT-C-2026-00001/"), ("", "/registry/#verify"), ("a/b", "/registry/#verify")],
)
def test_verify_form_goes_to_the_number(client, number, location):
    response = client.get("/verify/", {"number": number})

    assert (response.status_code, response["Location"]) == (302, location)


def test_verification_answers_with_one_query(client, django_assert_num_queries):
    certificate = make_certificate()

    with django_assert_num_queries(1):
        client.get(f"/verify/{certificate.number}.json")


def test_verification_is_rate_limited_per_address(client):
    certificate = make_certificate()

    url = f"/verify/{certificate.number}.json"

    statuses = [client.get(url, REMOTE_ADDR="203.0.113.5").status_code for _ in range(61)]

    assert statuses[:60] == [200] * 60
    assert statuses[60] == 429
    assert client.get(url, REMOTE_ADDR="198.51.100.1").status_code == 200


def test_verification_refuses_posts(client):
    certificate = make_certificate()

    assert client.post(f"/verify/{certificate.number}/").status_code == 405
