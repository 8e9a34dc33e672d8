"""Erasing a person (apps/accounts/privacy.py): what goes, what the retention rules keep, that no
one else's records change, that it is all or nothing, and staff's confirmation in the admin."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.accounts.models import EmailHolding, ErasureRequest, SiteMembership
from apps.accounts.privacy import erasure_confirm, erasure_decline
from apps.certifications import services
from apps.certifications.models import (
    Application,
    ApplicationDocument,
    ApplicationEvent,
    ApplicationNote,
    Certificate,
)
from apps.certifications.services import InvalidTransition, MessageRequired, NotPermitted
from apps.core.roles import CONTENT_EDITORS, REVIEWERS, SITE_ADMINISTRATORS
from apps.events.models import Registration
from apps.inquiries.models import Inquiry
from apps.learning.models import (
    AttendanceSession,
    CECertificate,
    CERecord,
    CreditAward,
    EvaluationAnswer,
    EvaluationResponse,
    PostTestAttempt,
)
from tests.accounts.ce_world import make_registration_with_ce
from tests.factories import (
    make_application,
    make_document,
    make_event,
    make_inquiry,
    make_person,
    make_registration,
    make_site_program,
    make_staff,
    private_files,
)
from tests.html import elements
from tests.staff import admin_login

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def admin():
    return make_staff(role=SITE_ADMINISTRATORS)


def _everything_of(email):
    """A person's records of every kind: a draft, a rejected application with a document and a
    staff note, an approved one (its certificate active, a document), a training registration."""
    reviewer = make_staff(role=REVIEWERS)
    draft = make_application(status="draft", email=email)
    make_document(draft)
    rejected = make_application(status="rejected", email=email, reviewer=reviewer)
    make_document(rejected)
    services.application_note_add(application=rejected, author=reviewer, text="Staff only.")
    approved = make_application(status="approved", email=email, reviewer=reviewer, full_name="Dana Whitfield")
    make_document(approved)
    services.application_note_add(application=approved, author=reviewer, text="Checked the licence.")
    registration = make_registration(email=email)
    make_inquiry(email=email)
    return {"draft": draft, "rejected": rejected, "approved": approved, "registration": registration}


def _snapshot(email):
    """Everything stored about the records of `email`, to compare before and after."""
    applications = Application.objects.filter(email=email).order_by("pk")
    return {
        "applications": list(applications.values()),
        "history": list(Application.history.filter(id__in=applications.values("pk")).values()),
        "certificates": list(Certificate.objects.filter(email=email).values()),
        "documents": list(ApplicationDocument.objects.filter(application__email=email).values()),
        "events": list(ApplicationEvent.objects.filter(application__email=email).values()),
        "notes": list(ApplicationNote.objects.filter(application__email=email).values()),
        "registrations": list(Registration.objects.filter(email=email).values()),
        "holdings": list(EmailHolding.objects.filter(email=email).values()),
        "inquiries": list(Inquiry.objects.filter(email=email).values()),
    }


def _request(user, **values):
    return ErasureRequest.objects.create(user=user, reason="Please erase me.", **values)


def test_erasure_deletes_everything_but_the_kept_certificate_and_leaves_the_other_person_alone(
    admin, django_capture_on_commit_callbacks
):
    person = make_person("holder@example.org")
    mine = _everything_of("holder@example.org")
    other = make_person("other@example.org")
    _everything_of("other@example.org")
    before = _snapshot("other@example.org")
    my_files = [d.file.name for d in ApplicationDocument.objects.filter(application__email="holder@example.org")]
    erasure = _request(person)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        erasure_confirm(request=erasure, staff=admin)
    # Files leave storage only once the transaction commits.
    assert set(my_files) <= set(private_files())
    for callback in callbacks:
        callback()

    assert set(my_files) & set(private_files()) == set()
    assert _snapshot("other@example.org") == before
    assert User.objects.filter(pk=other.pk).exists()
    # The person: account, addresses and holdings gone.
    assert User.objects.filter(pk=person.pk).exists() is False
    assert EmailAddress.objects.filter(email="holder@example.org").exists() is False
    assert EmailHolding.objects.filter(email="holder@example.org").exists() is False
    # Applications: only the approved one, in minimal form, without documents or notes or messages.
    approved = mine["approved"]
    assert list(Application.objects.filter(pk__in=[a.pk for a in mine.values() if hasattr(a, "kind")])) == [approved]
    kept = Application.objects.get(pk=approved.pk)
    assert (kept.reference, kept.status, kept.full_name, kept.email, kept.phone, kept.city, kept.country.code) == (
        approved.reference,
        "approved",
        "Dana Whitfield",
        "",
        "",
        "",
        "",
    )
    assert (kept.profession, kept.credential_number, kept.motivation, kept.years_of_practice, kept.populations) == (
        "",
        "",
        "",
        None,
        [],
    )
    assert kept.token_version == approved.token_version + 1
    assert kept.documents.count() == kept.notes.count() == 0
    assert [(e.to_status, e.message) for e in kept.events.all()] == [
        ("submitted", ""),
        ("in_review", ""),
        ("approved", ""),
    ]
    # Its field history is one copy of the minimal form.
    assert [(h.email, h.full_name, h.history_change_reason) for h in Application.history.filter(id=approved.pk)] == [
        ("", "Dana Whitfield", "Erased at the holder's request")
    ]
    for gone in (mine["draft"], mine["rejected"]):
        assert Application.history.filter(id=gone.pk).exists() is False
    # The certificate: what verification needs, out of the registry, no reminders.
    certificate = Certificate.objects.get(application=approved)
    assert (
        certificate.holder_name,
        certificate.email,
        certificate.city,
        certificate.country.code,
        certificate.listed_publicly,
        certificate.status,
    ) == ("Dana Whitfield", "", "", "", False, "active")
    assert None not in (certificate.reminded_90_at, certificate.reminded_30_at, certificate.reminded_0_at)
    assert [(h.email, h.city) for h in Certificate.history.filter(id=certificate.pk)] == [("", "")]
    assert Registration.objects.filter(pk=mine["registration"].pk).exists() is False
    assert Inquiry.objects.filter(email="holder@example.org").exists() is False
    # The request: counts only, nobody named.
    erasure.refresh_from_db()
    assert (erasure.status, erasure.user, erasure.reason, erasure.decided_by) == ("completed", None, "", admin)
    assert erasure.summary == {
        "applications_deleted": 2,
        "applications_anonymised": 1,
        "certificates_deleted": 0,
        "certificates_anonymised": 1,
        "documents_deleted": 3,
        "registrations_deleted": 1,
        "ce_certificates_deleted": 0,
        "contact_messages_deleted": 1,
        "notes_deleted": 2,
        "history_rows_deleted": erasure.summary["history_rows_deleted"],
        "site_memberships_deleted": 0,
        "email_addresses_deleted": 1,
        "address_holdings_deleted": 1,
        "account_deleted": 1,
    }
    assert erasure.summary["history_rows_deleted"] > 0


def test_earlier_declined_requests_no_longer_name_the_person_or_keep_what_they_wrote(admin):
    person = make_person("holder@example.org")
    earlier = _request(person, status="declined", decision_note="A complaint was open.")
    other = _request(make_person("other@example.org"), status="declined")

    erasure_confirm(request=_request(person), staff=admin)

    earlier.refresh_from_db()
    other.refresh_from_db()
    assert (earlier.user, earlier.reason, earlier.decision_note) == (None, "", "A complaint was open.")
    assert (other.user.email, other.reason) == ("other@example.org", "Please erase me.")


def test_the_public_verification_shows_only_what_the_rule_keeps(client, admin):
    person = make_person("holder@example.org")
    approved = make_application(status="approved", email="holder@example.org", list_in_registry=True)
    number = approved.certificate.number
    assert "Dana Whitfield" in client.get("/registry/").content.decode()

    erasure_confirm(request=_request(person), staff=admin)

    verification = client.get(f"/verify/{number}.json").json()
    assert (verification["holder"], verification["status"], verification["program"]) == (
        "Dana Whitfield",
        "active",
        approved.program.name,
    )
    page = client.get(f"/verify/{number}/").content.decode()
    assert "Dana Whitfield" in page
    assert "Houston" not in page
    assert "Dana Whitfield" not in client.get("/registry/").content.decode()


def test_a_certificate_past_its_retention_period_is_deleted_with_its_application(admin):
    person = make_person("holder@example.org")
    old = make_application(status="approved", email="holder@example.org")
    recent = make_application(status="approved", email="holder@example.org")
    Certificate.objects.filter(application=old).update(
        issued_on=timezone.localdate() - timedelta(days=366 * 10),
        expires_on=timezone.localdate() - timedelta(days=366 * 8),
    )
    Certificate.objects.filter(application=recent).update(
        issued_on=timezone.localdate() - timedelta(days=366 * 8),
        expires_on=timezone.localdate() - timedelta(days=366 * 6),
    )

    erasure = erasure_confirm(request=_request(person), staff=admin)

    assert list(Application.objects.all()) == [recent]
    assert list(Certificate.objects.values_list("application", flat=True)) == [recent.pk]
    assert Certificate.history.filter(application_id=old.pk).exists() is False
    assert (erasure.summary["certificates_deleted"], erasure.summary["certificates_anonymised"]) == (1, 1)


def test_a_site_coordinators_erasure_keeps_the_organisations_certificate_and_its_other_members(admin):
    person = make_person("sam@harbor.example.org")
    site = make_application(status="approved", program=make_site_program())
    colleague = make_person("kim@harbor.example.org")
    membership = SiteMembership.objects.create(
        site=site,
        role=SiteMembership.Role.STAFF,
        status=SiteMembership.Status.ACTIVE,
        email="kim@harbor.example.org",
        user=colleague,
        accepted_at=timezone.now(),
    )

    erasure_confirm(request=_request(person), staff=admin)

    kept = Application.objects.get(pk=site.pk)
    assert (kept.organisation_name, kept.city, kept.website, kept.sustainability_plan) == (
        "Harbor Family Services",
        "Houston",
        "https://harbor.example.org",
        "Two internal trainers and quarterly case reviews.",
    )
    assert (kept.coordinator_name, kept.email, kept.phone, kept.sponsor_name, kept.sponsor_email) == (
        "",
        "",
        "",
        "",
        "",
    )
    certificate = Certificate.objects.get(application=site)
    assert (certificate.holder_name, certificate.city, certificate.country.code, certificate.listed_publicly) == (
        "Harbor Family Services",
        "Houston",
        "US",
        True,
    )
    assert certificate.email == ""
    assert SiteMembership.objects.get() == membership


def test_a_freed_seat_goes_to_the_waitlist(admin):
    person = make_person("holder@example.org")
    event = make_event(capacity=1)
    make_registration(event=event, email="holder@example.org")
    waiting = make_registration(event=event, email="next@example.org")
    assert waiting.status == "waitlisted"

    erasure_confirm(request=_request(person), staff=admin)

    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


def test_an_erasure_that_fails_changes_nothing_and_keeps_every_file(admin, monkeypatch):
    from apps.accounts import privacy

    person = make_person("holder@example.org")
    records = _everything_of("holder@example.org")
    files = private_files()
    before = _snapshot("holder@example.org")
    erasure = _request(person)

    def fail(*args, **kwargs):
        raise RuntimeError("The database went away.")

    monkeypatch.setattr(privacy, "_erase_account", fail)
    with pytest.raises(RuntimeError):
        erasure_confirm(request=erasure, staff=admin)

    assert private_files() == files
    assert _snapshot("holder@example.org") == before
    assert Application.objects.filter(pk=records["draft"].pk).exists()
    erasure.refresh_from_db()
    assert (erasure.status, erasure.user) == ("requested", person)


def test_the_person_is_emailed_when_the_erasure_is_done(admin, send_queued, mailoutbox):
    person = make_person("holder@example.org")
    make_application(status="approved", email="holder@example.org")
    erasure = _request(person)
    mailoutbox.clear()

    with send_queued():
        erasure_confirm(request=erasure, staff=admin)

    assert [(m.to, m.subject) for m in mailoutbox] == [(["holder@example.org"], "Your data has been erased")]
    assert "We keep 1 certificate record so that it can still be verified" in mailoutbox[0].body


CE_MODELS = (
    AttendanceSession,
    CreditAward,
    CERecord,
    EvaluationResponse,
    EvaluationAnswer,
    PostTestAttempt,
    CECertificate,
)


def _ce_rows(email):
    """How many rows of each CE model belong to the registrations of `email`."""
    lookup = {EvaluationAnswer: "response__registration__email"}
    return {
        model.__name__: model.objects.filter(**{lookup.get(model, "registration__email"): email}).count()
        for model in CE_MODELS
    }


def test_erasure_deletes_the_continuing_education_with_the_registration_and_says_so(admin, send_queued, mailoutbox):
    person = make_person("holder@example.org")
    make_registration_with_ce("holder@example.org")
    make_registration_with_ce("other@example.org")
    others = _ce_rows("other@example.org")
    erasure = _request(person)
    mailoutbox.clear()

    with send_queued():
        erasure_confirm(request=erasure, staff=admin)

    assert _ce_rows("holder@example.org") == dict.fromkeys(others, 0)
    assert (
        _ce_rows("other@example.org")
        == others
        == {
            "AttendanceSession": 2,
            "CreditAward": 2,
            "CERecord": 1,
            "EvaluationResponse": 1,
            "EvaluationAnswer": 2,
            "PostTestAttempt": 2,
            "CECertificate": 2,
        }
    )
    erasure.refresh_from_db()
    assert (erasure.summary["registrations_deleted"], erasure.summary["ce_certificates_deleted"]) == (1, 2)
    assert (
        "and 1 training registration with their continuing-education records and 2 CE certificates, which can no "
        "longer be verified." in mailoutbox[0].body
    )


def test_the_confirm_page_counts_the_ce_certificates_it_deletes(client, admin):
    person = make_person("holder@example.org")
    make_registration_with_ce("holder@example.org")
    erasure = _request(person)

    page = _admin_client(client, admin).get(f"/admin/accounts/erasurerequest/{erasure.pk}/confirm/")

    assert (
        "1 training registration with their CE records and 2 CE certificates, which can no longer be verified"
        in page.content.decode()
    )


def test_declining_needs_a_note_which_the_person_is_sent(admin, send_queued, mailoutbox):
    person = make_person("holder@example.org")
    erasure = _request(person)

    with pytest.raises(MessageRequired):
        erasure_decline(request=erasure, staff=admin, note="  ")
    with send_queued():
        erasure_decline(request=erasure, staff=admin, note="A complaint about your certificate is open.")

    erasure.refresh_from_db()
    assert (erasure.status, erasure.user, erasure.decided_by, erasure.decision_note) == (
        "declined",
        person,
        admin,
        "A complaint about your certificate is open.",
    )
    assert [(m.to, m.subject) for m in mailoutbox] == [(["holder@example.org"], "Your request to erase your data")]
    assert "A complaint about your certificate is open." in mailoutbox[0].body
    assert User.objects.filter(pk=person.pk).exists()


@pytest.mark.parametrize("role", [REVIEWERS, CONTENT_EDITORS, None])
@pytest.mark.parametrize("decide", ["confirm", "decline"])
def test_only_site_administrators_decide(role, decide):
    person = make_person("holder@example.org")
    erasure = _request(person)
    staff = make_staff(role=role)

    with pytest.raises(NotPermitted):
        if decide == "confirm":
            erasure_confirm(request=erasure, staff=staff)
        else:
            erasure_decline(request=erasure, staff=staff, note="No.")

    erasure.refresh_from_db()
    assert erasure.status == "requested"


@pytest.mark.parametrize("status", ["completed", "declined"])
@pytest.mark.parametrize("decide", ["confirm", "decline"])
def test_a_decided_request_is_not_decided_again(admin, status, decide):
    person = make_person("holder@example.org")
    erasure = _request(person, status=status)

    with pytest.raises(InvalidTransition):
        if decide == "confirm":
            erasure_confirm(request=erasure, staff=admin)
        else:
            erasure_decline(request=erasure, staff=admin, note="No.")


def test_a_staff_account_is_not_erased(admin):
    staff = make_staff(role=REVIEWERS)

    with pytest.raises(NotPermitted, match="remove its staff status"):
        erasure_confirm(request=_request(staff), staff=admin)

    assert User.objects.filter(pk=staff.pk).exists()


# THE ADMIN


def _admin_client(client, user):
    return admin_login(client, user)


def test_the_changelist_opens_on_the_requests_waiting(client, admin):
    waiting = _request(make_person("a@example.org"))
    _request(make_person("b@example.org"), status="declined")

    response = _admin_client(client, admin).get("/admin/accounts/erasurerequest/")

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [waiting]


def test_confirm_page_says_what_goes_and_what_stays_then_erases(client, admin):
    person = make_person("holder@example.org")
    approved = make_application(status="approved", email="holder@example.org")
    rejected = make_application(status="rejected", email="holder@example.org")
    erasure = _request(person)
    client = _admin_client(client, admin)
    change = client.get(f"/admin/accounts/erasurerequest/{erasure.pk}/change/").content.decode()
    url = f"/admin/accounts/erasurerequest/{erasure.pk}/confirm/"
    assert elements(change, "a", href=url) != []

    page = client.get(url)
    response = client.post(url, follow=True)

    html = page.content.decode()
    assert page.status_code == 200
    assert f"({rejected.reference})" in html
    assert f"({approved.certificate.number})" in html
    assert [str(m) for m in response.context["messages"]] == [f"{erasure}: the person's data is erased."]
    assert User.objects.filter(pk=person.pk).exists() is False
    assert list(Application.objects.all()) == [approved]


def test_decline_page_needs_a_note_at_its_field(client, admin):
    erasure = _request(make_person("holder@example.org"))
    client = _admin_client(client, admin)
    url = f"/admin/accounts/erasurerequest/{erasure.pk}/decline/"

    empty = client.post(url, {"note": ""})
    response = client.post(url, {"note": "A complaint is open."}, follow=True)

    assert empty.status_code == 200
    assert empty.context["form"].errors == {"note": ["Say why the erasure is declined: the person is sent this note."]}
    assert [str(m) for m in response.context["messages"]] == [f"{erasure} is declined; the person is emailed why."]
    erasure.refresh_from_db()
    assert erasure.status == "declined"


@pytest.mark.parametrize("role", [REVIEWERS, CONTENT_EDITORS])
@pytest.mark.parametrize("view", ["confirm", "decline", "change"])
def test_other_staff_cannot_open_or_decide_requests(client, role, view):
    erasure = _request(make_person("holder@example.org"))
    client = _admin_client(client, make_staff(role=role))

    get = client.get(f"/admin/accounts/erasurerequest/{erasure.pk}/{view}/")
    post = client.post(f"/admin/accounts/erasurerequest/{erasure.pk}/{view}/", {"note": "No."})

    assert (get.status_code, post.status_code) == (403, 403)
    erasure.refresh_from_db()
    assert erasure.status == "requested"


def test_an_unknown_request_is_not_found(client, admin):
    client = _admin_client(client, admin)

    assert client.get("/admin/accounts/erasurerequest/999999/confirm/").status_code == 404


def test_a_decided_request_sends_staff_back_with_a_message(client, admin):
    erasure = _request(make_person("holder@example.org"), status="declined")
    client = _admin_client(client, admin)

    response = client.get(f"/admin/accounts/erasurerequest/{erasure.pk}/confirm/", follow=True)

    assert response.redirect_chain == [(f"/admin/accounts/erasurerequest/{erasure.pk}/change/", 302)]
    assert [str(m) for m in response.context["messages"]] == [f"{erasure} was already decided."]


def test_nobody_adds_edits_or_deletes_a_request_in_the_admin(client, admin):
    erasure = _request(make_person("holder@example.org"))
    client = _admin_client(client, admin)

    assert client.get("/admin/accounts/erasurerequest/add/").status_code == 403
    assert client.post(f"/admin/accounts/erasurerequest/{erasure.pk}/delete/").status_code == 403
    client.post(f"/admin/accounts/erasurerequest/{erasure.pk}/change/", {"reason": "Changed."})
    erasure.refresh_from_db()
    assert erasure.reason == "Please erase me."
