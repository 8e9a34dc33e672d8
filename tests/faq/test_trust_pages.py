"""The trust pages: privacy notice, accessibility statement, terms of use and cookies. Linked from
every page's footer, staff-edited, with starter text; the cookie list is the portal's own."""

import pytest

from apps.faq.models import Page
from apps.faq.trust_pages import COOKIE_ROWS
from tests.events.test_registration import VALID as REGISTRATION
from tests.factories import make_event
from tests.html import elements, text_of
from tests.inquiries.test_contact import VALID as INQUIRY
from tests.staff import admin_login

pytestmark = pytest.mark.django_db

TRUST_PAGES = {
    "/pages/privacy/": "Privacy notice",
    "/pages/accessibility/": "Accessibility statement",
    "/pages/terms/": "Terms of use",
    "/pages/cookies/": "Cookies",
}


@pytest.mark.parametrize("path", ["/", "/faq/", "/registry/", "/partners/", "/apply/individual/", "/contact/"])
def test_every_page_links_to_the_trust_pages_in_its_footer(client, starter_content, path):
    html = client.get(path).content.decode()

    footer = elements(html, "nav", aria_label="About this website")
    assert [text for _, _, text in footer] == [" ".join(TRUST_PAGES.values())]
    for href, title in TRUST_PAGES.items():
        assert title in [text for _, _, text in elements(html, "a", href=href)]


@pytest.mark.parametrize(("path", "title"), TRUST_PAGES.items())
def test_the_starter_trust_pages_render_for_staff_to_complete(client, starter_content, path, title):
    response = client.get(path)

    html = response.content.decode()
    assert response.status_code == 200
    assert text_of(html, "h1") == title
    assert Page.objects.get(slug=path.split("/")[2]).needs_review is True
    # Every fact only the NMT team can give is marked, except on the cookies page, which has none.
    assert ("To confirm by the NMT team" in html) == (title != "Cookies")


def test_the_privacy_notice_covers_each_form_retention_and_rights(client, starter_content):
    headings = [text for _, _, text in elements(client.get("/pages/privacy/").content.decode(), "h3")]
    assert headings == [
        "When you apply for individual certification",
        "When an organisation applies for site certification",
        "While an application is reviewed",
        "When you check an application's status",
        "When you register for a training",
        "When you send us a message",
        "Certificates",
        "Staff accounts and security",
    ]


def test_the_application_privacy_notice_links_to_the_whole_notice(client):
    html = client.get("/apply/individual/").content.decode()
    assert elements(html, "a", href="/pages/privacy/") != []


def test_the_cookies_the_portal_sets_are_the_ones_the_cookies_page_lists(client, staff_user):
    event = make_event()
    client.get("/contact/")
    client.post("/contact/", INQUIRY, follow=True)
    client.post(f"/events/{event.slug}/register/", REGISTRATION)
    admin_login(client, staff_user)

    assert {"csrftoken", "sessionid"} <= set(client.cookies) <= {name for name, *_ in COOKIE_ROWS}
