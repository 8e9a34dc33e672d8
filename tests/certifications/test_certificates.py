"""Certificates: issued on approval, the holder's printable page, revocation and expiry changes in the admin."""

import re
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core import signing
from django.utils import timezone

from apps.certifications import services
from apps.certifications.models import Certificate
from apps.certifications.services.numbers import UNGUESSABLE_ALPHABET
from apps.certifications.tokens import certificate_url, make_certificate_token
from apps.core.roles import REVIEWERS, SITE_ADMINISTRATORS
from tests.factories import make_application, make_certificate, make_program, make_staff
from tests.html import elements, text_of
from tests.staff import admin_login

pytestmark = pytest.mark.django_db


def test_certificate_numbers_follow_the_sequence_with_an_unguessable_ending():
    first, second = (Certificate.objects.get(application=make_application(status="approved")) for _ in range(2))

    sequence = [number.rsplit("-", 1)[0] for number in (first.number, second.number)]
    endings = [number.rsplit("-", 1)[1] for number in (first.number, second.number)]

    year = timezone.localdate().year
    assert sequence == [f"NMT-C-{year}-00001", f"NMT-C-{year}-00002"]
    assert all(len(ending) == 6 and set(ending) <= set(UNGUESSABLE_ALPHABET) for ending in endings)
    assert not set(UNGUESSABLE_ALPHABET) & set("01ILOU")


def test_approval_issues_a_numbered_certificate_valid_for_the_programs_months():
    program = make_program(name="NMT Phase II", validity_months=36)
    today = timezone.localdate()

    application = make_application(status="approved", program=program)

    certificate = Certificate.objects.get(application=application)
    assert re.fullmatch(rf"NMT-C-{today.year}-\d{{5}}-[{UNGUESSABLE_ALPHABET}]{{6}}", certificate.number)
    assert (certificate.holder_name, certificate.kind, certificate.program, certificate.status) == (
        "Dana Whitfield",
        "individual",
        program,
        "active",
    )
    assert (certificate.issued_on, certificate.expires_on) == (today, today + relativedelta(months=36))
    assert (certificate.email, certificate.country.code, certificate.city) == ("dana@example.org", "US", "Houston")


@pytest.mark.parametrize(
    ("kind", "list_in_registry", "listed"),
    [("individual", True, True), ("individual", False, False), ("site", False, True)],
)
def test_registry_listing_follows_consent_and_sites_are_public(kind, list_in_registry, listed):
    application = make_application(status="approved", kind=kind, list_in_registry=list_in_registry)

    assert Certificate.objects.get(application=application).listed_publicly is listed


def test_certificate_numbers_follow_each_other():
    first = make_certificate()
    second = make_certificate()

    # The sequence stands before the unguessable ending.
    assert int(second.number.rsplit("-", 2)[1]) == int(first.number.rsplit("-", 2)[1]) + 1


def test_printable_certificate_shows_the_holder_and_a_qr_code_to_verification(client):
    certificate = make_certificate()
    url = certificate_url(certificate).removeprefix("http://127.0.0.1:8000")

    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert text_of(html, "p", class_="certificate-holder") == "Dana Whitfield"
    qr = elements(html, "img", alt=f"QR code linking to the verification page of certificate {certificate.number}")
    assert qr[0][1]["src"].startswith("data:image/svg+xml")
    assert f"http://127.0.0.1:8000/verify/{certificate.number}/" in text_of(html, "span", class_="certificate-url")
    assert "NMT certification attests completed training, not clinical competence." in html
    assert 'href="/static/css/certificate.css"' in html
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_printable_certificate_of_a_revoked_certificate_says_it_is_void(client):
    certificate = make_certificate()
    services.certificate_revoke(certificate=certificate, user=make_staff(role=SITE_ADMINISTRATORS), reason="Fraud.")

    html = client.get(certificate_url(certificate).removeprefix("http://127.0.0.1:8000")).content.decode()

    assert text_of(html, "p", class_="certificate-void") == "Revoked: not valid"


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        signing.dumps(["NMT-C-2026-99999", "0" * 32], salt="certifications.certificate-link"),
        signing.dumps(["NMT-C-2026-00001", "0" * 32], salt="certifications.status-link"),
    ],
    ids=["garbage", "unknown", "other-salt"],
)
def test_printable_certificate_refuses_bad_tokens(client, token):
    make_certificate()

    assert client.get(f"/certificates/{token}/").status_code == 404


def test_a_certificate_token_names_one_certificate_only(client):
    first, second = make_certificate(), make_certificate()
    number, public_id = signing.loads(make_certificate_token(first), salt="certifications.certificate-link")
    forged = signing.dumps([second.number, public_id], salt="certifications.certificate-link")

    assert client.get(f"/certificates/{forged}/").status_code == 404
    assert number == first.number


def test_site_administrator_revokes_through_the_admin_and_the_holder_is_told(client, send_queued, mailoutbox):
    certificate = make_certificate()
    admin = make_staff(role=SITE_ADMINISTRATORS)
    admin_login(client, admin)
    url = f"/admin/certifications/certificate/{certificate.pk}/revoke/"

    empty = client.post(url, {"reason": ""})
    with send_queued():
        response = client.post(url, {"reason": "Training records were falsified."}, follow=True)

    assert empty.context["form"].errors == {"reason": ["This field is required."]}
    assert [str(m) for m in response.context["messages"]] == [f"Certificate {certificate.number} is revoked."]
    certificate.refresh_from_db()
    assert (certificate.status, certificate.revoked_by) == ("revoked", admin)
    assert [m.subject for m in mailoutbox] == [f"Your NMT certificate {certificate.number} has been revoked"]
    assert "Training records were falsified." in mailoutbox[0].body


def _certificate_in(href):
    """The certificate a relative printable-certificate link names (its token carries a timestamp)."""
    from apps.certifications.tokens import read_certificate_token

    token = re.fullmatch(r"/certificates/([^/]+)/", href).group(1)
    return read_certificate_token(token, queryset=Certificate.objects.all())


def test_the_certificate_page_in_the_admin_links_the_printable_certificate_relatively(client, settings):
    settings.SITE_URL = "http://127.0.0.1:8201"
    certificate = make_certificate()
    admin_login(client, make_staff(role=SITE_ADMINISTRATORS))

    page = client.get(f"/admin/certifications/certificate/{certificate.pk}/change/").content.decode()

    links = {text: attrs["href"] for _, attrs, text in elements(page, "a") if "href" in attrs}
    assert _certificate_in(links["Open the printable certificate"]) == certificate


def test_reviewer_sees_no_revoke_button_and_cannot_revoke(client):
    certificate = make_certificate()
    admin_login(client, make_staff(role=REVIEWERS))

    page = client.get(f"/admin/certifications/certificate/{certificate.pk}/change/").content.decode()
    response = client.post(f"/admin/certifications/certificate/{certificate.pk}/revoke/", {"reason": "No."})

    assert "Revoke" not in [text for _, _, text in elements(page, "a")]
    assert response.status_code == 403
    certificate.refresh_from_db()
    assert certificate.status == "active"


def test_new_expiry_date_in_the_admin_restarts_reminders_and_reactivates(client):
    today = timezone.localdate()
    certificate = make_certificate(
        status="expired",
        issued_on=today - timedelta(days=730),
        expires_on=today - timedelta(days=3),
        reminded_90_at=timezone.now(),
    )
    admin_login(client, make_staff(role=SITE_ADMINISTRATORS))
    new_date = today + timedelta(days=400)

    response = client.post(
        f"/admin/certifications/certificate/{certificate.pk}/change/",
        {
            "holder_name": "Dana Whitfield-Hart",
            "email": certificate.email,
            "country": "US",
            "city": "Houston",
            "listed_publicly": "on",
            "expires_on": new_date.isoformat(),
        },
    )

    assert response.status_code == 302
    certificate.refresh_from_db()
    assert (certificate.holder_name, certificate.expires_on, certificate.status, certificate.reminded_90_at) == (
        "Dana Whitfield-Hart",
        new_date,
        "active",
        None,
    )


def test_certificates_are_never_added_or_deleted_in_the_admin(client):
    certificate = make_certificate()
    admin_login(client, make_staff(role=SITE_ADMINISTRATORS))

    assert client.get("/admin/certifications/certificate/add/").status_code == 403
    assert client.get(f"/admin/certifications/certificate/{certificate.pk}/delete/").status_code == 403


@pytest.mark.parametrize(("kind", "heading"), [("individual", "Your certificate"), ("site", "Your site certification")])
def test_the_private_status_page_shows_the_certification(client, settings, kind, heading):
    from apps.certifications.tokens import status_url

    settings.SITE_URL = "http://127.0.0.1:8201"
    application = make_application(status="approved", kind=kind)
    certificate = Certificate.objects.get(application=application)

    html = client.get(status_url(application).removeprefix("http://127.0.0.1:8201")).content.decode()

    section = text_of(html, "section", id="certificate")
    assert section.startswith(f"{heading} Valid. This certificate is active until")
    links = {text: attrs["href"] for _, attrs, text in elements(html, "a") if "href" in attrs}
    assert links["Public verification page"] == f"/verify/{certificate.number}/"
    # Relative, so the link works whatever address the portal is served on.
    assert _certificate_in(links["Your certificate, ready to print"]) == certificate
    assert ("public registry" in section) is (kind == "site")


def test_the_status_page_of_an_undecided_application_has_no_certificate_section(client):
    from apps.certifications.tokens import status_url

    application = make_application(status="in_review")

    html = client.get(status_url(application).removeprefix("http://127.0.0.1:8000")).content.decode()

    assert elements(html, "section", id="certificate") == []
