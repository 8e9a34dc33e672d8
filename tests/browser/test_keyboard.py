"""The portal by keyboard alone: Tab, Shift+Tab, Space, Enter and the arrow keys reach and work every
control, the focus is always visible (an outline or a shadow on the focused element) and never trapped.

Headless Chromium cannot open a file chooser from the keyboard, so files are set with set_input_files;
everything else is reached and worked with keys only.
"""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from apps.certifications.models import Application, Status
from apps.certifications.tokens import make_token
from apps.events.models import Registration
from apps.inquiries.models import Inquiry
from apps.partners.models import Partner
from tests.browser.a11y import TILES, assert_focus_visible, expect_collapse_settled, focus_is_in, focused, tab_to
from tests.factories import make_application, make_event, make_partner, make_site_certificate
from tests.files import pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every element the Tab key should stop at, in document order (one radio button per group).
TABBABLE = """() => {
  const candidates = document.querySelectorAll("a[href], button, input, select, textarea, [tabindex]");
  const seenGroups = new Set();
  return Array.from(candidates).filter((element) => {
    if (element.disabled || element.tabIndex < 0 || element.type === "hidden") return false;
    if (!element.getClientRects().length || getComputedStyle(element).visibility === "hidden") return false;
    if (element.closest("[inert], [aria-hidden='true']")) return false;
    if (element.type === "radio") {
      if (seenGroups.has(element.name)) return false;
      seenGroups.add(element.name);
    }
    return true;
  }).length;
}"""


# Which stop of this round the focused element is: a number the first time, "again" after that.
VISIT = """() => {
  window.tabRound = window.tabRound || [];
  if (window.tabRound.includes(document.activeElement)) return "again";
  window.tabRound.push(document.activeElement);
  return window.tabRound.length;
}"""


def _is_skip_link(page):
    return page.evaluate("document.activeElement.classList.contains('skip-link')")


def tab_round(page, limit=600):
    """Tab from the top until the focus comes round to the skip link again: every stop on the way, with
    its focus indicator checked. Fails if the focus stays caught somewhere."""
    page.evaluate("window.tabRound = []")
    page.keyboard.press("Tab")
    assert _is_skip_link(page)
    page.evaluate(VISIT)
    stops = [focused(page)]
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            continue  # past the last control: the browser's own interface, then the page again
        if _is_skip_link(page):
            return stops
        assert_focus_visible(page)
        assert page.evaluate(VISIT) != "again", f"{focused(page)} reached twice in one round, after {stops}"
        stops.append(focused(page))
    raise AssertionError(f"the focus never came back to the start; last stops: {stops[-10:]}")


@pytest.fixture
def no_tiles(page):
    page.route(TILES, lambda route: route.abort())


def _partners():
    for i in range(4):
        make_partner(
            name=f"Houston Partner {i}",
            latitude=Decimal("29.76") + Decimal(i) / 10,
            longitude=Decimal("-95.37") + Decimal(i) / 10,
        )
    make_partner(
        name="Halifax Youth Centre",
        city="Halifax",
        region="Nova Scotia",
        country="CA",
        latitude=Decimal("44.648618"),
        longitude=Decimal("-63.585949"),
    )
    make_partner(
        name="Sydney Trauma Clinic",
        kind=Partner.Kind.SITE,
        city="Sydney",
        region="New South Wales",
        country="AU",
        latitude=Decimal("-33.868820"),
        longitude=Decimal("151.209296"),
        certificate=make_site_certificate(),
    )


# THE WHOLE PAGE: every control in turn, focus visible at each, and round to the start again.

ROUND_PAGES = {
    "home": lambda: "/",
    "faq": lambda: "/faq/",
    "certification": lambda: "/certification/",
    "individual application": lambda: "/apply/individual/",
    "individual application's first section": lambda: "/apply/individual/sections/program/",
    "site application": lambda: "/apply/site/",
    "status page with a request for information": lambda: (
        f"/applications/{make_token(make_application(status=Status.INFO_REQUESTED))}/"
    ),
    "lookup": lambda: "/status/",
    "registry": lambda: make_application(status=Status.APPROVED) and "/registry/",
    "partners": lambda: _partners() or "/partners/",
    "partner": lambda: make_partner(website="https://harbor.example.org").get_absolute_url(),
    "events": lambda: make_event() and "/events/",
    "event": lambda: make_event().get_absolute_url(),
    "library": lambda: "/library/",
    "contact": lambda: "/contact/",
}


@pytest.mark.parametrize("name", ROUND_PAGES)
def test_tab_reaches_every_control_with_visible_focus_and_comes_round(page, starter_content, no_tiles, name):
    page.goto(ROUND_PAGES[name]())
    if page.locator("#partners-map").count():
        page.wait_for_selector("#partners-map[data-markers]")
    expected = page.evaluate(TABBABLE)

    stops = tab_round(page)

    assert len(stops) == expected


def test_shift_tab_walks_back_through_the_same_controls(page, starter_content):
    page.goto("/contact/")
    forward = tab_round(page)

    backward = []  # from the skip link, back round to the last control and on up the page
    while len(backward) < len(forward) - 1:
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement !== document.body"):
            assert_focus_visible(page)
            backward.append(focused(page))

    assert backward == list(reversed(forward))[: len(backward)]


# THE LAYOUT


def test_skip_link_appears_on_focus_and_moves_the_focus_to_the_main_content(page, starter_content):
    page.goto("/faq/")

    page.keyboard.press("Tab")

    skip = page.locator(".skip-link")
    assert _is_skip_link(page)
    assert_focus_visible(page)
    box = skip.bounding_box()
    assert box["width"] > 100 and box["height"] > 20 and box["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "faq-q"  # the first control of the page itself
    assert skip.bounding_box()["width"] <= 1  # out of sight again


def test_mobile_navigation_opens_and_closes_by_keyboard(page, starter_content):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/faq/")
    toggle = page.locator(".navbar-toggler")
    about = page.get_by_role("link", name="About", exact=True)
    expect(about).to_be_hidden()

    tab_to(page, ".navbar-toggler")
    page.keyboard.press("Enter")

    expect_collapse_settled(page, "#site-nav", shown=True)  # a key pressed mid-transition is dropped
    expect(about).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    labels = []
    for _ in range(8):
        page.keyboard.press("Tab")
        assert_focus_visible(page)
        labels.append(page.evaluate("document.activeElement.textContent.trim()"))
    assert labels == ["About", "FAQ", "Certification", "Partners", "Trainings", "Library", "Contact", "My NMT"]
    page.keyboard.press("Tab")
    assert focus_is_in(page, "main")  # on into the page: the menu holds no one

    tab_to(page, ".navbar-toggler", key="Shift+Tab")
    page.keyboard.press("Space")

    expect_collapse_settled(page, "#site-nav", shown=False)
    expect(about).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "faq-q"  # the closed menu is skipped


# FORMS


def test_contact_form_completed_by_keyboard_alone(page, starter_content):
    page.goto("/contact/")

    tab_to(page, "#id_name")
    page.keyboard.type("Kim Keyboard")
    page.keyboard.press("Tab")
    page.keyboard.type("kim@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("Harbor")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # the topic menu
    page.keyboard.press("Tab")
    page.keyboard.type("Hello from the keyboard.")
    page.keyboard.press("Tab")  # the hidden honeypot is not a tab stop
    assert page.evaluate("document.activeElement.textContent.trim()") == "Send message"
    page.keyboard.press("Enter")

    page.wait_for_url("**/contact/thanks/")
    assert page.get_by_role("heading", level=1).text_content() == "Thank you, your message is on its way"
    assert Inquiry.objects.get().message == "Hello from the keyboard."


def _save_and_continue_by_keyboard(page, next_url):
    tab_to(page, "button[value='continue']")
    page.keyboard.press("Enter")
    page.wait_for_url(next_url)


def test_individual_application_completed_by_keyboard_alone(page, starter_content):
    page.goto("/apply/individual/")

    tab_to(page, "a[aria-describedby='task-status-program']")  # the task list's first section
    page.keyboard.press("Enter")
    page.wait_for_url("**/apply/individual/sections/program/")
    tab_to(page, "input[name='program']")
    page.keyboard.press("Space")  # NMT Phase I, the first in its group
    assert page.is_checked("#id_program_0")
    _save_and_continue_by_keyboard(page, "**/sections/about-you/")
    for selector, text in [
        ("#id_full_name", "Dana Whitfield"),
        ("#id_email", "dana@example.org"),
        ("#id_phone", "+1 713 555 0100"),
    ]:
        tab_to(page, selector)
        page.keyboard.type(text)
    tab_to(page, "#id_country")
    page.keyboard.type("United States of")  # type-ahead in the closed menu
    assert page.input_value("#id_country") == "US"
    tab_to(page, "#id_city")
    page.keyboard.type("Houston")
    _save_and_continue_by_keyboard(page, "**/sections/credential/")
    for selector, text in [
        ("#id_profession", "Clinical psychologist"),
        ("#id_credential_type", "Licensed psychologist"),
        ("#id_credential_issuer", "Texas State Board"),
    ]:
        tab_to(page, selector)
        page.keyboard.type(text)
    _save_and_continue_by_keyboard(page, "**/sections/practice/")
    tab_to(page, "#id_years_of_practice")
    page.keyboard.type("8")
    tab_to(page, "#id_populations_0")
    page.keyboard.press("Space")  # Children
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # Families
    _save_and_continue_by_keyboard(page, "**/sections/motivation/")
    tab_to(page, "#id_motivation")
    page.keyboard.type("I work with children who have experienced trauma.")
    tab_to(page, "#id_heard_about")
    page.keyboard.press("ArrowDown")
    _save_and_continue_by_keyboard(page, "**/sections/documents/")
    # The file chooser cannot be driven from the keyboard headless; the inputs are still tab stops.
    for selector, name in [("#id_document_cv", "cv.pdf"), ("#id_document_licence", "licence.pdf")]:
        page.set_input_files(selector, files=[{"name": name, "mimeType": "application/pdf", "buffer": pdf_bytes()}])
    _save_and_continue_by_keyboard(page, "**/apply/individual/")
    tab_to(page, "a[href='/apply/individual/check/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/apply/individual/check/")
    tab_to(page, "a[href='/apply/individual/sections/about-you/?return=check']")  # a change link, then back
    page.keyboard.press("Enter")
    page.wait_for_url("**/sections/about-you/?return=check")
    _save_and_continue_by_keyboard(page, "**/apply/individual/check/")
    tab_to(page, "#id_consent_privacy")
    page.keyboard.press("Space")
    tab_to(page, "button[value='submit']")
    page.keyboard.press("Enter")

    page.wait_for_url("**/apply/received/")
    application = Application.objects.get()
    assert (application.status, application.full_name, application.country.code) == (
        Status.SUBMITTED,
        "Dana Whitfield",
        "US",
    )
    assert application.populations == ["children", "families"]
    assert sorted(application.documents.values_list("kind", flat=True)) == ["cv", "licence"]


def test_event_registration_by_keyboard_alone(page, starter_content):
    event = make_event(title="Case-based training: spring")
    page.goto("/events/")

    tab_to(page, f"a[href='{event.get_absolute_url()}']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{event.get_absolute_url()}")
    tab_to(page, "#id_name")
    page.keyboard.type("Jordan Lee")
    page.keyboard.press("Tab")
    page.keyboard.type("jordan@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("Harbor Family Services")
    page.keyboard.press("Tab")
    page.keyboard.type("Clinician")  # the role menu, by type-ahead
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # into the yes/no group: "No"
    tab_to(page, ".registration-form button[type='submit']")
    page.keyboard.press("Enter")

    page.wait_for_url(f"**{event.get_absolute_url()}registered/")
    registration = Registration.objects.get()
    assert (registration.name, registration.role, registration.is_nmt_certified, registration.status) == (
        "Jordan Lee",
        "clinician",
        False,
        Registration.Status.CONFIRMED,
    )


def test_partner_filters_and_list_by_keyboard_alone(page, no_tiles):
    _partners()
    page.goto("/partners/")
    page.wait_for_selector("#partners-map[data-markers='6']")

    tab_to(page, "#id_country")
    page.keyboard.type("Canada")  # a menu applies at once

    expect(page.locator("#results-heading")).to_have_text("1 partner matches your filters")
    page.wait_for_selector("#partners-map[data-markers='1']")
    assert page.evaluate("document.activeElement.id") == "id_country"  # the focus stays where it was
    tab_to(page, "#partner-results h3 a")  # past the other filters and the map, to the list
    assert page.evaluate("document.activeElement.textContent") == "Halifax Youth Centre"

    tab_to(page, "#id_q", key="Shift+Tab")
    page.keyboard.type("Sydney")
    page.keyboard.press("Enter")  # the text applies on Enter

    expect(page.locator("#results-heading")).to_have_text("0 partners match your filters")
    tab_to(page, "#id_country", key="Tab")
    page.keyboard.type("All countries")
    expect(page.locator("#results-heading")).to_have_text("1 partner matches your filters")
    page.wait_for_selector("#partners-map[data-markers='1']")  # the map's markers, passed on the way, at rest
    tab_to(page, "#partner-results h3 a")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sydney Trauma Clinic")


def test_show_on_map_takes_the_focus_to_the_partner_in_the_popup(page, no_tiles):
    _partners()
    page.goto("/partners/")
    page.wait_for_selector("#partners-map[data-markers='6']")

    tab_to(page, "button[aria-label='Show on map: Sydney Trauma Clinic']")
    page.keyboard.press("Enter")

    popup_link = page.locator(".leaflet-popup .partner-popup-name a")
    expect(popup_link).to_be_focused()
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sydney Trauma Clinic")
