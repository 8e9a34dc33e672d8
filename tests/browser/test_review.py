"""Staff review in a real browser: a reviewer asks for information, the applicant answers through the
private link, the reviewer approves and verifies the certificate; and the public certificate pages."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from apps.certifications.models import Certificate
from apps.certifications.tokens import certificate_url, status_url
from apps.core.roles import REVIEWERS
from tests.factories import make_application, make_program, make_staff
from tests.files import pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "assets" / "axe-core-4.14.1" / "axe.min.js"
PASSWORD = "a long reviewer passphrase"


def _path(url):
    return re.sub(r"^https?://[^/]+", "", url)


def _serious_accessibility_violations(page):
    page.evaluate(AXE.read_text())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["impact"]) for v in result["violations"] if v["impact"] in {"serious", "critical"}]


def _log_in(page, username):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Neurosequential Model of Therapeutics: staff")).to_be_visible()


def _transition(page, label, confirm):
    page.get_by_role("link", name=label, exact=True).click()
    page.get_by_role("button", name=confirm).click()
    expect(page.locator(".messagelist")).to_contain_text(f"{label} done: application")


def test_reviewer_requests_information_applicant_answers_and_reviewer_approves_and_verifies(page):
    reviewer = make_staff(role=REVIEWERS, username="robin", first_name="Robin", last_name="Reyes")
    reviewer.set_password(PASSWORD)
    reviewer.save()
    application = make_application(status="submitted", program=make_program(name="NMT Phase I"))
    change_page = f"/admin/certifications/application/{application.pk}/change/"

    # The reviewer finds the application in the queue and takes it into review.
    _log_in(page, "robin")
    page.get_by_role("link", name="Review queue").click()
    page.get_by_role("link", name=application.reference).click()
    expect(page).to_have_url(re.compile(re.escape(change_page) + "$"))
    _transition(page, "Start review", "Yes, start review")
    expect(page.locator(".application-status")).to_contain_text("In review · assigned to you")

    # The reviewer asks for the licence, previewing the email first.
    page.get_by_role("link", name="Request information", exact=True).click()
    page.get_by_label("Message to the applicant").fill("Please upload a copy of your current licence.")
    page.get_by_role("button", name="Preview the email").click()
    expect(page.locator("pre.email-preview")).to_contain_text("Please upload a copy of your current licence.")
    page.get_by_role("button", name="Send and request information").click()
    expect(page.locator(".messagelist")).to_contain_text("Request information done: application")
    expect(page.locator(".application-status")).to_contain_text("Information requested")

    # The applicant answers through the private link from the email.
    page.goto(_path(status_url(application)))
    expect(page.locator("#respond")).to_contain_text("Please upload a copy of your current licence.")
    page.get_by_label("Your answer").fill("Here is my licence number: PSY-12345, valid until 2029.")
    page.get_by_label("Licence or credential").set_input_files(
        {"name": "licence.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_text("Thank you: your answer is with the reviewers")).to_be_visible()
    expect(page.locator(".document-list")).to_contain_text("Licence or credential: licence.pdf")

    # The reviewer finds the answer first in the queue, reads it, resumes the review, approves, and
    # verifies the certificate.
    page.goto("/admin/certifications/application/")
    first_row = page.locator("#result_list tbody tr").first
    expect(first_row).to_contain_text(application.reference)
    expect(first_row.locator("td.field-status")).to_have_text("Answer received")
    page.goto(change_page)
    expect(page.locator("table.application-timeline")).to_contain_text("PSY-12345, valid until 2029")
    _transition(page, "Resume review", "Yes, resume review")
    expect(page.locator(".application-status")).to_contain_text("In review · assigned to you")
    page.get_by_role("link", name="Approve", exact=True).click()
    page.get_by_label("Message to the applicant (optional)").fill("Welcome to the NMT community.")
    page.get_by_role("button", name="Yes, approve").click()
    expect(page.locator(".messagelist")).to_contain_text("Approve done: application")
    certificate = Certificate.objects.get(application=application)
    page.get_by_role("link", name=certificate.number).click()
    page.get_by_role("link", name="View on site").click()

    expect(page).to_have_url(re.compile(rf"/verify/{certificate.number}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Certificate {certificate.number}")
    expect(page.locator(".certificate-status")).to_contain_text("Valid.")
    expect(page.locator(".verify-facts")).to_contain_text("Dana Whitfield")
    expect(page.locator("p.statement")).to_have_text(
        "NMT certification attests completed training, not clinical competence."
    )


def test_public_certificate_pages_are_accessible_and_the_print_button_works(page):
    application = make_application(status="approved", kind="site")
    certificate = Certificate.objects.get(application=application)

    page.goto("/registry/")
    expect(page.get_by_role("row", name=re.compile("Harbor Family Services"))).to_be_visible()
    assert _serious_accessibility_violations(page) == []
    page.get_by_label("Certificate number").fill(certificate.number.lower())
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(re.compile(rf"/verify/{certificate.number}/$"))
    assert _serious_accessibility_violations(page) == []

    page.goto(_path(certificate_url(certificate)))
    expect(page.locator(".certificate-holder")).to_have_text("Harbor Family Services")
    expect(page.get_by_role("button", name="Print the certificate")).to_be_visible()
    assert _serious_accessibility_violations(page) == []
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".certificate")).to_be_visible()
