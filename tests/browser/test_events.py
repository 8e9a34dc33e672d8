from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from apps.events.models import Registration
from apps.library.models import Publication
from tests.factories import make_event, make_registration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_registers_for_a_training_and_sees_the_confirmation(page):
    event = make_event(title="NMT case-based training: spring", capacity=10)

    page.goto("/events/")
    page.get_by_role("link", name="NMT case-based training: spring").click()
    page.get_by_label("Your name").fill("Jordan Lee")
    page.get_by_label("Your email").fill("jordan@example.org")
    page.get_by_label("Organisation (optional)").fill("Harbor Family Services")
    page.get_by_label("Role").select_option("clinician")
    page.get_by_role("radio", name="Yes").check()
    page.get_by_role("button", name="Register").click()

    page.wait_for_url(f"**/events/{event.slug}/registered/")
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you"
    assert page.locator(".alert-success").inner_text() == (
        "You are registered for NMT case-based training: spring. We have emailed the confirmation and the join "
        "link to jordan@example.org."
    )
    assert Registration.objects.get().status == Registration.Status.CONFIRMED
    assert "secret-room" not in page.content()


def test_full_training_puts_the_visitor_on_the_waitlist(page):
    event = make_event(title="Small workshop", capacity=1)
    make_registration(event=event)

    page.goto(f"/events/{event.slug}/")
    page.get_by_label("Your name").fill("Sam Ortiz")
    page.get_by_label("Your email").fill("sam@example.org")
    page.get_by_label("Role").select_option("educator")
    page.get_by_role("radio", name="No").check()
    page.get_by_role("button", name="Join the waitlist").click()

    page.wait_for_url(f"**/events/{event.slug}/registered/")
    assert "you are number 1 on the waitlist" in page.locator(".alert-info").inner_text()


def test_the_events_filter_marks_the_chosen_kind_in_the_portals_teal(page):
    make_event()

    page.goto("/events/")

    chosen = page.get_by_role("link", name="All", exact=True)
    expect(chosen).to_have_attribute("aria-current", "page")
    colours = chosen.evaluate("(link) => [getComputedStyle(link).backgroundColor, getComputedStyle(link).color]")
    assert colours == ["rgb(15, 76, 92)", "rgb(255, 255, 255)"]  # --nmt-primary, not Bootstrap's blue


def test_event_page_shows_the_visitors_own_time_with_javascript(page):
    event = make_event()

    page.goto(f"/events/{event.slug}/")

    your_time = page.locator("dd[data-your-time]")
    expect(your_time).to_be_visible()
    expect(your_time).to_contain_text(" – ")


def test_visitor_searches_and_filters_the_library(page):
    call_command("load_starter_content", verbosity=0)

    page.goto("/library/")
    page.get_by_label("Search the library").fill("raised dog")
    page.get_by_label("Kind").select_option("book")
    page.get_by_role("button", name="Show publications").click()

    page.wait_for_url("**/library/?q=raised+dog&kind=book**")
    assert page.locator("#results-heading").inner_text() == "1 publication for “raised dog”"
    page.get_by_role("link", name="The Boy Who Was Raised as a Dog").click()
    # The library's own heading is there until the next page has loaded: wait for the new one.
    expect(page.get_by_role("heading", level=1)).to_have_text("The Boy Who Was Raised as a Dog")
    assert Publication.objects.count() == 2


AXE = (Path(__file__).parent / "assets" / "axe-core-4.14.1" / "axe.min.js").read_text()


def test_trainings_and_library_pages_have_no_serious_accessibility_violations(page):
    call_command("load_starter_content", verbosity=0)
    event = make_event(title="NMT case-based training")
    make_registration(event=event)

    for url in ["/events/", f"/events/{event.slug}/", f"/events/{event.slug}/register/", "/events/past/", "/library/"]:
        page.goto(url)
        page.evaluate(AXE)  # through DevTools, so the page's CSP does not apply
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        serious = [v["id"] for v in result["violations"] if v["impact"] in {"serious", "critical"}]
        assert serious == [], (url, serious)
