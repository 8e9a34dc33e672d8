"""My NMT in a real browser: a clinician who applied before having an account signs in with the code
emailed to them, finds their earlier applications and their certificate, and opens them."""

import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.factories import make_application, make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "assets" / "axe-core-4.14.1" / "axe.min.js"


def serious_accessibility_violations(page):
    page.evaluate(AXE.read_text())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["impact"]) for v in result["violations"] if v["impact"] in {"serious", "critical"}]


def sign_in(page, run_tasks, email):
    """Sign in as a person does: the address, then the code from the email, pasted."""
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Email me a code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Type the code we sent you")
    run_tasks()
    message = [m for m in mail.outbox if m.to == [email]][-1]
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", message.body, re.MULTILINE).group(1)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My NMT")


def test_clinician_signs_in_by_code_and_opens_earlier_records(page, run_tasks):
    phase_one = make_program(name="NMT Phase I")
    earlier = make_application(status="submitted", program=phase_one, email="jordan@example.org")
    approved = make_application(
        status="approved", program=make_program(name="NMT Phase II"), email="jordan@example.org"
    )
    certificate = approved.certificate
    make_application(status="submitted", email="someone.else@example.org")

    sign_in(page, run_tasks, "jordan@example.org")

    applications = page.get_by_role("table", name="Your applications, newest first")
    expect(applications.get_by_role("row")).to_have_count(3)
    expect(applications).to_contain_text(earlier.reference)
    expect(applications).not_to_contain_text("someone.else")
    assert serious_accessibility_violations(page) == []

    page.get_by_role("link", name=f"Open {earlier.reference}").click()
    expect(page.locator("#application-status")).to_have_text("Submitted")
    page.go_back()
    page.get_by_role("link", name=f"Printable certificate {certificate.number}").click()
    expect(page.get_by_text(certificate.number).first).to_be_visible()

    page.goto("/my/")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/$"))
    page.goto("/my/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to My NMT")


def test_sign_in_page_is_accessible_and_keyboard_operable(page, run_tasks):
    page.goto("/accounts/login/")
    assert serious_accessibility_violations(page) == []

    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link
    page.get_by_label("Email address").focus()
    page.keyboard.type("not an address")
    page.keyboard.press("Enter")

    expect(page.locator("#form-errors")).to_be_focused()
    expect(page.get_by_label("Email address")).to_have_value("not an address")


def test_clinician_downloads_their_data(page, run_tasks):
    import io
    import json
    import zipfile

    application = make_application(status="submitted", email="jordan@example.org")
    sign_in(page, run_tasks, "jordan@example.org")

    page.get_by_role("link", name="Download or erase your data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data")
    assert serious_accessibility_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my data").click()

    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    data = json.loads(archive.read("data.json"))
    assert data["account"]["email"] == "jordan@example.org"
    assert [a["reference"] for a in data["applications"]] == [application.reference]


def test_coordinator_invites_a_clinician_who_accepts_and_appears_on_the_site_page(
    page, browser, live_server, run_tasks
):
    from tests.accounts.sites_world import make_site

    site = make_site(email="coordinator@harbor.example.org", organisation_name="Harbor Family Services")
    clinician_certificate = make_application(
        status="approved", program=make_program(name="NMT Phase I"), email="dana@example.org"
    ).certificate

    # The coordinator finds the site in My NMT and invites the clinician.
    sign_in(page, run_tasks, "coordinator@harbor.example.org")
    page.get_by_role("link", name="Harbor Family Services").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Harbor Family Services")
    assert serious_accessibility_violations(page) == []
    page.locator("#id_invite-email").fill("dana@example.org")
    page.get_by_role("button", name="Send the invitation").click()
    staff = page.locator("#staff")
    expect(staff).to_contain_text("dana@example.org")
    expect(staff).to_contain_text("not yet accepted")

    # The clinician, in their own browser, accepts and agrees to share.
    context = browser.new_context(base_url=live_server.url)
    clinician = context.new_page()
    try:
        sign_in(clinician, run_tasks, "dana@example.org")
        invitations = clinician.locator("#site-invitations")
        expect(invitations).to_contain_text("Harbor Family Services")
        assert serious_accessibility_violations(clinician) == []
        invitations.get_by_role("button", name="Join the staff").click()
        expect(clinician.locator("#my-sites")).to_contain_text("Its coordinator sees only your name")
        clinician.get_by_role("button", name="Share my certifications with the coordinator").click()
        expect(clinician.locator("#my-sites")).to_contain_text("Its coordinator sees your certifications")
    finally:
        context.close()

    # The coordinator sees the clinician on the site page, with what they shared.
    page.reload()
    expect(staff).to_contain_text("staff member since")
    expect(staff.locator(".shared")).to_contain_text(clinician_certificate.number)
    assert site.memberships.filter(status="active", role="staff").count() == 1


def test_every_signed_in_page_is_accessible(page, run_tasks):
    """axe over each page a signed-in person reaches, with records, a site and an invitation."""
    from tests.accounts.sites_world import make_coordinator, make_listing, make_site

    site = make_site(email="coordinator@harbor.example.org", organisation_name="Harbor Family Services")
    make_listing(site)
    coordinator = make_coordinator(site, email="coordinator@harbor.example.org")
    from apps.accounts import sites

    sites.site_staff_invite(site=site, email="jordan@example.org", invited_by=coordinator)
    make_application(status="submitted", email="jordan@example.org")
    make_application(status="approved", email="jordan@example.org")
    sign_in(page, run_tasks, "jordan@example.org")

    for path in ["/my/", "/my/sites/", "/my/privacy/", "/accounts/email/", "/accounts/sessions/", "/accounts/logout/"]:
        page.goto(path)
        assert (path, serious_accessibility_violations(page)) == (path, [])
