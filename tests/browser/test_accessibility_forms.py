"""axe-core on each form with its validation errors showing (the summary, or on a search form the
first invalid field, takes the focus), and on the pages reached through a form."""

import pytest

from apps.certifications.models import Status
from apps.library.models import Publication
from tests import files
from tests.browser.a11y import serious_violations
from tests.browser.pages import cancel_path, complete_draft_path, events, partners, resume_path, status_path
from tests.factories import (
    make_registration,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# FORMS WITH THEIR ERRORS SHOWING: no serious violation, and the errors are announced: the summary
# (role="alert") receives the focus, or, on a search form, the first invalid field does.


def _submit(page, button):
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def _summary_has_focus(page):
    summary = page.locator("#form-errors")
    assert summary.get_attribute("role") == "alert"
    assert page.evaluate("document.activeElement.id") == "form-errors"
    return " ".join(summary.inner_text().split())


def test_contact_form_with_errors(axe_page, content):
    axe_page.goto("/contact/")
    axe_page.get_by_label("Your email").fill("not an email")

    _submit(axe_page, "Send message")

    assert _summary_has_focus(axe_page) == (
        "Please correct the 3 fields marked below Your name: Enter your name. Your email: Enter an email address "
        "in the correct format, like name@example.org. Message: Enter your message."
    )
    assert axe_page.get_attribute("#id_email", "aria-invalid") == "true"
    assert serious_violations(axe_page) == []


def _resume(page, path):
    page.goto(path)
    page.wait_for_url("**/apply/individual/")


def test_individual_application_documents_with_a_refused_upload(axe_page, content):
    _resume(axe_page, resume_path())
    axe_page.goto("/apply/individual/sections/documents/")
    axe_page.set_input_files(
        "#id_document_licence",
        files=[{"name": "licence.pdf", "mimeType": "application/pdf", "buffer": files.exe_bytes()}],
    )

    _submit(axe_page, "Save and continue")

    summary = _summary_has_focus(axe_page)
    assert summary.startswith("Please correct the field marked below")
    assert (
        "Licence or credential: “licence” is not a PDF, JPEG or PNG file. Please upload PDF, JPEG or PNG only."
        in summary
    )
    assert "Files are not kept when the form has errors: please choose your documents again." in summary
    licence = axe_page.locator("#id_document_licence")
    assert (licence.get_attribute("aria-invalid"), licence.get_attribute("aria-describedby")) == (
        "true",
        "id_document_licence_helptext id_document_licence_error",
    )
    assert serious_violations(axe_page) == []


def test_individual_section_with_errors(axe_page, content):
    _resume(axe_page, resume_path())
    axe_page.goto("/apply/individual/sections/about-you/")
    axe_page.locator("#id_email").fill("dana@example")

    _submit(axe_page, "Save and continue")

    assert _summary_has_focus(axe_page) == (
        "Please correct the 2 fields marked below Email: Enter an email address in the correct format, like "
        "name@example.org. City: Enter the city or town."
    )
    assert axe_page.get_attribute("#id_email", "aria-invalid") == "true"
    assert serious_violations(axe_page) == []


def test_site_section_with_errors(axe_page, content):
    axe_page.goto("/apply/site/sections/program/")
    axe_page.get_by_label("NMT Site Certification", exact=True).check()
    _submit(axe_page, "Save and continue")

    _submit(axe_page, "Save and continue")  # the organisation, left blank

    summary = _summary_has_focus(axe_page)
    assert summary.startswith("Please correct the 3 fields marked below")
    assert "Organisation name: Enter the organisation’s name." in summary
    assert serious_violations(axe_page) == []


def test_starting_without_choosing_a_program(axe_page, content):
    axe_page.goto("/apply/individual/sections/program/")

    _submit(axe_page, "Save and continue")

    assert _summary_has_focus(axe_page) == (
        "Please correct the field marked below Program or level: Choose the program you are applying for."
    )
    assert serious_violations(axe_page) == []


def test_check_your_answers_without_the_consent(axe_page, content):
    _resume(axe_page, complete_draft_path())
    axe_page.get_by_role("link", name="Check your answers", exact=True).click()
    assert serious_violations(axe_page) == []

    _submit(axe_page, "Submit application")

    assert _summary_has_focus(axe_page) == (
        "Please correct the field marked below I have read the privacy notice above and agree to it.: Tick the box "
        "to agree to the privacy notice."
    )
    assert serious_violations(axe_page) == []


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        (
            "",
            "Please correct the 2 fields marked below Reference number: Enter your reference number, like "
            "NMT-I-2026-00042. Email: Enter the email address you applied with.",
        ),
        (
            "12345",
            "Please correct the field marked below Reference number: Enter the reference as it appears in your "
            "email, e.g. NMT-I-2026-00042.",
        ),
    ],
)
def test_lookup_form_with_errors(axe_page, content, reference, expected):
    axe_page.goto("/status/")
    axe_page.locator("#id_reference").fill(reference)
    if reference:
        axe_page.locator("#id_email").fill("dana@example.org")

    _submit(axe_page, "Email me a link")

    assert _summary_has_focus(axe_page) == expected
    assert serious_violations(axe_page) == []


@pytest.mark.parametrize("on_its_own_page", [False, True])
def test_registration_form_with_errors(axe_page, content, on_its_own_page):
    event = events()["open"]
    axe_page.goto(event.get_absolute_url() + ("register/" if on_its_own_page else ""))
    axe_page.get_by_label("Your email").fill("jordan@")

    _submit(axe_page, "Register")

    assert _summary_has_focus(axe_page) == (
        "Please correct the 4 fields marked below Your name: Enter your name. Your email: Enter an email address in "
        "the correct format, like name@example.org. Role: Select your role. Are you NMT-certified?: Select yes if "
        "you are NMT-certified, or no if you are not."
    )
    assert serious_violations(axe_page) == []


def test_registration_refused_for_an_address_already_registered(axe_page, content):
    event = events()["open"]
    make_registration(event=event, email="jordan@example.org")
    axe_page.goto(event.get_absolute_url())
    axe_page.get_by_label("Your name").fill("Jordan Lee")
    axe_page.get_by_label("Your email").fill("jordan@example.org")
    axe_page.get_by_label("Role").select_option("clinician")
    axe_page.get_by_role("radio", name="No").check()

    _submit(axe_page, "Register")

    assert _summary_has_focus(axe_page) == (
        "Please correct the field marked below Your email: This email address is already registered for this "
        "event. The confirmation email has the details and a link to cancel; write to us if you cannot find it."
    )
    assert serious_violations(axe_page) == []


def test_status_page_answer_form_with_errors_and_a_refused_upload(axe_page, content):
    axe_page.goto(status_path(Status.INFO_REQUESTED))
    axe_page.set_input_files(
        "#id_document_licence",
        files=[{"name": "licence.pdf", "mimeType": "application/pdf", "buffer": files.svg_bytes()}],
    )

    _submit(axe_page, "Send my answer")

    assert _summary_has_focus(axe_page) == (
        "Please correct the 2 fields marked below Your answer: Enter your answer to the reviewers. Licence or "
        "credential: “licence” is not a PDF, JPEG or PNG file. Please upload PDF, JPEG or PNG only. Files are "
        "not kept when the form has errors: please choose your documents again. Everything you typed is still here."
    )
    assert axe_page.get_attribute("#id_message", "aria-invalid") == "true"
    assert axe_page.get_attribute("#id_document_licence", "aria-describedby") == (
        "id_document_licence_helptext id_document_licence_error"
    )
    assert axe_page.locator("#id_document_licence_error").inner_text() == (
        "“licence” is not a PDF, JPEG or PNG file. Please upload PDF, JPEG or PNG only."
    )
    assert serious_violations(axe_page) == []


def test_status_page_withdraw_form_with_errors(axe_page, content):
    axe_page.goto(status_path(Status.SUBMITTED))

    _submit(axe_page, "Withdraw application")

    assert _summary_has_focus(axe_page) == (
        "Please correct the field marked below Yes, withdraw this application. I understand this cannot be "
        "undone.: Tick this box to confirm that you want to withdraw."
    )
    assert axe_page.get_attribute("#id_confirm", "aria-invalid") == "true"
    assert serious_violations(axe_page) == []


# Search forms are GET: their errors come from an edited or outdated link, and the page still lists
# what the valid filters select. They have the same error summary as every other form, and each
# invalid field carries its message.


def test_registry_search_with_errors(axe_page, content):
    axe_page.goto("/registry/?country=ZZ&kind=robot&program=no-such-level")

    assert _summary_has_focus(axe_page) == (
        "Please correct the 3 fields marked below Country: Select a country from the list. Level: Select a level "
        "from the list. Clinicians or sites: Select clinicians or sites from the list."
    )
    assert axe_page.locator("[aria-invalid='true']").count() == 3
    assert serious_violations(axe_page) == []


def test_partner_filters_with_errors(axe_page, content):
    partners()
    axe_page.goto("/partners/?country=ZZ&kind=robot")
    axe_page.wait_for_selector("#partners-map[data-markers]")

    assert _summary_has_focus(axe_page) == (
        "Please correct the 2 fields marked below Country: Select a country from the list. Type: Select a type "
        "from the list."
    )
    assert axe_page.locator("[aria-invalid='true']").count() == 2
    assert serious_violations(axe_page) == []


def test_library_filters_ignore_values_that_do_not_match(axe_page, content):
    # The library drops a filter it cannot apply (a topic since removed, an edited year) and shows
    # the whole library; nothing is invalid, so nothing takes the focus.
    axe_page.goto("/library/?kind=robot&topic=no-such-topic&year=abc")

    assert (
        axe_page.locator("#results-heading").inner_text() == f"{Publication.objects.published().count()} publications"
    )
    assert axe_page.evaluate("document.activeElement === document.body")
    assert serious_violations(axe_page) == []


# PAGES REACHED THROUGH A FORM: the confirmation, the draft saved, the registration outcome, the
# contact thank-you, and the 403 (CSRF) and 429 (rate limit) pages.


def test_application_confirmation_page(axe_page, content):
    _resume(axe_page, complete_draft_path())
    axe_page.goto("/apply/individual/check/")
    axe_page.get_by_label("I have read the privacy notice above and agree to it.").check()

    _submit(axe_page, "Submit application")

    assert axe_page.get_by_role("heading", level=1).inner_text() == "Thank you: we have received your application"
    assert axe_page.locator(".confirmation-panel #reference").is_visible()
    assert serious_violations(axe_page) == []


def test_draft_saved_page(axe_page, content):
    _resume(axe_page, resume_path())
    axe_page.goto("/apply/individual/sections/about-you/")

    _submit(axe_page, "Save and come back later")

    assert axe_page.get_by_role("heading", level=1).inner_text() == "Your draft is saved"
    assert serious_violations(axe_page) == []


@pytest.mark.parametrize("which", ["open", "full"])
def test_registration_outcome_page(axe_page, content, which):
    event = events()[which]
    axe_page.goto(event.get_absolute_url())
    axe_page.get_by_label("Your name").fill("Jordan Lee")
    axe_page.get_by_label("Your email").fill("jordan@example.org")
    axe_page.get_by_label("Role").select_option("clinician")
    axe_page.get_by_role("radio", name="Yes").check()

    _submit(axe_page, "Join the waitlist" if which == "full" else "Register")

    assert axe_page.get_by_role("heading", level=1).inner_text() == "Thank you"
    assert axe_page.locator(".messages .alert").count() == 1
    assert serious_violations(axe_page) == []


def test_cancellation_outcome_page(axe_page, content):
    axe_page.goto(cancel_path())

    _submit(axe_page, "Cancel my registration")

    assert axe_page.locator(".messages .alert-success").inner_text().endswith("is cancelled.")
    assert serious_violations(axe_page) == []


def test_contact_thank_you_page_after_sending(axe_page, content):
    axe_page.goto("/contact/")
    axe_page.get_by_label("Your name").fill("Kim Lee")
    axe_page.get_by_label("Your email").fill("kim@example.org")
    axe_page.get_by_label("Topic").select_option("training")
    axe_page.get_by_label("Message").fill("When is the next training?")

    _submit(axe_page, "Send message")

    assert axe_page.get_by_role("heading", level=1).inner_text() == "Thank you, your message is on its way"
    assert serious_violations(axe_page) == []


def test_csrf_failure_page(axe_page, content):
    axe_page.goto("/contact/")
    axe_page.context.clear_cookies()

    _submit(axe_page, "Send message")

    assert axe_page.get_by_role("heading", level=1).inner_text() == "This form has expired or could not be verified"
    assert serious_violations(axe_page) == []


def test_rate_limit_page(axe_page, content):
    # The lookup allows five requests an hour for one reference; the sixth is refused.
    for _ in range(6):
        axe_page.goto("/status/")
        axe_page.locator("#id_reference").fill("NMT-I-2026-00042")
        axe_page.locator("#id_email").fill("dana@example.org")
        _submit(axe_page, "Email me a link")

    assert axe_page.get_by_role("heading", level=1).inner_text() == "Too many attempts"
    assert serious_violations(axe_page) == []
