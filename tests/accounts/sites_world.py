"""Builders of the site coordinator tests: a certified site with its coordinator, listing and
staff, as the services leave them."""

from apps.accounts import sites
from tests.factories import make_application, make_partner, make_person, make_program

COORDINATOR = "coordinator@harbor.example.org"
CLINICIAN = "clinician@example.org"


def make_site(*, email=COORDINATOR, **overrides):
    """An approved site application (with its active certificate) whose contact is `email`."""
    values = {"organisation_name": "Harbor Family Services", "coordinator_name": "Sam Ortiz"}
    values.update(overrides)
    return make_application(status="approved", program=make_program(kind="site"), email=email, **values)


def make_listing(site, **overrides):
    values = {
        "name": site.organisation_name,
        "kind": "site",
        "certificate": site.certificate,
        "description": "Outpatient therapy.",
        "website": "https://harbor.example.org",
        "email": "info@harbor.example.org",
        "phone": "+1 555 0111",
        "address": "12 Harbor Road",
        "postal_code": "77001",
    }
    values.update(overrides)
    return make_partner(**values)


def make_coordinator(site, email=COORDINATOR):
    """The holder of the site's address, made its coordinator as a first visit does."""
    person = make_person(email)
    sites.site_coordinator_claim(user=person)
    return person


def make_staff_member(site, coordinator, email=CLINICIAN, *, consent=False, person=None):
    """A clinician (`person`, or a new holder of `email`) invited by the coordinator who accepted
    (and consented, if asked); returns (person, membership)."""
    person = person or make_person(email)
    membership = sites.site_staff_invite(site=site, email=email, invited_by=coordinator)
    membership = sites.site_invitation_accept(membership=membership, user=person)
    if consent:
        membership = sites.site_consent_give(membership=membership, user=person)
    return person, membership


def make_clinician_records(email=CLINICIAN):
    """A certified clinician's records: an approved application (its certificate), one in review
    and a draft; returns (certificate, in_review, draft)."""
    approved = make_application(status="approved", email=email, full_name="Dana Whitfield")
    in_review = make_application(status="in_review", email=email, full_name="Dana Whitfield")
    draft = make_application(status="draft", email=email, full_name="Dana Whitfield")
    return approved.certificate, in_review, draft
