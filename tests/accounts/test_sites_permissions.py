"""Who reaches what of the site pages: every URL of apps/accounts/sites_urls.py for anonymous
visitors, a holder, another holder, a site's coordinator, a staff member before and after
consent, another site's coordinator, and each staff role. A page someone may not see is the
ordinary 404, with the same body as any other and nothing of the site in it; a refused POST
changes nothing."""

from types import SimpleNamespace

import pytest
from django.test import Client

from apps.accounts import sites
from apps.accounts.models import ListingChange, SiteMembership
from apps.accounts.records import records_of
from apps.core.roles import CONTENT_EDITORS, REVIEWERS, SITE_ADMINISTRATORS
from tests.accounts.sites_world import (
    CLINICIAN,
    COORDINATOR,
    make_clinician_records,
    make_coordinator,
    make_listing,
    make_site,
    make_staff_member,
)
from tests.factories import make_application, make_person, make_staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles")]

ANONYMOUS = "anonymous"
HOLDER = "holder"
ANOTHER_HOLDER = "another holder"
COORDINATOR_ = "coordinator"
STAFF_BEFORE = "staff before consent"
STAFF_AFTER = "staff after consent"
OTHER_COORDINATOR = "another site's coordinator"
ACTORS = [
    ANONYMOUS,
    HOLDER,
    ANOTHER_HOLDER,
    COORDINATOR_,
    STAFF_BEFORE,
    STAFF_AFTER,
    OTHER_COORDINATOR,
    REVIEWERS,
    CONTENT_EDITORS,
    SITE_ADMINISTRATORS,
]
LOGIN, OK, DONE, NOT_FOUND = "login", 200, 302, 404


@pytest.fixture
def world():
    """Harbor (site A) with its coordinator, a listing, a staff member who shares and one who does
    not, an invitation waiting for the holder, and a clinician who named the site; Bay (site B)
    with its own coordinator."""
    site = make_site()
    coordinator = make_coordinator(site)
    partner = make_listing(site)
    make_clinician_records()
    sharing, sharing_membership = make_staff_member(site, coordinator, CLINICIAN, consent=True)
    private, private_membership = make_staff_member(site, coordinator, "private@example.org")
    holder = make_person("holder@example.org")
    make_application(status="submitted", email="holder@example.org")
    invitation = sites.site_staff_invite(site=site, email="holder@example.org", invited_by=coordinator)
    named = make_application(status="submitted", email="named@example.org", works_at=site)
    other_site = make_site(email="bay@example.org", organisation_name="Bay Clinic")
    users = {
        HOLDER: holder,
        ANOTHER_HOLDER: make_person("another@example.org"),
        COORDINATOR_: coordinator,
        STAFF_BEFORE: private,
        STAFF_AFTER: sharing,
        OTHER_COORDINATOR: make_coordinator(other_site, "bay@example.org"),
        REVIEWERS: make_staff(role=REVIEWERS),
        CONTENT_EDITORS: make_staff(role=CONTENT_EDITORS),
        SITE_ADMINISTRATORS: make_staff(role=SITE_ADMINISTRATORS, is_superuser=True),
    }
    return SimpleNamespace(
        site=site,
        partner=partner,
        users=users,
        private=private_membership,
        sharing=sharing_membership,
        invitation=invitation,
        named=named,
    )


def _client(world, actor, **kwargs):
    client = Client(**kwargs)
    if actor != ANONYMOUS:
        client.force_login(world.users[actor], backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


def _listing_post(world):
    prefix = f"listing-{world.partner.pk}"
    return {f"{prefix}-description": "New words.", f"{prefix}-website": "https://harbor.example.org"}


def _only(*actors):
    """The expected answer per actor: DONE for `actors`, the login page for anonymous, else 404."""
    return {actor: LOGIN if actor == ANONYMOUS else DONE if actor in actors else NOT_FOUND for actor in ACTORS}


SITE = "/my/sites/{w.site.reference}/"
# (name, method, URL template, POST data, expected per actor)
MATRIX = [
    ("my sites", "get", "/my/sites/", None, {a: LOGIN if a == ANONYMOUS else OK for a in ACTORS}),
    (
        "site page",
        "get",
        SITE,
        None,
        {a: LOGIN if a == ANONYMOUS else OK if a == COORDINATOR_ else NOT_FOUND for a in ACTORS},
    ),
    ("invite", "post", SITE + "staff/invite/", lambda w: {"invite-email": "new@example.org"}, _only(COORDINATOR_)),
    ("remove a member", "post", SITE + "staff/{w.private.pk}/remove/", None, _only(COORDINATOR_)),
    ("hand over", "post", SITE + "handover/", lambda w: {"handover-email": "new@example.org"}, _only(COORDINATOR_)),
    ("propose a listing change", "post", SITE + "listing/{w.partner.pk}/", _listing_post, _only(COORDINATOR_)),
    ("confirm a clinician", "post", SITE + "clinicians/{w.named.pk}/confirm/", None, _only(COORDINATOR_)),
    ("accept an invitation", "post", "/my/sites/invitations/{w.invitation.pk}/accept/", None, _only(HOLDER)),
    ("decline an invitation", "post", "/my/sites/invitations/{w.invitation.pk}/decline/", None, _only(HOLDER)),
    ("give consent", "post", "/my/sites/memberships/{w.private.pk}/consent/", None, _only(STAFF_BEFORE)),
    ("revoke consent", "post", "/my/sites/memberships/{w.sharing.pk}/revoke/", None, _only(STAFF_AFTER)),
    ("leave", "post", "/my/sites/memberships/{w.private.pk}/leave/", None, _only(STAFF_BEFORE)),
]


def _state(world):
    """Everything a POST of the matrix could change."""
    return (
        sorted(SiteMembership.objects.values_list("pk", "email", "role", "status", "consent_at")),
        ListingChange.objects.count(),
    )


# What a 404 must never show: the site, its people, its listing.
SECRETS = [
    "Harbor Family Services",
    COORDINATOR,
    CLINICIAN,
    "private@example.org",
    "holder@example.org",
    "named@example.org",
    "NMT-C-",
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("name", "method", "url", "data", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_permission_matrix(world, actor, name, method, url, data, expected):
    client = _client(world, actor)
    before = _state(world)
    path = url.format(w=world)

    response = getattr(client, method)(path, data(world) if data else {})

    want = expected[actor]
    if want == LOGIN:
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={path}"
    else:
        assert response.status_code == want
    if want == NOT_FOUND:
        body = response.content.decode()
        assert body == client.get("/my/sites/NMT-S-1999-99999/").content.decode()
        assert [secret for secret in SECRETS if secret in body] == []
    if method == "post":
        assert (_state(world) != before) == (want == DONE)


@pytest.mark.parametrize(
    "name", [row[0] for row in MATRIX if row[1] == "post"], ids=[row[0] for row in MATRIX if row[1] == "post"]
)
def test_every_change_needs_the_csrf_token(world, name):
    [(_, _, url, data, expected)] = [row for row in MATRIX if row[0] == name]
    [actor] = [a for a, answer in expected.items() if answer == DONE]
    client = _client(world, actor, enforce_csrf_checks=True)
    before = _state(world)

    response = client.post(url.format(w=world), data(world) if data else {})

    assert response.status_code == 403
    assert _state(world) == before


@pytest.mark.parametrize(
    "name", [row[0] for row in MATRIX if row[1] == "post"], ids=[row[0] for row in MATRIX if row[1] == "post"]
)
def test_a_change_is_never_made_by_get(world, name):
    [(_, _, url, _, expected)] = [row for row in MATRIX if row[0] == name]
    [actor] = [a for a, answer in expected.items() if answer == DONE]
    before = _state(world)

    response = _client(world, actor).get(url.format(w=world))

    assert response.status_code == 405
    assert _state(world) == before


def test_the_site_page_of_a_coordinator_shows_nothing_of_other_sites_or_of_people_who_have_not_accepted(world):
    html = _client(world, COORDINATOR_).get(SITE.format(w=world)).content.decode()

    assert "Bay Clinic" not in html
    assert "bay@example.org" not in html
    assert "another@example.org" not in html
    # The holder is invited, not a member: the coordinator sees the address they typed, nothing of the holder's records.
    assert records_of(world.users[HOLDER]).applications.get().reference not in html
