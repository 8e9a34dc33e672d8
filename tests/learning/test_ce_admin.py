from datetime import date
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry

from apps.core.roles import CONTENT_EDITORS, REVIEWERS, SITE_ADMINISTRATORS
from apps.learning.models import CECertificate, CERecord, CESettings, CreditAward, CreditOffer
from tests.factories import make_event, make_registration, make_staff
from tests.html import elements, text_of
from tests.staff import admin_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate():
    event = make_event(title="Regulation first")
    offer = CreditOffer.objects.create(event=event, credit_type="apa", provider_number="A1", approval_statement="APA.")
    registration = make_registration(event=event, name="Ana Lima", email="ana@example.org")
    return CECertificate.objects.create(
        number="NMT-CE-2030-0001-AB",
        registration=registration,
        offer=offer,
        participant_name="Ana Lima",
        event_title="Regulation first",
        event_starts_on=date(2030, 3, 7),
        event_ends_on=date(2030, 3, 7),
        credit_type="APA",
        hours=Decimal("1.5"),
        provider_name="The Neurosequential Network",
        provider_number="A1",
        approval_statement="APA.",
    )


@pytest.fixture
def editor_client(client, roles):
    return admin_login(client, make_staff(role=CONTENT_EDITORS))


@pytest.fixture
def reviewer_client(client, roles):
    return admin_login(client, make_staff(role=REVIEWERS))


def _change(certificate):
    return f"/admin/learning/cecertificate/{certificate.pk}/change/"


def _revoke(certificate):
    return f"/admin/learning/cecertificate/{certificate.pk}/revoke/"


# --- the certificates' list and page ---


@pytest.mark.parametrize("query", ["NMT-CE-2030-0001", "ana lima", "ana@example.org", "regulation"])
def test_certificate_list_searches(editor_client, certificate, query):
    response = editor_client.get("/admin/learning/cecertificate/", {"q": query})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [certificate]


def test_certificate_list_filters_by_validity(editor_client, certificate):
    CECertificate.objects.filter(pk=certificate.pk).update(revoked_at=certificate.issued_at, revoked_reason="Error.")

    valid = editor_client.get("/admin/learning/cecertificate/", {"revoked": "no"})
    revoked = editor_client.get("/admin/learning/cecertificate/", {"revoked": "yes"})

    assert list(valid.context["cl"].result_list) == []
    assert list(revoked.context["cl"].result_list) == [certificate]


def test_certificate_is_read_only(editor_client, certificate):
    response = editor_client.get(_change(certificate))

    assert response.status_code == 200
    assert not elements(response.content.decode(), "input", name="participant_name")
    assert "Ana Lima" in response.content.decode()
    response = editor_client.post(_change(certificate), {"participant_name": "Someone else"})
    assert response.status_code == 403
    certificate.refresh_from_db()
    assert certificate.participant_name == "Ana Lima"


def test_certificates_are_not_added_or_deleted_by_staff(editor_client, certificate):
    assert editor_client.get("/admin/learning/cecertificate/add/").status_code == 403
    assert (
        editor_client.post(f"/admin/learning/cecertificate/{certificate.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert CECertificate.objects.filter(pk=certificate.pk).exists()


def test_reviewer_reads_certificates(reviewer_client, certificate):
    assert reviewer_client.get("/admin/learning/cecertificate/").status_code == 200
    page = reviewer_client.get(_change(certificate)).content.decode()
    assert _revoke(certificate) not in page


# --- revoking ---


def test_certificate_page_offers_revoke(editor_client, certificate):
    page = editor_client.get(_change(certificate)).content.decode()

    assert text_of(page, "a", href=_revoke(certificate)) == "Revoke"


def test_revoke_get_shows_the_form_and_changes_nothing(editor_client, certificate):
    response = editor_client.get(_revoke(certificate))

    assert response.status_code == 200
    assert elements(response.content.decode(), "textarea", name="reason")
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_revoke_requires_a_reason(editor_client, certificate):
    response = editor_client.post(_revoke(certificate), {"reason": "   "})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    assert certificate.revoked_reason == ""


def test_revoke_sets_the_time_and_reason(editor_client, certificate):
    response = editor_client.post(_revoke(certificate), {"reason": "Issued to the wrong registration."}, follow=True)

    assert response.redirect_chain == [(_change(certificate), 302)]
    assert "CE certificate NMT-CE-2030-0001-AB is revoked." in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert certificate.revoked_reason == "Issued to the wrong registration."
    assert not CECertificate.objects.valid().exists()
    assert LogEntry.objects.get(object_id=str(certificate.pk)).get_change_message() == (
        "Revoked: Issued to the wrong registration."
    )
    assert _revoke(certificate) not in response.content.decode()


def test_revoking_twice_keeps_the_first_revocation(editor_client, certificate):
    editor_client.post(_revoke(certificate), {"reason": "First."})
    certificate.refresh_from_db()
    first = certificate.revoked_at

    response = editor_client.post(_revoke(certificate), {"reason": "Second."}, follow=True)

    assert "already revoked" in response.content.decode()
    certificate.refresh_from_db()
    assert (certificate.revoked_at, certificate.revoked_reason) == (first, "First.")


def test_reviewer_cannot_revoke(reviewer_client, certificate):
    assert reviewer_client.get(_revoke(certificate)).status_code == 403
    assert reviewer_client.post(_revoke(certificate), {"reason": "No."}).status_code == 403
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_revoke_needs_staff(client, certificate):
    response = client.post(_revoke(certificate), {"reason": "No."})

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_revoke_needs_the_csrf_token(roles, certificate):
    from django.test import Client

    csrf_client = admin_login(Client(enforce_csrf_checks=True), make_staff(role=CONTENT_EDITORS))

    assert csrf_client.post(_revoke(certificate), {"reason": "No."}).status_code == 403
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


# --- CE settings: one row ---


def test_settings_list_opens_the_add_form_then_the_row(editor_client):
    assert editor_client.get("/admin/learning/cesettings/")["Location"] == "/admin/learning/cesettings/add/"

    response = editor_client.post(
        "/admin/learning/cesettings/add/",
        {"provider_name": "NN", "signatory_name": "Dr K", "signatory_title": "Director", "retention_years": 7},
    )

    assert response.status_code == 302
    assert CESettings.load().retention_years == 7
    assert editor_client.get("/admin/learning/cesettings/")["Location"] == "/admin/learning/cesettings/1/change/"
    assert editor_client.get("/admin/learning/cesettings/add/").status_code == 403


def test_settings_cannot_be_deleted(client, roles):
    CESettings.objects.create()
    admin_login(client, make_staff(role=SITE_ADMINISTRATORS))

    assert client.post("/admin/learning/cesettings/1/delete/", {"post": "yes"}).status_code == 403
    assert CESettings.objects.exists()


def test_settings_refuse_a_retention_out_of_range(editor_client):
    response = editor_client.post("/admin/learning/cesettings/add/", {"provider_name": "NN", "retention_years": 0})

    assert response.status_code == 200
    assert not CESettings.objects.exists()


# --- CE records and credit awarded: read-only lists ---


def test_records_and_awards_are_listed_read_only(editor_client, certificate):
    registration = certificate.registration
    CERecord.objects.create(registration=registration, licence_number="PSY-123")
    award = CreditAward.objects.create(
        registration=registration, offer=certificate.offer, minutes_attended=90, hours=1, reason="attended 90 minutes"
    )

    records = editor_client.get("/admin/learning/cerecord/", {"q": "ana@example.org"})
    awards = editor_client.get(
        "/admin/learning/creditaward/", {"registration__event__id__exact": registration.event_id}
    )

    assert [record.licence_number for record in records.context["cl"].result_list] == ["PSY-123"]
    assert list(awards.context["cl"].result_list) == [award]
    assert editor_client.get("/admin/learning/creditaward/add/").status_code == 403
    assert editor_client.post(f"/admin/learning/creditaward/{award.pk}/change/", {"hours": 5}).status_code == 403
