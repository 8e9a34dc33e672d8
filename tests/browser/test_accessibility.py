"""axe-core on every public page, and on each form with its validation errors showing."""

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "assets" / "axe-core-4.14.1" / "axe.min.js"

PUBLIC_PAGES = [
    "/",
    "/faq/",
    "/faq/?q=certification",
    "/pages/about/",
    "/pages/evidence-base/",
    "/contact/",
    "/contact/thanks/",
    "/no-such-page/",
]


@pytest.fixture
def axe_page(browser, live_server):
    # axe is injected as a script; only this audit context bypasses the CSP to allow that.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


def serious_violations(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_serious_accessibility_violations(axe_page, starter_content, path):
    axe_page.goto(path)

    assert serious_violations(axe_page) == []


def test_contact_form_with_errors_has_no_serious_violations(axe_page, starter_content):
    axe_page.goto("/contact/")
    axe_page.get_by_role("button", name="Send message").click()
    axe_page.wait_for_selector(".invalid-feedback")

    assert serious_violations(axe_page) == []


def test_contact_form_can_be_completed_by_keyboard_alone(page, starter_content):
    page.goto("/contact/")
    page.get_by_label("Your name").focus()

    page.keyboard.type("Kim Keyboard")
    page.keyboard.press("Tab")
    page.keyboard.type("kim@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("Harbor")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # topic select
    page.keyboard.press("Tab")
    page.keyboard.type("Hello from the keyboard.")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Send message"
    page.keyboard.press("Enter")

    page.wait_for_url("**/contact/thanks/")
    assert page.get_by_role("heading", level=1).text_content() == "Thank you, your message is on its way"
