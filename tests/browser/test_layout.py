import re

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import expect_collapse_settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_keyboard_user_can_skip_to_content_and_reach_the_navigation(page, starter_content):
    page.goto("/")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/#main$"))
    assert page.evaluate("location.hash") == "#main"

    page.goto("/faq/")
    page.get_by_role("link", name="Is the NMT an Evidence-based Practice?").first.click()
    expect(page).to_have_url(re.compile(r"/faq/#is-the-nmt-an-evidence-based-practice$"))
    assert page.evaluate("location.hash") == "#is-the-nmt-an-evidence-based-practice"


def test_navigation_collapses_into_a_menu_on_small_screens(page):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/")

    toggle = page.get_by_role("button", name="Show navigation")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    expect_collapse_settled(page, "#site-nav", shown=True)
    page.get_by_role("link", name="FAQ", exact=True).wait_for(state="visible")
    assert toggle.get_attribute("aria-expanded") == "true"
