"""The individual application in a real browser: section by section, upload, check, submit, confirmation;
a draft finished through its link; and the status page."""

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.certifications.models import Application, Status
from apps.certifications.tokens import DRAFT_SALT, make_token
from tests.factories import make_application, make_document, make_phase_one, make_program_with_documents
from tests.files import pdf_bytes, png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECTIONS = ["Program", "About you", "Licence or credential", "Practice", "Motivation", "Documents"]
AXE = Path(__file__).parent / "assets" / "axe-core-4.14.1" / "axe.min.js"


def _serious_accessibility_violations(page):
    # evaluate() runs outside the page's CSP, so axe needs no inline script tag.
    page.evaluate(AXE.read_text())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["impact"]) for v in result["violations"] if v["impact"] in {"serious", "critical"}]


def _continue(page, button="Save and continue"):
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def _states(page):
    return [" ".join(t.split()) for t in page.locator(".task-list-item").all_inner_texts()]


def _fill_in_sections(page):
    """From the first section's page to the documents' page, one section per page."""
    page.get_by_label("NMT Phase I", exact=True).check()
    _continue(page)
    assert page.get_by_role("heading", level=1).text_content() == "About you"
    page.fill("#id_full_name", "Dana Whitfield")
    page.fill("#id_email", "dana@example.org")
    page.fill("#id_phone", "+1 713 555 0100")
    page.select_option("#id_country", "US")
    page.fill("#id_city", "Houston")
    _continue(page)
    page.fill("#id_profession", "Clinical psychologist")
    page.fill("#id_credential_type", "Licensed psychologist")
    page.fill("#id_credential_issuer", "Texas State Board")
    _continue(page)
    page.fill("#id_years_of_practice", "8")
    page.get_by_label("Children").check()
    page.get_by_label("Families").check()
    _continue(page)
    page.fill("#id_motivation", "I work with children who have experienced trauma.")
    _continue(page)
    assert page.get_by_role("heading", level=1).text_content() == "Documents"


def test_applicant_goes_through_the_sections_uploads_documents_checks_and_submits(page):
    make_phase_one(order=10)
    make_program_with_documents(name="NMT Mentor", slug="nmt-mentor", order=30, documents=[("reference_letter", True)])
    page.goto("/apply/individual/")
    assert _serious_accessibility_violations(page) == []
    assert _states(page)[:2] == ["Program Not started", "About you Cannot start yet"]
    page.get_by_role("link", name="Program", exact=True).click()
    assert _serious_accessibility_violations(page) == []

    _fill_in_sections(page)
    # Only what the chosen level asks for: the Mentor level's reference letter is not offered.
    assert page.locator("#id_document_reference_letter").count() == 0
    page.set_input_files(
        "#id_document_cv", files=[{"name": "cv.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    page.set_input_files(
        "#id_document_licence", files=[{"name": "licence.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    _continue(page)
    assert _states(page) == [f"{name} Completed" for name in SECTIONS]
    page.get_by_role("link", name="Check your answers", exact=True).click()
    assert _serious_accessibility_violations(page) == []
    page.get_by_role("link", name="Change city", exact=True).click()
    page.fill("#id_city", "Galveston")
    _continue(page)
    assert (
        page.get_by_role("heading", level=1).text_content() == "Check your answers before submitting your application"
    )
    expect(page.locator(".summary-list-value", has_text="Galveston")).to_be_visible()
    page.get_by_label("I have read the privacy notice above and agree to it.").check()
    _continue(page, "Submit application")

    page.wait_for_url(re.compile(r".*/apply/received/$"))
    reference = f"NMT-I-{timezone.localdate().year}-00001"
    assert page.locator(".confirmation-panel #reference").text_content() == reference
    assert page.get_by_role("heading", level=1).text_content() == "Thank you: we have received your application"
    assert _serious_accessibility_violations(page) == []
    application = Application.objects.get()
    assert (application.reference, application.status, application.city) == (reference, Status.SUBMITTED, "Galveston")
    assert sorted(application.documents.values_list("original_name", flat=True)) == ["cv.pdf", "licence.png"]


def test_a_section_with_errors_comes_back_with_the_errors_first_and_nothing_typed_lost(page):
    make_phase_one()
    page.goto("/apply/individual/sections/program/")
    page.get_by_label("NMT Phase I", exact=True).check()
    _continue(page)
    page.fill("#id_full_name", "Dana Whitfield")
    page.fill("#id_email", "dana@example")

    _continue(page)

    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()  # the page's script moves the focus there once it has loaded
    assert " ".join(summary.inner_text().split()) == (
        "Please correct the 3 fields marked below Email: Enter an email address in the correct format, like "
        "name@example.org. Country: Choose a country. City: Enter the city or town."
    )
    assert page.input_value("#id_full_name") == "Dana Whitfield"
    assert page.input_value("#id_email") == "dana@example"
    assert Application.objects.get().full_name == ""


def test_applicant_answers_an_information_request_on_the_status_page(page, live_server):
    application = make_application(status=Status.INFO_REQUESTED)
    referers = []
    page.on("request", lambda request: referers.append(request.headers.get("referer")))
    page.goto(f"/applications/{make_token(application)}/")
    assert _serious_accessibility_violations(page) == []
    # Stylesheets and scripts were fetched with the site's origin as Referer, never the private path;
    # fonts that a stylesheet asks for name that public stylesheet.
    assert f"{live_server.url}/" in referers[1:]
    assert set(referers[1:]) <= {f"{live_server.url}/", f"{live_server.url}/static/css/fonts.css"}

    page.fill("#id_message", "My licence is attached.")
    page.set_input_files(
        "#id_document_licence", files=[{"name": "licence.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    page.get_by_role("button", name="Send my answer").click()

    page.get_by_text("Thank you: your answer is with the reviewers").wait_for()
    assert page.locator("#application-status").text_content() == "Answer received"
    application.refresh_from_db()
    assert application.status == Status.ANSWERED
    assert list(application.documents.values_list("original_name", flat=True)) == ["licence.pdf"]


def test_applicant_finishes_a_saved_draft_through_the_private_link(page):
    program = make_phase_one()
    draft = make_application(status=Status.DRAFT, program=program, city="", consent_privacy=False)
    make_document(draft, kind="cv", name="cv.pdf")
    make_document(draft, kind="licence", name="licence.pdf")

    page.goto(f"/apply/resume/{make_token(draft, salt=DRAFT_SALT)}/")
    page.wait_for_url(re.compile(r".*/apply/individual/$"))
    assert _states(page) == [
        "Program Completed",
        "About you In progress",
        "Licence or credential Completed",
        "Practice Completed",
        "Motivation Completed",
        "Documents Completed",
    ]
    page.get_by_role("link", name="Documents", exact=True).click()
    # The documents the draft keeps are listed as kept, each with a box to remove it.
    kept = page.locator("#div_id_remove_documents li")
    assert [" ".join(text.split()).split(" (")[0] for text in kept.all_inner_texts()] == [
        "Kept CV / résumé: cv.pdf",
        "Kept Licence or credential: licence.pdf",
    ]
    assert page.get_by_label("Remove cv.pdf").is_visible()
    assert not page.get_by_label("Remove cv.pdf").is_checked()
    page.get_by_role("link", name="Back to the task list", exact=True).click()
    page.get_by_role("link", name="About you", exact=True).click()
    assert page.input_value("#id_full_name") == "Dana Whitfield"
    page.fill("#id_city", "Houston")
    _continue(page)
    page.get_by_role("link", name="Check your answers", exact=True).click()
    page.get_by_label("I have read the privacy notice above and agree to it.").check()
    _continue(page, "Submit application")

    page.wait_for_url(re.compile(r".*/apply/received/$"))
    draft.refresh_from_db()
    assert page.locator("#reference").text_content() == draft.reference
    assert (draft.status, draft.city, draft.documents.count()) == (Status.SUBMITTED, "Houston", 2)
