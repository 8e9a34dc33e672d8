"""axe-core on every public page, with realistic data, and on each form with its validation errors
showing: no serious or critical violation (colour contrast included), and the errors are announced.

axe is vendored from npm (tests/browser/assets/) and injected into a context that bypasses the CSP
for that one script; the pages themselves run as in production. Keyboard use: test_keyboard.py.
"""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from apps.certifications.models import Program, Status
from apps.certifications.tokens import DRAFT_SALT, make_certificate_token, make_token
from apps.events.services import registration_cancel
from apps.events.tokens import make_cancel_token
from apps.library.models import Publication
from apps.partners.models import Partner
from tests import files
from tests.browser.a11y import TILES, serious_violations
from tests.factories import (
    make_application,
    make_certificate,
    make_document,
    make_event,
    make_partner,
    make_registration,
    make_site_certificate,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def axe_page(browser, live_server):
    # axe is injected as a script; only this audit context bypasses the CSP to allow that.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, viewport={"width": 1280, "height": 900})
    context.route(TILES, lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def content(starter_content):
    """The starter content every install has (FAQ, pages, programs, library), and a few years of
    varied activity on top: applications and certificates (so the registry lists people and sites),
    partners, past and upcoming events with registrations, publications and more FAQs."""
    call_command(
        "seed_scale_data",
        yes=True,
        faqs=20,
        applications=200,
        partners=80,
        events=40,
        registrations=200,
        publications=50,
        verbosity=0,
    )


# DATA: what each page shows, built through the real services


def _days(n):
    return timezone.now() + timedelta(days=n)


def _status_path(status, **overrides):
    application = make_application(status=status, **overrides)
    if status == Status.INFO_REQUESTED:
        make_document(application, kind="cv", name="curriculum-vitae.pdf")
    return f"/applications/{make_token(application)}/"


def _site_status_path():
    return _status_path(Status.APPROVED, program=Program.objects.get(slug="nmt-site"))


def _expired_link_path():
    application = make_application(status=Status.SUBMITTED)
    real_time = time.time
    try:
        time.time = lambda: real_time() - timedelta(days=181).total_seconds()
        token = make_token(application)
    finally:
        time.time = real_time
    return f"/applications/{token}/"


def _resume_path():
    program = Program.objects.get(slug="nmt-phase-i")
    draft = make_application(status=Status.DRAFT, program=program, city="", consent_privacy=False)
    make_document(draft, kind="cv", name="cv.pdf")
    return f"/apply/resume/{make_token(draft, salt=DRAFT_SALT)}/"


def _certificate(state):
    today = timezone.localdate()
    if state == "expired":
        return make_certificate(issued_on=today - timedelta(days=800), expires_on=today - timedelta(days=10))
    if state == "revoked":
        return make_certificate(status="revoked", revoked_at=timezone.now(), revoked_reason="Training not completed.")
    return make_certificate()


def _partners():
    certified = make_partner(
        name="Harbor Family Services",
        kind=Partner.Kind.SITE,
        description="Outpatient therapy for **children and families**.",
        website="https://harbor.example.org",
        email="info@harbor.example.org",
        phone="+1 713 555 0100",
        certificate=make_site_certificate(),
    )
    certified.logo.save("logo.png", ContentFile(files.png_bytes()), save=True)
    make_partner(
        name="Dr Lee's practice",
        kind=Partner.Kind.PRACTICE,
        city="Halifax",
        region="Nova Scotia",
        country="CA",
        latitude=Decimal("44.648618"),
        longitude=Decimal("-63.585949"),
    )
    return certified


def _events():
    open_event = make_event(title="Case-based training: spring", capacity=30, description="Bring a **case**.")
    make_registration(event=open_event)
    full = make_event(title="Small workshop", kind="workshop", capacity=1, starts_at=_days(40))
    make_registration(event=full)
    closed = make_event(title="Closed webinar", kind="webinar", registration_closes_at=_days(-1), starts_at=_days(5))
    not_yet = make_event(
        title="Autumn conference",
        kind="conference",
        join_url="",
        venue="Harbor Conference Centre, 12 Harbor Road, Houston",
        registration_opens_at=_days(10),
        starts_at=_days(60),
    )
    past = make_event(title="Winter case-based training", starts_at=_days(-30))
    return {"open": open_event, "full": full, "closed": closed, "not_yet_open": not_yet, "past": past}


def _cancel_path(cancelled=False):
    registration = make_registration(event=make_event(title="Case-based training: spring"))
    if cancelled:
        registration_cancel(registration=registration)
    return f"/events/{registration.event.slug}/cancel/{make_cancel_token(registration)}/"


PAGES = {
    "home": lambda: "/",
    "faq": lambda: "/faq/",
    "faq search with results": lambda: "/faq/?q=evidence-based",
    "faq search without results": lambda: "/faq/?q=xylophone",
    "page about": lambda: "/pages/about/",
    "page evidence base": lambda: "/pages/evidence-base/",
    "page individual certification": lambda: "/pages/individual-certification/",
    "page site certification": lambda: "/pages/site-certification/",
    "page site certification faqs": lambda: "/pages/site-certification-faqs/",
    "page nme": lambda: "/pages/nme/",
    "certification": lambda: "/certification/",
    "apply individual": lambda: "/apply/individual/",
    "apply site": lambda: "/apply/site/",
    "apply individual for one program": lambda: "/apply/individual/?program=nmt-phase-ii",
    "resume a draft": _resume_path,
    "draft saved without a draft": lambda: "/apply/saved/",
    "confirmation without an application": lambda: "/apply/received/",
    "status submitted": lambda: _status_path(Status.SUBMITTED),
    "status in review": lambda: _status_path(Status.IN_REVIEW),
    "status information requested": lambda: _status_path(Status.INFO_REQUESTED),
    "status approved": lambda: _status_path(Status.APPROVED),
    "status approved site": _site_status_path,
    "status rejected": lambda: _status_path(Status.REJECTED),
    "status withdrawn": lambda: _status_path(Status.WITHDRAWN),
    "status link expired": _expired_link_path,
    "status link tampered": lambda: "/applications/not-a-real-token/",
    "lookup": lambda: "/status/",
    "lookup sent": lambda: "/status/sent/",
    "registry": lambda: "/registry/",
    "registry page 2": lambda: "/registry/?page=2",
    "registry filtered": lambda: "/registry/?kind=site&country=US",
    "registry search without match": lambda: "/registry/?q=nobody",
    "verify active": lambda: _certificate("active").get_absolute_url(),
    "verify expired": lambda: _certificate("expired").get_absolute_url(),
    "verify revoked": lambda: _certificate("revoked").get_absolute_url(),
    "verify unknown number": lambda: "/verify/NMT-C-2026-99999/",
    "printable certificate": lambda: f"/certificates/{make_certificate_token(_certificate('active'))}/",
    "printable revoked certificate": lambda: f"/certificates/{make_certificate_token(_certificate('revoked'))}/",
    "partners": lambda: _partners() and "/partners/",
    "partners page 2": lambda: _partners() and "/partners/?page=2",
    "partners filtered": lambda: _partners() and "/partners/?country=CA&kind=practice",
    "partners certified only": lambda: _partners() and "/partners/?certified=on",
    "partners filtered without match": lambda: _partners() and "/partners/?q=nowhere",
    "partner certified site": lambda: _partners().get_absolute_url(),
    "partner practice": lambda: _partners() and Partner.objects.get(name="Dr Lee's practice").get_absolute_url(),
    "events": lambda: _events() and "/events/",
    "events of one kind": lambda: _events() and "/events/?kind=workshop",
    "past events": lambda: _events() and "/events/past/",
    "past events page 2": lambda: "/events/past/?page=2",
    "event open": lambda: _events()["open"].get_absolute_url(),
    "event full with waitlist": lambda: _events()["full"].get_absolute_url(),
    "event closed": lambda: _events()["closed"].get_absolute_url(),
    "event not yet open": lambda: _events()["not_yet_open"].get_absolute_url(),
    "event past": lambda: _events()["past"].get_absolute_url(),
    "registration form": lambda: _events()["open"].get_absolute_url() + "register/",
    "registration form waitlist": lambda: _events()["full"].get_absolute_url() + "register/",
    "registration outcome without message": lambda: _events()["open"].get_absolute_url() + "registered/",
    "cancellation": _cancel_path,
    "cancellation done": lambda: _cancel_path(cancelled=True),
    "library": lambda: "/library/",
    "library filtered": lambda: "/library/?q=regulation&kind=book&topic=scale-education",
    "library of one year": lambda: "/library/?year=2007",
    "library page 2": lambda: "/library/?page=2",
    "publication": lambda: "/library/the-boy-who-was-raised-as-a-dog/",
    "publication video": lambda: "/library/introduction-to-the-neurosequential-model-of-therapeutics-dvd/",
    "contact": lambda: "/contact/",
    "contact thanks": lambda: "/contact/thanks/",
    "not found": lambda: "/no-such-page/",
    "event not found": lambda: "/events/no-such-event/",
}


# The pages above that answer with an error status; every other one answers 200.
ERROR_STATUS = {
    "status link expired": 410,
    "status link tampered": 404,
    "verify unknown number": 404,
    "not found": 404,
    "event not found": 404,
}

# Lists before anything is published: what a new install shows.
EMPTY_PAGES = ["/registry/", "/partners/", "/events/", "/events/past/", "/library/?q=xylophone"]


def _audit(page):
    if page.locator("#partners-map").count():
        page.wait_for_selector("#partners-map[data-markers]")
    return serious_violations(page)


@pytest.mark.parametrize("name", PAGES)
def test_public_page_has_no_serious_accessibility_violations(axe_page, content, name):
    path = PAGES[name]()

    response = axe_page.goto(path)

    assert (response.status, _audit(axe_page)) == (ERROR_STATUS.get(name, 200), [])


@pytest.mark.parametrize("path", EMPTY_PAGES)
def test_empty_list_has_no_serious_accessibility_violations(axe_page, starter_content, path):
    response = axe_page.goto(path)

    assert (response.status, _audit(axe_page)) == (200, [])


# SMALL SCREENS: the same pages on a phone, with the navigation menu open.

PHONE_PAGES = {
    "home": lambda: "/",
    "faq": lambda: "/faq/",
    "apply individual": lambda: "/apply/individual/",
    "status information requested": lambda: _status_path(Status.INFO_REQUESTED),
    "registry": lambda: "/registry/",
    "partners": lambda: _partners() and "/partners/",
    "event open": lambda: _events()["open"].get_absolute_url(),
    "library": lambda: "/library/",
    "printable certificate": lambda: f"/certificates/{make_certificate_token(_certificate('active'))}/",
}


@pytest.mark.parametrize("name", PHONE_PAGES)
def test_page_on_a_phone_with_the_menu_open(axe_page, content, name):
    axe_page.set_viewport_size({"width": 375, "height": 812})
    path = PHONE_PAGES[name]()
    axe_page.goto(path)
    axe_page.get_by_role("button", name="Show navigation").click()
    axe_page.wait_for_selector("#site-nav.show")

    assert _audit(axe_page) == []


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


def test_individual_application_with_errors_and_a_refused_upload(axe_page, content):
    axe_page.goto("/apply/individual/")
    axe_page.get_by_label("NMT Phase I", exact=True).check()
    axe_page.locator("#id_email").fill("dana@example")
    axe_page.set_input_files(
        "#id_document_cv", files=[{"name": "cv.pdf", "mimeType": "application/pdf", "buffer": files.exe_bytes()}]
    )

    _submit(axe_page, "Submit application")

    summary = _summary_has_focus(axe_page)
    assert summary.startswith("Please correct the 13 fields marked below")
    assert "CV / résumé: “cv” is not a PDF, JPEG or PNG file. Please upload PDF, JPEG or PNG only." in summary
    assert "Files are not kept when the form has errors: please choose your documents again." in summary
    cv = axe_page.locator("#id_document_cv")
    assert (cv.get_attribute("aria-invalid"), cv.get_attribute("aria-describedby")) == (
        "true",
        "id_document_cv_helptext id_document_cv_error",
    )
    assert serious_violations(axe_page) == []


def test_site_application_with_errors_and_a_refused_upload(axe_page, content):
    axe_page.goto("/apply/site/")
    axe_page.get_by_label("NMT Site Certification", exact=True).check()
    axe_page.set_input_files(
        "#id_document_organisation_chart",
        files=[{"name": "chart.png", "mimeType": "image/png", "buffer": files.html_bytes()}],
    )

    _submit(axe_page, "Submit application")

    summary = _summary_has_focus(axe_page)
    assert "Coordinator’s email: Enter an email address." in summary
    assert "Organisation chart: “chart” is not a PDF, JPEG or PNG file." in summary
    assert serious_violations(axe_page) == []


def test_saving_a_draft_without_an_email(axe_page, content):
    axe_page.goto("/apply/individual/")

    _submit(axe_page, "Save and continue later")

    # A draft needs only the program and an email address to send the link to.
    assert _summary_has_focus(axe_page) == (
        "Please correct the 2 fields marked below Program or level: Choose the program you are applying for. "
        "Email: Enter an email address."
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
    event = _events()["open"]
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
    event = _events()["open"]
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
    axe_page.goto(_status_path(Status.INFO_REQUESTED))
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
    axe_page.goto(_status_path(Status.SUBMITTED))

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
    _partners()
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


def _fill_in_individual_application(page):
    page.get_by_label("NMT Phase I", exact=True).check()
    page.fill("#id_full_name", "Dana Whitfield")
    page.fill("#id_email", "dana@example.org")
    page.select_option("#id_country", "US")
    page.fill("#id_city", "Houston")
    page.fill("#id_profession", "Clinical psychologist")
    page.fill("#id_credential_type", "Licensed psychologist")
    page.fill("#id_credential_issuer", "Texas State Board")
    page.fill("#id_years_of_practice", "8")
    page.get_by_label("Children").check()
    page.fill("#id_motivation", "I work with children who have experienced trauma.")
    page.get_by_label("I have read the privacy notice above and agree to it.").check()
    for field, name in [("#id_document_cv", "cv.pdf"), ("#id_document_licence", "licence.pdf")]:
        page.set_input_files(field, files=[{"name": name, "mimeType": "application/pdf", "buffer": files.pdf_bytes()}])


def test_application_confirmation_page(axe_page, content):
    axe_page.goto("/apply/individual/")
    _fill_in_individual_application(axe_page)

    _submit(axe_page, "Submit application")

    assert axe_page.get_by_role("heading", level=1).inner_text() == "Thank you: we have received your application"
    assert serious_violations(axe_page) == []


def test_draft_saved_page(axe_page, content):
    axe_page.goto("/apply/individual/")
    axe_page.get_by_label("NMT Phase I", exact=True).check()
    axe_page.fill("#id_email", "dana@example.org")

    _submit(axe_page, "Save and continue later")

    assert axe_page.get_by_role("heading", level=1).inner_text() == "Your draft is saved"
    assert serious_violations(axe_page) == []


@pytest.mark.parametrize("which", ["open", "full"])
def test_registration_outcome_page(axe_page, content, which):
    event = _events()[which]
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
    axe_page.goto(_cancel_path())

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
