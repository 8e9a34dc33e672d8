"""The admin of site memberships (read only) and listing changes (content editors approve or
reject them, through the services)."""

import pytest

from apps.accounts import sites
from apps.accounts.models import ListingChange
from apps.core.roles import CONTENT_EDITORS, REVIEWERS, SITE_ADMINISTRATORS
from tests.accounts.sites_world import COORDINATOR, make_coordinator, make_listing, make_site, make_staff_member
from tests.factories import make_staff
from tests.html import elements, text_of
from tests.staff import admin_login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles")]

CHANGES = "/admin/accounts/listingchange/"
MEMBERSHIPS = "/admin/accounts/sitemembership/"


@pytest.fixture
def change():
    site = make_site()
    coordinator = make_coordinator(site)
    partner = make_listing(site)
    return sites.listing_change_propose(
        site=site, partner=partner, proposed_by=coordinator, changes={"phone": "+1 555 0199"}
    )


@pytest.fixture
def editor_client(client):
    return admin_login(client, make_staff(role=CONTENT_EDITORS))


@pytest.mark.parametrize(
    ("role", "changes", "memberships"),
    [(REVIEWERS, 403, 403), (CONTENT_EDITORS, 200, 403), (SITE_ADMINISTRATORS, 200, 200)],
)
def test_content_editors_work_the_listing_changes_and_only_administrators_read_memberships(
    client, change, role, changes, memberships
):
    admin_login(client, make_staff(role=role, is_superuser=role == SITE_ADMINISTRATORS))

    assert (client.get(CHANGES).status_code, client.get(MEMBERSHIPS).status_code) == (changes, memberships)


def test_the_list_opens_on_the_changes_waiting_for_a_decision(editor_client, change):
    decided = sites.listing_change_propose(
        site=change.site, partner=change.partner, proposed_by=change.proposed_by, changes={"postal_code": "77002"}
    )
    sites.listing_change_reject(change=decided, editor=make_staff(role=CONTENT_EDITORS), note="No.")

    response = editor_client.get(CHANGES)

    assert [obj.pk for obj in response.context["cl"].result_list] == [change.pk]


def _rows(html):
    import re

    [table] = [t for t in re.findall(r"<table>.*?</table>", html, flags=re.S) if "On the listing now" in t]
    return re.findall(r"<tr>.*?</tr>", table, flags=re.S)


def test_the_change_page_shows_each_field_now_and_proposed_with_the_decision_buttons(editor_client, change):
    html = editor_client.get(f"{CHANGES}{change.pk}/change/").content.decode()

    cells = [[text for _, _, text in elements(row, "th") + elements(row, "td")] for row in _rows(html)]
    assert cells == [["Field", "On the listing now", "Proposed"], ["Public telephone", "+1 555 0111", "+1 555 0199"]]
    assert [attrs["action"] for _, attrs, _ in elements(html, "form") if "approve" in attrs.get("action", "")] == [
        f"{CHANGES}{change.pk}/approve/"
    ]
    assert elements(html, "input", name="_save") == []


def test_approving_from_the_change_page_publishes_and_reports(editor_client, change):
    response = editor_client.post(f"{CHANGES}{change.pk}/approve/", follow=True)

    change.refresh_from_db()
    change.partner.refresh_from_db()
    assert (change.status, change.partner.phone) == (ListingChange.Status.APPROVED, "+1 555 0199")
    assert [str(m) for m in response.context["messages"]] == [f"The change to {change.partner} is published."]


def test_approving_by_get_changes_nothing(editor_client, change):
    editor_client.get(f"{CHANGES}{change.pk}/approve/")

    change.refresh_from_db()
    assert change.status == ListingChange.Status.PENDING


def test_the_bulk_action_approves_and_reports_refusals(editor_client, change):
    done = sites.listing_change_propose(
        site=change.site, partner=change.partner, proposed_by=change.proposed_by, changes={"postal_code": "77002"}
    )
    sites.listing_change_approve(change=done, editor=make_staff(role=CONTENT_EDITORS))

    response = editor_client.post(
        f"{CHANGES}?status=all", {"action": "approve", "_selected_action": [change.pk, done.pk]}, follow=True
    )

    change.refresh_from_db()
    assert change.status == ListingChange.Status.APPROVED
    assert sorted(str(m) for m in response.context["messages"]) == [
        "1 change published.",
        f"{change.partner}: This change to the listing was already approved and applied.",
    ]


def test_a_rejection_without_a_reason_is_told_at_its_field(editor_client, change):
    response = editor_client.post(f"{CHANGES}{change.pk}/reject/", {"note": ""})

    assert response.status_code == 400
    assert text_of(response.content.decode(), "ul", id="id_note_error") == (
        "Say why the change is rejected: the coordinator reads it."
    )
    change.refresh_from_db()
    assert change.status == ListingChange.Status.PENDING


def test_a_rejection_with_a_reason_is_sent_to_the_coordinator(editor_client, change, send_queued, mailoutbox):
    with send_queued():
        response = editor_client.post(f"{CHANGES}{change.pk}/reject/", {"note": "Use the clinic's main line."})

    change.refresh_from_db()
    assert (response.status_code, change.status, change.decision_note) == (
        302,
        ListingChange.Status.REJECTED,
        "Use the clinic's main line.",
    )
    assert [m.to for m in mailoutbox] == [[COORDINATOR]]


def test_memberships_are_read_only_in_the_admin(client, change):
    admin_login(client, make_staff(role=SITE_ADMINISTRATORS, is_superuser=True))
    _, membership = make_staff_member(change.site, change.proposed_by)

    page = client.get(f"{MEMBERSHIPS}{membership.pk}/change/")
    client.post(f"{MEMBERSHIPS}{membership.pk}/change/", {"status": "removed"})

    membership.refresh_from_db()
    assert page.status_code == 200
    assert elements(page.content.decode(), "input", name="_save") == []
    assert membership.status == "active"
    assert client.get(f"{MEMBERSHIPS}add/").status_code == 403
