"""Site coordinators (apps/accounts/sites.py and /my/sites/): who coordinates a site, invitations,
consent, removal, handover, listing changes, and clinicians naming their site in an application."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from apps.accounts import sites
from apps.accounts.models import ListingChange, SiteMembership
from apps.certifications.models import Application, Certificate
from apps.partners.models import Partner
from tests.accounts.sites_world import (
    CLINICIAN,
    COORDINATOR,
    make_clinician_records,
    make_coordinator,
    make_listing,
    make_site,
    make_staff_member,
)
from tests.factories import (
    discard_queued_emails,
    individual_files,
    individual_form_data,
    make_application,
    make_certificate,
    make_person,
    make_phase_one,
    make_program,
    make_staff,
)
from tests.html import elements, text_of

pytestmark = pytest.mark.django_db

Role, State = SiteMembership.Role, SiteMembership.Status


def sign_in(client, person):
    client.force_login(person, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


def page_url(site):
    return f"/my/sites/{site.reference}/"


def memberships(site):
    return list(site.memberships.order_by("pk").values_list("email", "role", "status"))


# WHO COORDINATES A SITE


def test_the_holder_of_the_sites_address_becomes_its_coordinator_on_first_visit(client):
    site = make_site()
    person = make_person(COORDINATOR)

    response = sign_in(client, person).get(page_url(site))

    assert response.status_code == 200
    [membership] = site.memberships.all()
    assert (membership.role, membership.status, membership.email, membership.user) == (
        Role.COORDINATOR,
        State.ACTIVE,
        COORDINATOR,
        person,
    )
    assert membership.accepted_at is not None
    assert text_of(response.content.decode(), "h1") == "Harbor Family Services"
    assert response["Cache-Control"] == "private, no-store"


def test_claiming_twice_makes_one_coordinator():
    site = make_site()
    person = make_person(COORDINATOR)

    first = sites.site_coordinator_claim(user=person)
    second = sites.site_coordinator_claim(user=person)

    assert (len(first), second) == (1, [])
    assert memberships(site) == [(COORDINATOR, Role.COORDINATOR, State.ACTIVE)]


def test_the_holder_of_an_address_case_insensitively_claims_the_site():
    site = make_site(email="Coordinator@Harbor.Example.org")
    person = make_person(COORDINATOR)

    sites.site_coordinator_claim(user=person)

    assert memberships(site) == [(COORDINATOR, Role.COORDINATOR, State.ACTIVE)]


@pytest.mark.parametrize("status", ["submitted", "in_review", "rejected"])
def test_a_site_not_approved_has_no_coordinator_page(client, status):
    site = make_application(status=status, program=make_program(kind="site"), email=COORDINATOR)
    person = make_person(COORDINATOR)

    response = sign_in(client, person).get(f"/my/sites/{site.reference}/")

    assert response.status_code == 404
    assert site.memberships.count() == 0


def test_sites_of_lists_the_persons_active_memberships_and_invitations_for_their_open_invitations():
    harbor = make_site()
    coordinator = make_person(COORDINATOR)
    bay = make_site(email="bay@example.org", organisation_name="Bay Clinic")
    bay_coordinator = make_coordinator(bay, "bay@example.org")
    _, staff = make_staff_member(bay, bay_coordinator, COORDINATOR, person=coordinator)
    cove = make_site(email="cove@example.org", organisation_name="Cove House")
    invitation = sites.site_staff_invite(
        site=cove, email=COORDINATOR.upper(), invited_by=make_coordinator(cove, "cove@example.org")
    )

    mine = sites.sites_of(coordinator)

    assert [(m.site.organisation_name, m.role) for m in mine] == [
        ("Bay Clinic", Role.STAFF),
        ("Harbor Family Services", Role.COORDINATOR),
    ]
    assert mine[0] == staff
    assert sites.invitations_for(coordinator) == [invitation]
    assert harbor.memberships.get().user == coordinator


def test_after_a_handover_the_holder_of_the_sites_address_does_not_claim_it_back(client):
    site = make_site()
    coordinator = make_coordinator(site)
    successor, _ = make_staff_member(site, coordinator, "successor@example.org")
    handover = sites.site_coordinator_handover(site=site, email="successor@example.org", by=coordinator)
    sites.site_invitation_accept(membership=handover, user=successor)
    sites.site_staff_leave(membership=site.memberships.get(email=COORDINATOR), user=coordinator)

    response = sign_in(client, coordinator).get(page_url(site))

    assert response.status_code == 404
    assert memberships(site) == [
        (COORDINATOR, Role.STAFF, State.REMOVED),
        ("successor@example.org", Role.COORDINATOR, State.ACTIVE),
    ]


# THE CERTIFICATION


def test_the_page_shows_the_certificate_with_its_expiry_and_renewal_dates(client):
    site = make_site()
    coordinator = make_coordinator(site)
    today = timezone.localdate()
    certificate = make_certificate(application=site, expires_on=today + timedelta(days=60))

    html = sign_in(client, coordinator).get(page_url(site)).content.decode()

    assert text_of(html, "dd", id="certificate-number") == certificate.number
    assert text_of(html, "dd", id="certificate-status") == "Active"
    assert text_of(html, "dd", id="certificate-expires") == _date(certificate.expires_on)
    closes = certificate.expires_on + timedelta(days=90)
    assert text_of(html, "dd", id="renewal-opens") == f"open now, until {_date(closes)} Renew the site’s certificate"
    assert text_of(html, "dd", id="reminders") == "None yet"


@pytest.mark.parametrize(
    ("days_to_expiry", "renewal"),
    [
        (91, "opens {opens}"),
        (90, "open now, until {closes} Renew the site’s certificate"),
        (-1, "expired: still open until {closes} Renew the site’s certificate"),
        (-91, "closed: apply anew"),
    ],
)
def test_the_page_says_where_renewal_stands_by_the_programs_window(client, days_to_expiry, renewal):
    site = make_site()
    coordinator = make_coordinator(site)
    today = timezone.localdate()
    expires_on = today + timedelta(days=days_to_expiry)
    Certificate.objects.filter(application=site).update(issued_on=today - timedelta(days=800), expires_on=expires_on)

    html = sign_in(client, coordinator).get(page_url(site)).content.decode()

    expected = renewal.format(
        opens=_date(expires_on - timedelta(days=90)), closes=_date(expires_on + timedelta(days=90))
    )
    assert text_of(html, "dd", id="renewal-opens") == expected


def test_an_expired_certificate_says_so(client):
    site = make_site()
    coordinator = make_coordinator(site)
    Certificate.objects.filter(application=site).update(
        issued_on=timezone.localdate() - timedelta(days=800), expires_on=timezone.localdate() - timedelta(days=1)
    )

    html = sign_in(client, coordinator).get(page_url(site)).content.decode()

    assert text_of(html, "dd", id="certificate-status") == "Expired"


def _date(value):
    from django.template.defaultfilters import date

    return date(value)


# INVITATIONS


def test_inviting_a_clinician_emails_a_link_to_my_nmt_that_signs_nobody_in(client, send_queued, mailoutbox):
    site = make_site()
    coordinator = make_coordinator(site)
    sign_in(client, coordinator)

    with send_queued():
        response = client.post(f"{page_url(site)}staff/invite/", {"invite-email": " Clinician@Example.org "})

    assert (response.status_code, response["Location"]) == (302, page_url(site))
    invitation = site.memberships.get(role=Role.STAFF)
    assert (invitation.email, invitation.status, invitation.user, invitation.invited_by) == (
        CLINICIAN,
        State.INVITED,
        None,
        coordinator,
    )
    [email] = mailoutbox
    assert (email.to, email.subject) == ([CLINICIAN], "Harbor Family Services invites you to its NMT staff")
    assert f"\n{settings.SITE_URL}/my/sites/\n" in email.body
    assert "token" not in email.body and "code=" not in email.body and "/accounts/login" not in email.body


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the email address of the person to invite."),
        ("clinician@", "Enter an email address in the correct format, like name@example.org."),
    ],
)
def test_a_malformed_address_is_told_at_its_field_and_nothing_is_saved(client, mailoutbox, typed, message):
    site = make_site()
    coordinator = make_coordinator(site)

    response = sign_in(client, coordinator).post(f"{page_url(site)}staff/invite/", {"invite-email": typed})

    html = response.content.decode()
    assert response.status_code == 400
    assert text_of(html, "div", id="id_invite-email_error") == message
    assert elements(html, "input", name="invite-email")[0][1].get("value", "") == typed
    assert memberships(site) == [(COORDINATOR, Role.COORDINATOR, State.ACTIVE)]
    assert mailoutbox == []


def test_an_address_already_invited_is_told_at_its_field(client, django_capture_on_commit_callbacks):
    site = make_site()
    coordinator = make_coordinator(site)
    sites.site_staff_invite(site=site, email=CLINICIAN, invited_by=coordinator)

    with django_capture_on_commit_callbacks() as callbacks:
        response = sign_in(client, coordinator).post(f"{page_url(site)}staff/invite/", {"invite-email": CLINICIAN})

    assert response.status_code == 400
    assert text_of(response.content.decode(), "div", id="id_invite-email_error") == (
        "clinician@example.org is already invited to Harbor Family Services or on its staff."
    )
    assert site.memberships.filter(email=CLINICIAN).count() == 1
    assert callbacks == []


def test_the_invited_person_accepts_signed_in_with_the_address_and_shares_nothing_yet(client):
    site = make_site()
    coordinator = make_coordinator(site)
    invitation = sites.site_staff_invite(site=site, email=CLINICIAN, invited_by=coordinator)
    clinician = make_person(CLINICIAN)
    sign_in(client, clinician)

    page = client.get("/my/sites/").content.decode()
    response = client.post(f"/my/sites/invitations/{invitation.pk}/accept/", {"return_to": "home"})

    assert text_of(page, "li", id=f"invitation-{invitation.pk}").startswith("Harbor Family Services invites you")
    assert (response.status_code, response["Location"]) == (302, "/my/")
    invitation.refresh_from_db()
    assert (invitation.status, invitation.user, invitation.consent_at) == (State.ACTIVE, clinician, None)
    assert invitation.accepted_at is not None
    assert sites.invitations_for(clinician) == []


def test_a_repeated_acceptance_is_told_the_invitation_is_no_longer_open(client):
    site = make_site()
    coordinator = make_coordinator(site)
    clinician, membership = make_staff_member(site, coordinator)

    response = sign_in(client, clinician).post(f"/my/sites/invitations/{membership.pk}/accept/", follow=True)

    assert [str(m) for m in response.context["messages"]] == ["This invitation is no longer open."]


def test_declining_ends_the_invitation(client):
    site = make_site()
    coordinator = make_coordinator(site)
    invitation = sites.site_staff_invite(site=site, email=CLINICIAN, invited_by=coordinator)

    response = sign_in(client, make_person(CLINICIAN)).post(f"/my/sites/invitations/{invitation.pk}/decline/")

    assert (response.status_code, response["Location"]) == (302, "/my/sites/")
    invitation.refresh_from_db()
    assert (invitation.status, invitation.user) == (State.DECLINED, None)
    assert invitation.ended_at is not None


def test_an_invitation_to_someone_elses_address_cannot_be_accepted():
    site = make_site()
    coordinator = make_coordinator(site)
    invitation = sites.site_staff_invite(site=site, email=CLINICIAN, invited_by=coordinator)

    with pytest.raises(sites.SiteError, match="Sign in with the address this invitation was sent to"):
        sites.site_invitation_accept(membership=invitation, user=make_person("other@example.org"))

    invitation.refresh_from_db()
    assert (invitation.status, invitation.user) == (State.INVITED, None)


def test_only_the_coordinator_invites():
    site = make_site()
    make_coordinator(site)

    with pytest.raises(sites.SiteError, match="Only the site’s coordinator can do this"):
        sites.site_staff_invite(site=site, email=CLINICIAN, invited_by=make_person("other@example.org"))

    assert site.memberships.count() == 1


# CONSENT


def test_before_consent_the_coordinator_sees_only_name_and_address(client):
    site = make_site()
    coordinator = make_coordinator(site)
    certificate, in_review, _ = make_clinician_records()
    _, membership = make_staff_member(site, coordinator)

    html = sign_in(client, coordinator).get(page_url(site)).content.decode()

    member = text_of(html, "li", id=f"member-{membership.pk}")
    assert member.startswith("clinician@example.org · staff member since")
    assert "Not shared." in member
    assert certificate.number not in html and in_review.reference not in html


def test_after_consent_the_coordinator_sees_certificates_and_applications_in_progress_only(client):
    site = make_site()
    coordinator = make_coordinator(site)
    certificate, in_review, draft = make_clinician_records()
    make_staff_member(site, coordinator, consent=True)
    rejected = make_application(status="rejected", email=CLINICIAN)

    html = sign_in(client, coordinator).get(page_url(site)).content.decode()

    shared = elements(html, "div", class_="shared")
    assert len(shared) == 1
    items = [text for _, _, text in elements(html, "li") if text.startswith(("NMT-C-", "NMT-I-"))]
    assert items == [
        f"{certificate.number}, {certificate.program.name}: active, expires {_date(certificate.expires_on)}",
        f"{in_review.reference}, {in_review.program.name}: in review, submitted {_date(in_review.submitted_at)}",
    ]
    assert rejected.reference not in html and str(draft.public_id) not in html


def test_consent_is_given_and_revoked_by_the_member_in_my_nmt(client):
    site = make_site()
    coordinator = make_coordinator(site)
    clinician, membership = make_staff_member(site, coordinator)
    sign_in(client, clinician)

    given = client.post(f"/my/sites/memberships/{membership.pk}/consent/")
    membership.refresh_from_db()
    consent_at = membership.consent_at
    revoked = client.post(f"/my/sites/memberships/{membership.pk}/revoke/")
    membership.refresh_from_db()

    assert (given.status_code, revoked.status_code) == (302, 302)
    assert consent_at is not None
    assert membership.consent_at is None


def test_a_member_leaves_and_their_sharing_ends(client):
    site = make_site()
    coordinator = make_coordinator(site)
    clinician, membership = make_staff_member(site, coordinator, consent=True)

    sign_in(client, clinician).post(f"/my/sites/memberships/{membership.pk}/leave/")

    membership.refresh_from_db()
    assert (membership.status, membership.consent_at) == (State.REMOVED, None)
    assert sites.sites_of(clinician) == []


def test_the_coordinator_cannot_leave_without_handing_over():
    site = make_site()
    coordinator = make_coordinator(site)

    with pytest.raises(sites.SiteError, match="hand the role over"):
        sites.site_staff_leave(membership=site.memberships.get(), user=coordinator)


# REMOVAL


def test_the_coordinator_removes_a_member_and_sees_them_no_more(client, send_queued, mailoutbox):
    site = make_site()
    coordinator = make_coordinator(site)
    _, membership = make_staff_member(site, coordinator, consent=True)
    sign_in(client, coordinator)
    discard_queued_emails()  # the invitation

    with send_queued():
        response = client.post(f"{page_url(site)}staff/{membership.pk}/remove/", follow=True)

    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["clinician@example.org"], "You are no longer on the staff of Harbor Family Services")
    ]

    membership.refresh_from_db()
    assert (membership.status, membership.consent_at) == (State.REMOVED, None)
    assert elements(response.content.decode(), "li", id=f"member-{membership.pk}") == []
    assert [str(m) for m in response.context["messages"]] == [
        "clinician@example.org is no longer on the staff list or invited."
    ]


def test_the_coordinator_cannot_remove_a_member_of_another_site(client):
    site = make_site()
    coordinator = make_coordinator(site)
    other = make_site(email="bay@example.org")
    _, membership = make_staff_member(other, make_coordinator(other, "bay@example.org"))

    response = sign_in(client, coordinator).post(f"{page_url(site)}staff/{membership.pk}/remove/")

    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.status == State.ACTIVE


# HANDOVER


def test_a_staff_member_takes_over_and_the_coordinator_becomes_staff(client, send_queued, mailoutbox):
    site = make_site()
    coordinator = make_coordinator(site)
    successor, membership = make_staff_member(site, coordinator, "successor@example.org", consent=True)
    sign_in(client, coordinator)
    discard_queued_emails()  # the invitation

    with send_queued():
        client.post(f"{page_url(site)}handover/", {"handover-email": "successor@example.org"})
    pending = memberships(site)
    client.force_login(successor, backend="allauth.account.auth_backends.AuthenticationBackend")
    client.post(f"/my/sites/invitations/{membership.pk}/accept/")

    assert pending == [
        (COORDINATOR, Role.COORDINATOR, State.ACTIVE),
        ("successor@example.org", Role.COORDINATOR, State.INVITED),
    ]
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["successor@example.org"], "Take over as coordinator of Harbor Family Services?")
    ]
    assert memberships(site) == [
        (COORDINATOR, Role.STAFF, State.ACTIVE),
        ("successor@example.org", Role.COORDINATOR, State.ACTIVE),
    ]
    assert site.memberships.get(email=COORDINATOR).consent_at is None
    assert client.get(page_url(site)).status_code == 200
    assert sign_in(client, coordinator).get(page_url(site)).status_code == 404


def test_a_staff_member_who_declines_the_handover_stays_on_the_staff():
    site = make_site()
    coordinator = make_coordinator(site)
    successor, membership = make_staff_member(site, coordinator, "successor@example.org")
    sites.site_coordinator_handover(site=site, email="successor@example.org", by=coordinator)

    sites.site_invitation_decline(membership=membership, user=successor)

    assert memberships(site) == [
        (COORDINATOR, Role.COORDINATOR, State.ACTIVE),
        ("successor@example.org", Role.STAFF, State.ACTIVE),
    ]


def test_a_handover_to_a_new_address_makes_them_coordinator_once_they_confirm():
    site = make_site()
    coordinator = make_coordinator(site)
    handover = sites.site_coordinator_handover(site=site, email="New@Example.org", by=coordinator)
    newcomer = make_person("new@example.org")

    sites.site_invitation_accept(membership=handover, user=newcomer)

    assert sites.coordinated_site(newcomer, site.reference).user == newcomer
    assert sites.coordinated_site(coordinator, site.reference) is None


def test_a_cancelled_handover_leaves_the_coordinator_in_place(client):
    site = make_site()
    coordinator = make_coordinator(site)
    handover = sites.site_coordinator_handover(site=site, email="new@example.org", by=coordinator)

    sign_in(client, coordinator).post(f"{page_url(site)}staff/{handover.pk}/remove/")

    assert memberships(site) == [
        (COORDINATOR, Role.COORDINATOR, State.ACTIVE),
        ("new@example.org", Role.COORDINATOR, State.REMOVED),
    ]
    with pytest.raises(sites.SiteError, match="no longer open"):
        sites.site_invitation_accept(membership=handover, user=make_person("new@example.org"))


def test_one_handover_waits_at_a_time(client):
    site = make_site()
    coordinator = make_coordinator(site)
    sites.site_coordinator_handover(site=site, email="new@example.org", by=coordinator)

    response = sign_in(client, coordinator).post(f"{page_url(site)}handover/", {"handover-email": "other@example.org"})

    assert response.status_code == 400
    assert text_of(response.content.decode(), "div", id="id_handover-email_error") == (
        "A handover is already waiting for confirmation: cancel it first to ask someone else."
    )
    assert site.memberships.filter(email="other@example.org").exists() is False


# THE LISTING


def test_a_proposed_change_waits_for_content_editors_and_the_listing_is_unchanged(client):
    site = make_site()
    coordinator = make_coordinator(site)
    partner = make_listing(site)
    prefix = f"listing-{partner.pk}"
    data = {
        f"{prefix}-description": "Outpatient therapy and school outreach.",
        f"{prefix}-website": "https://harbor.example.org",
        f"{prefix}-email": "hello@harbor.example.org",
        f"{prefix}-phone": "+1 555 0111",
        f"{prefix}-address": "12 Harbor Road",
        f"{prefix}-postal_code": "77001",
    }
    sign_in(client, coordinator)

    response = client.post(f"{page_url(site)}listing/{partner.pk}/", data, follow=True)

    [change] = ListingChange.objects.all()
    assert (change.partner, change.site, change.proposed_by, change.status) == (
        partner,
        site,
        coordinator,
        ListingChange.Status.PENDING,
    )
    assert change.changes == {
        "description": "Outpatient therapy and school outreach.",
        "email": "hello@harbor.example.org",
    }
    partner.refresh_from_db()
    assert (partner.description, partner.email) == ("Outpatient therapy.", "info@harbor.example.org")
    pending = text_of(response.content.decode(), "div", id=f"pending-{partner.pk}")
    assert "Public email: hello@harbor.example.org" in pending


def test_an_unchanged_listing_is_told_so_and_nothing_is_saved(client):
    site = make_site()
    coordinator = make_coordinator(site)
    partner = make_listing(site)
    prefix = f"listing-{partner.pk}"
    data = {
        f"{prefix}-{name}": getattr(partner, name)
        for name in ["description", "website", "email", "phone", "address", "postal_code"]
    }

    response = sign_in(client, coordinator).post(f"{page_url(site)}listing/{partner.pk}/", data)

    assert response.status_code == 400
    assert "Nothing was changed: the listing already shows these values." in text_of(
        response.content.decode(), "div", id="form-errors"
    )
    assert ListingChange.objects.count() == 0


def test_a_malformed_website_is_told_at_its_field_with_what_was_typed(client):
    site = make_site()
    coordinator = make_coordinator(site)
    partner = make_listing(site)
    prefix = f"listing-{partner.pk}"

    response = sign_in(client, coordinator).post(
        f"{page_url(site)}listing/{partner.pk}/", {f"{prefix}-website": "harbor dot org", f"{prefix}-phone": "call"}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert text_of(html, "div", id=f"id_{prefix}-website_error") == (
        "Enter the website address in the correct format, like https://www.example.org."
    )
    assert text_of(html, "div", id=f"id_{prefix}-phone_error") == (
        "Enter a telephone number with digits, spaces and an optional leading +."
    )
    assert elements(html, "input", name=f"{prefix}-website")[0][1]["value"] == "harbor dot org"
    assert ListingChange.objects.count() == 0


def test_a_listing_of_another_site_is_not_found(client):
    site = make_site()
    coordinator = make_coordinator(site)
    other = make_listing(make_site(email="bay@example.org"))

    response = sign_in(client, coordinator).post(f"{page_url(site)}listing/{other.pk}/", {})

    assert response.status_code == 404


def _proposed(site, coordinator, partner, **changes):
    return sites.listing_change_propose(site=site, partner=partner, proposed_by=coordinator, changes=changes)


def test_approving_applies_the_change_and_tells_the_coordinator(roles, send_queued, mailoutbox):
    site = make_site()
    coordinator = make_coordinator(site)
    partner = make_listing(site)
    change = _proposed(site, coordinator, partner, description="New *words*.", phone="+1 555 0199")
    editor = make_staff(role="Content editors")

    with send_queued():
        sites.listing_change_approve(change=change, editor=editor)

    partner.refresh_from_db()
    change.refresh_from_db()
    assert (partner.description, partner.description_html, partner.phone) == (
        "New *words*.",
        "<p>New <em>words</em>.</p>",
        "+1 555 0199",
    )
    assert (change.status, change.decided_by) == (ListingChange.Status.APPROVED, editor)
    assert partner.history.first().phone == "+1 555 0199"
    assert [(m.to, m.subject) for m in mailoutbox] == [
        ([COORDINATOR], "Your change to the listing of Harbor Family Services is published")
    ]


def test_rejecting_needs_a_reason_which_the_coordinator_is_sent(roles, send_queued, mailoutbox):
    site = make_site()
    coordinator = make_coordinator(site)
    partner = make_listing(site)
    change = _proposed(site, coordinator, partner, website="https://elsewhere.example.org")
    editor = make_staff(role="Content editors")

    with pytest.raises(sites.SiteError, match="Say why"):
        sites.listing_change_reject(change=change, editor=editor, note="  ")
    with send_queued():
        sites.listing_change_reject(change=change, editor=editor, note="That site is not yours.")

    change.refresh_from_db()
    partner.refresh_from_db()
    assert (change.status, change.decision_note, partner.website) == (
        ListingChange.Status.REJECTED,
        "That site is not yours.",
        "https://harbor.example.org",
    )
    [email] = mailoutbox
    assert "That site is not yours." in email.body


@pytest.mark.parametrize("decide", ["approve", "reject"])
def test_a_decided_change_cannot_be_decided_again(roles, decide):
    site = make_site()
    coordinator = make_coordinator(site)
    change = _proposed(site, coordinator, make_listing(site), phone="+1 555 0199")
    editor = make_staff(role="Content editors")
    sites.listing_change_approve(change=change, editor=editor)

    with pytest.raises(sites.SiteError, match="already approved and applied"):
        if decide == "approve":
            sites.listing_change_approve(change=change, editor=editor)
        else:
            sites.listing_change_reject(change=change, editor=editor, note="No.")


def test_a_reviewer_cannot_decide_listing_changes(roles):
    site = make_site()
    coordinator = make_coordinator(site)
    change = _proposed(site, coordinator, make_listing(site), phone="+1 555 0199")

    with pytest.raises(sites.SiteError, match="Only content editors"):
        sites.listing_change_approve(change=change, editor=make_staff(role="Reviewers"))

    change.refresh_from_db()
    assert change.status == ListingChange.Status.PENDING


def test_only_the_public_fields_can_be_proposed():
    site = make_site()
    coordinator = make_coordinator(site)

    with pytest.raises(sites.SiteError, match="Only the description"):
        _proposed(site, coordinator, make_listing(site), latitude="1.0")

    assert ListingChange.objects.count() == 0


# A CLINICIAN NAMES THEIR SITE


def test_an_individual_application_names_its_site_by_the_certificate_number(client):
    site = make_site()
    program = make_phase_one()
    number = site.certificate.number

    client.post(
        "/apply/individual/", individual_form_data(program, works_at=f" {number.lower()} ", **individual_files())
    )

    application = Application.objects.get(kind="individual")
    assert application.works_at == site


@pytest.mark.parametrize("which", ["unknown", "individual", "expired", "revoked"])
def test_a_number_that_is_not_an_active_site_certificate_is_told_at_its_field(client, which):
    site = make_site()
    program = make_phase_one()
    today = timezone.localdate()
    numbers = {
        "unknown": "NMT-C-2026-99999-ABCDEF",
        "individual": make_application(status="approved").certificate.number,
        "expired": make_certificate(
            application=site, issued_on=today - timedelta(days=800), expires_on=today - timedelta(days=1)
        ).number,
        "revoked": None,
    }
    if which == "revoked":
        other = make_site(email="bay@example.org")
        numbers["revoked"] = make_certificate(application=other, status="revoked", revoked_reason="Closed.").number
    data = individual_form_data(program, works_at=numbers[which], **individual_files())

    response = client.post("/apply/individual/", data)

    html = response.content.decode()
    assert text_of(html, "div", id="id_works_at_error") == (
        "Enter the certificate number of a certified NMT site, like NMT-C-2026-00012-7KQX4M, or leave this empty. "
        "The site’s coordinator can give it to you."
    )
    assert elements(html, "input", name="works_at")[0][1]["value"] == numbers[which]
    assert Application.objects.filter(kind="individual", status="submitted").count() == 0


def test_the_coordinator_confirms_a_clinician_who_named_the_site_and_the_clinician_accepts(client):
    site = make_site()
    coordinator = make_coordinator(site)
    application = make_application(status="submitted", email=CLINICIAN, works_at=site)
    make_application(status="draft", email="drafting@example.org", works_at=site)
    sign_in(client, coordinator)

    before = client.get(page_url(site)).content.decode()
    client.post(f"{page_url(site)}clinicians/{application.pk}/confirm/")
    invitation = site.memberships.get(email=CLINICIAN)
    sites.site_invitation_accept(membership=invitation, user=make_person(CLINICIAN))
    after = client.get(page_url(site)).content.decode()

    assert [attrs["id"] for _, attrs, _ in elements(before, "li") if attrs.get("id", "").startswith("clinician-")] == [
        f"clinician-{application.pk}"
    ]
    assert "drafting@example.org" not in before
    assert text_of(after, "li", id=f"clinician-{application.pk}") == (
        "Dana Whitfield (clinician@example.org): linked: on your staff."
    )
    assert application.reference not in before


def test_an_application_that_does_not_name_the_site_cannot_be_confirmed(client):
    site = make_site()
    coordinator = make_coordinator(site)
    application = make_application(status="submitted", email=CLINICIAN)

    response = sign_in(client, coordinator).post(f"{page_url(site)}clinicians/{application.pk}/confirm/")

    assert response.status_code == 404
    assert site.memberships.filter(email=CLINICIAN).exists() is False


def test_a_site_whose_certificate_is_deleted_from_a_partner_keeps_its_page(client):
    # A listing no longer linked to the site's certificate is no longer the coordinator's.
    site = make_site()
    coordinator = make_coordinator(site)
    partner = make_listing(site)
    Partner.objects.filter(pk=partner.pk).update(certificate=None)

    html = sign_in(client, coordinator).get(page_url(site)).content.decode()

    assert f"listing-{partner.pk}-description" not in html
    assert "The site is not on the partner map yet." in html


# HOSTILE INPUT: a clear answer, never a 500


@pytest.mark.parametrize("typed", ["NMT-C-\x00", "N" * 5000, "<script>alert(1)</script>"])
def test_a_hostile_site_number_is_told_at_its_field(client, typed):
    program = make_phase_one()

    response = client.post("/apply/individual/", individual_form_data(program, works_at=typed, **individual_files()))

    assert response.status_code == 200
    assert text_of(response.content.decode(), "div", id="id_works_at_error").startswith(
        "Enter the certificate number of a certified NMT site"
    )
    assert Application.objects.count() == 0


@pytest.mark.parametrize("reference", ["NMT-S-%00", "nmt-s-2026-00001", "N" * 300, "%3Cscript%3E"])
def test_a_malformed_site_reference_is_the_ordinary_404(client, reference):
    site = make_site()
    coordinator = make_coordinator(site)

    response = sign_in(client, coordinator).get(f"/my/sites/{reference}/")

    assert response.status_code == 404


@pytest.mark.parametrize("typed", ["clinician@example.org\x00", "a" * 300 + "@example.org"])
def test_a_hostile_address_is_told_at_its_field(client, typed):
    site = make_site()
    coordinator = make_coordinator(site)

    response = sign_in(client, coordinator).post(f"{page_url(site)}staff/invite/", {"invite-email": typed})

    assert response.status_code == 400
    assert elements(response.content.decode(), "div", id="id_invite-email_error") != []
    assert site.memberships.count() == 1


def test_withdrawing_an_unanswered_invitation_sends_nothing(client, send_queued, mailoutbox):
    site = make_site()
    coordinator = make_coordinator(site)
    invitation = sites.site_staff_invite(site=site, email="someone@example.org", invited_by=coordinator)
    sign_in(client, coordinator)
    discard_queued_emails()  # the invitation

    with send_queued():
        client.post(f"{page_url(site)}staff/{invitation.pk}/remove/")

    invitation.refresh_from_db()
    assert invitation.status == State.REMOVED
    assert mailoutbox == []
