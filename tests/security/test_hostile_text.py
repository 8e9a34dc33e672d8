"""Hostile text in every public form: markup (escaped on every page and admin page where it
appears, raw but never HTML in the plain-text emails), overlong and Unicode input, NUL bytes,
invalid email addresses and countries. Nothing is saved or queued from a refused submission."""

import json

import pytest
from django.utils.html import escape

from apps.certifications import services
from apps.certifications.models import Application, ApplicationEvent, Certificate, Status
from apps.certifications.tokens import DRAFT_SALT, certificate_url, make_token
from apps.core.form_messages import EMAIL_FORMAT
from apps.events.models import Registration
from apps.events.tokens import cancel_url
from apps.inquiries.models import Inquiry
from apps.partners.models import Partner
from apps.partners.services import partner_save, partners_create_for_certified_sites
from tests.factories import (
    individual_form_data,
    make_application,
    make_event,
    make_phase_one,
    make_site_program,
    site_form_data,
)
from tests.files import pdf_bytes, png_bytes, upload
from tests.html import elements
from tests.security.hostile import (
    PAYLOAD_IDS,
    PAYLOADS,
    SCRIPT,
    SCRIPT_EMAIL,
    assert_escaped,
    assert_not_markup,
    assert_plain_text_email,
    form_errors,
)

pytestmark = pytest.mark.django_db

INDIVIDUAL_TEXT = [
    "full_name",
    "city",
    "profession",
    "credential_type",
    "credential_number",
    "credential_issuer",
    "employer",
    "prior_training",
    "motivation",
]
SITE_TEXT = [
    "organisation_name",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "settings_served",
    "coordinator_name",
    "coordinator_role",
    "sponsor_name",
    "sponsor_title",
    "services_description",
    "sustainability_plan",
]
CONTACT = {"name": "Alex Rivera", "email": "alex@example.org", "organisation": "", "topic": "general", "message": "Hi."}
REGISTRATION = {
    "name": "Jo Park",
    "email": "jo@example.org",
    "organisation": "",
    "role": "clinician",
    "is_nmt_certified": "no",
}


def _individual_files():
    return {"document_cv": upload("cv.pdf", pdf_bytes()), "document_licence": upload("licence.png", png_bytes())}


def _site_files():
    return {
        "document_organisation_chart": upload("chart.pdf", pdf_bytes()),
        "document_letter_of_support": upload("letter.pdf", pdf_bytes()),
    }


def _status_path(application):
    return f"/applications/{make_token(application)}/"


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# MARKUP, STORED: escaped on every page and in the admin; raw, never HTML, in plain-text email


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
def test_markup_in_an_individual_application_is_text_on_every_page_and_in_every_email(
    client, admin_client, send_queued, mailoutbox, payload
):
    program = make_phase_one()
    data = individual_form_data(program, **dict.fromkeys(INDIVIDUAL_TEXT, payload), **_individual_files())

    with send_queued():
        response = client.post("/apply/individual/", data)

    assert response.status_code == 302
    application = Application.objects.get()
    assert {field: getattr(application, field) for field in INDIVIDUAL_TEXT} == dict.fromkeys(INDIVIDUAL_TEXT, payload)
    assert_escaped(_page(client, _status_path(application)), payload)
    for url in [
        "/admin/certifications/application/?status=all",
        f"/admin/certifications/application/{application.pk}/change/",
    ]:
        assert_escaped(_page(admin_client, url), payload)
    assert_not_markup(_page(admin_client, f"/admin/certifications/application/{application.pk}/history/"), payload)
    confirmation, staff = mailoutbox
    assert_plain_text_email(confirmation, payload)
    assert_plain_text_email(staff, payload)
    assert escape(payload) not in staff.subject and payload in staff.subject

    # A reviewer approves it with a message that carries markup too.
    mailoutbox.clear()
    base = f"/admin/certifications/application/{application.pk}/transition"
    with send_queued():
        admin_client.post(f"{base}/start-review/", {"message": ""})
        preview = admin_client.post(f"{base}/request-info/", {"message": payload, "_preview": "1"})
        admin_client.post(f"/admin/certifications/application/{application.pk}/note/", {"text": payload})
        admin_client.post(f"{base}/approve/", {"message": payload})

    assert_escaped(preview.content.decode(), payload)  # the email previewed before it is sent

    certificate = Certificate.objects.get()
    assert certificate.holder_name == payload
    for url in [
        "/registry/",
        f"/verify/{certificate.number}/",
        certificate_url(certificate).removeprefix("http://127.0.0.1:8000"),
        _status_path(application),
    ]:
        assert_escaped(_page(client, url), payload)
    for url in ["/admin/certifications/certificate/", f"/admin/certifications/certificate/{certificate.pk}/change/"]:
        assert_escaped(_page(admin_client, url), payload)
    assert json.loads(client.get(f"/verify/{certificate.number}.json").content)["holder"] == payload
    assert [m.subject for m in mailoutbox] == [
        f"Application {application.reference} is in review",
        f"Application {application.reference} approved",
    ]
    assert_plain_text_email(mailoutbox[1], payload)


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
def test_markup_in_a_site_application_is_text_from_the_form_to_the_partner_map(
    client, admin_client, admin_user, send_queued, mailoutbox, payload
):
    program = make_site_program()
    fields = dict.fromkeys(SITE_TEXT, payload)
    data = site_form_data(program, postal_code="<u>1</u>", **fields, **_site_files())

    with send_queued():
        response = client.post("/apply/site/", data)

    assert response.status_code == 302
    application = Application.objects.get()
    status_page = _page(client, _status_path(application))
    assert_escaped(status_page, payload)
    assert_escaped(status_page, "<u>1</u>")
    assert_escaped(_page(admin_client, f"/admin/certifications/application/{application.pk}/change/"), payload)
    for email in mailoutbox:
        assert_plain_text_email(email, payload)

    # Approved, it reaches the registry, and staff put it on the partner map.
    in_review = services.application_start_review(application=application, reviewer=admin_user)
    services.application_approve(application=in_review, reviewer=admin_user)
    [partner] = partners_create_for_certified_sites()
    partner.latitude, partner.longitude, partner.is_published = 29.76, -95.37, True
    partner_save(partner=partner)

    for url in ["/registry/", f"/verify/{application.certificate.number}/", "/partners/", f"/partners/{partner.slug}/"]:
        assert_escaped(_page(client, url), payload)
    for url in ["/admin/partners/partner/", f"/admin/partners/partner/{partner.pk}/change/"]:
        assert_escaped(_page(admin_client, url), payload)
    geojson = json.loads(client.get("/partners.geojson").content)
    assert [f["properties"]["name"] for f in geojson["features"]] == [payload]
    assert Partner.objects.get().name == payload


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
def test_markup_in_a_saved_draft_comes_back_escaped_in_the_form_that_resumes_it(
    client, send_queued, mailoutbox, payload
):
    program = make_phase_one()
    data = individual_form_data(program, action="draft", **dict.fromkeys(INDIVIDUAL_TEXT, payload))

    with send_queued():
        response = client.post("/apply/individual/", data)

    assert response.status_code == 302
    draft = Application.objects.get(status=Status.DRAFT)
    assert_not_markup(_page(client, "/apply/saved/"), payload)
    resume = _page(client, f"/apply/resume/{make_token(draft, salt=DRAFT_SALT)}/")
    assert_escaped(resume, payload)
    assert [a["value"] for _, a, _ in elements(resume, "input", name="full_name")] == [payload]
    assert [text for _, _, text in elements(resume, "textarea", name="motivation")] == [payload]
    [email] = mailoutbox
    assert_plain_text_email(email, payload)


def test_markup_in_an_email_address_is_text_on_the_confirmation_status_and_admin_pages(
    client, admin_client, send_queued, mailoutbox
):
    program = make_phase_one()

    with send_queued():
        response = client.post(
            "/apply/individual/", individual_form_data(program, email=SCRIPT_EMAIL, **_individual_files())
        )

    assert response.status_code == 302
    application = Application.objects.get()
    assert application.email == SCRIPT_EMAIL
    assert_escaped(_page(client, "/apply/received/"), SCRIPT_EMAIL)
    assert_escaped(_page(client, _status_path(application)), SCRIPT_EMAIL)
    assert_escaped(_page(admin_client, f"/admin/certifications/application/{application.pk}/change/"), SCRIPT_EMAIL)
    confirmation, staff = mailoutbox
    assert (confirmation.to, staff.reply_to) == ([SCRIPT_EMAIL], [SCRIPT_EMAIL])
    assert_plain_text_email(staff, SCRIPT_EMAIL)


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
def test_markup_in_an_inquiry_is_text_in_the_staff_inbox_and_email(
    client, admin_client, send_queued, mailoutbox, payload
):
    with send_queued():
        response = client.post(
            "/contact/", {**CONTACT, "name": payload, "organisation": payload, "message": f"{payload}\n{payload}"}
        )

    assert response.status_code == 302
    inquiry = Inquiry.objects.get()
    assert (inquiry.name, inquiry.organisation) == (payload, payload)
    assert_not_markup(_page(client, "/contact/thanks/"), payload)
    for url in ["/admin/inquiries/inquiry/", f"/admin/inquiries/inquiry/{inquiry.pk}/change/"]:
        assert_escaped(_page(admin_client, url), payload)
    [email] = mailoutbox
    assert_plain_text_email(email, payload)
    assert email.subject == f"New inquiry (General inquiry) from {payload}"


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
def test_markup_in_a_registration_is_text_on_its_pages_in_the_admin_and_in_emails(
    client, admin_client, send_queued, mailoutbox, payload
):
    event = make_event()

    with send_queued():
        response = client.post(
            f"/events/{event.slug}/register/", {**REGISTRATION, "name": payload, "organisation": payload}, follow=True
        )

    assert response.status_code == 200
    registration = Registration.objects.get()
    assert (registration.name, registration.organisation) == (payload, payload)
    assert_not_markup(response.content.decode(), payload)
    cancel_path = cancel_url(registration).removeprefix("http://127.0.0.1:8000")
    assert_escaped(_page(client, cancel_path), payload)
    for url in [
        "/admin/events/registration/",
        f"/admin/events/registration/{registration.pk}/change/",
        f"/admin/events/event/{event.pk}/change/",
    ]:
        assert_escaped(_page(admin_client, url), payload)
    with send_queued():
        client.post(cancel_path)
    confirmed, cancelled = mailoutbox
    assert_plain_text_email(confirmed, payload)
    assert_plain_text_email(cancelled, payload)


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
def test_markup_in_an_answer_and_a_withdrawal_reason_is_text_on_the_status_page_and_in_the_admin(
    client, admin_client, payload
):
    application = make_application(status=Status.INFO_REQUESTED)
    path = _status_path(application)

    assert client.post(path, {"action": "respond", "message": payload}).status_code == 302
    assert client.post(path, {"action": "withdraw", "reason": payload, "confirm": "on"}).status_code == 302

    assert list(application.events.values_list("message", flat=True))[-2:] == [payload, payload]
    status_page = _page(client, path)
    assert_escaped(status_page, payload)
    assert [text for _, _, text in elements(status_page, "div", class_="timeline-message")][-2:] == [payload, payload]
    assert_escaped(_page(admin_client, f"/admin/certifications/application/{application.pk}/change/"), payload)


# MARKUP, REFLECTED: what a visitor typed comes back escaped, in the form and in the results


@pytest.mark.parametrize(
    ("url", "data", "field"),
    [
        ("/status/", {"reference": SCRIPT, "email": "dana@example.org"}, "reference"),
        ("/status/", {"reference": "NMT-I-2026-00001", "email": SCRIPT}, "email"),
        ("/contact/", {**CONTACT, "email": SCRIPT}, "email"),
        ("event", {**REGISTRATION, "email": SCRIPT}, "email"),
    ],
)
def test_markup_in_a_refused_field_comes_back_escaped_in_the_form(client, url, data, field):
    if url == "event":
        url = f"/events/{make_event().slug}/register/"

    response = client.post(url, data)

    assert response.status_code == 200
    assert list(form_errors(response)) == [field]
    html = response.content.decode()
    assert_escaped(html, SCRIPT)
    assert [a["value"] for _, a, _ in elements(html, "input", name=field)] == [SCRIPT]


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
@pytest.mark.parametrize("path", ["/faq/", "/library/", "/partners/", "/registry/"])
def test_markup_in_a_search_comes_back_escaped(client, path, payload):
    from urllib.parse import quote

    response = client.get(f"{path}?q={quote(payload)}")

    assert response.status_code == 200
    html = response.content.decode()
    assert_escaped(html, payload)
    assert [a["value"] for _, a, _ in elements(html, "input", name="q")] == [payload]


# OVERLONG INPUT


def _poster(client, form):
    """A function posting one public form, complete but for the fields given to it."""
    if form == "individual":
        program = make_phase_one()
        return lambda **fields: client.post(
            "/apply/individual/", individual_form_data(program, **fields, **_individual_files())
        )
    if form == "site":
        program = make_site_program()
        return lambda **fields: client.post("/apply/site/", site_form_data(program, **fields, **_site_files()))
    if form == "contact":
        return lambda **fields: client.post("/contact/", {**CONTACT, **fields})
    if form == "registration":
        url = f"/events/{make_event().slug}/register/"
        return lambda **fields: client.post(url, {**REGISTRATION, **fields})
    if form == "lookup":
        return lambda **fields: client.post(
            "/status/", {"reference": "NMT-I-2026-00001", "email": "dana@example.org", **fields}
        )
    path = _status_path(make_application(status=Status.INFO_REQUESTED))
    if form == "answer":
        return lambda **fields: client.post(path, {"action": "respond", "message": "Here.", **fields})
    return lambda **fields: client.post(path, {"action": "withdraw", "reason": "", "confirm": "on", **fields})


# Their fields' messages are their own (sections.py), not Django's.
APPLICATION_FORMS = {"individual", "site"}


def _rows():
    """What a refused submission must leave as it was."""
    return (
        list(Application.objects.order_by("pk").values_list("status", flat=True)),
        ApplicationEvent.objects.count(),
        Inquiry.objects.count(),
        Registration.objects.count(),
    )


def _errors(response, form):
    key = {"answer": "respond_form", "withdraw": "withdraw_form"}.get(form, "form")
    return {name: list(messages) for name, messages in response.context[key].errors.items()}


# The public forms outside the application forms say what to do (apps/core/form_messages.py); the
# application forms' own fields keep theirs.
SAYS_WHAT_TO_DO = {
    ("contact", "name"): "Your name must be 120 characters or fewer.",
    ("contact", "message"): "Your message must be 5,000 characters or fewer.",
    ("registration", "name"): "Your name must be 150 characters or fewer.",
    ("registration", "organisation"): "The organisation's name must be 200 characters or fewer.",
    ("lookup", "reference"): "The reference number must be 20 characters or fewer.",
    ("answer", "message"): "Your answer must be 5,000 characters or fewer.",
    ("withdraw", "reason"): "The reason must be 2,000 characters or fewer.",
}


@pytest.mark.parametrize(
    ("form", "field", "limit"),
    [
        ("individual", "full_name", 150),
        ("individual", "credential_number", 80),
        ("individual", "motivation", 5000),
        ("site", "organisation_name", 200),
        ("site", "postal_code", 20),
        ("site", "sustainability_plan", 5000),
        ("contact", "name", 120),
        ("contact", "message", 5000),
        ("registration", "name", 150),
        ("registration", "organisation", 200),
        ("lookup", "reference", 20),
        ("answer", "message", 5000),
        ("withdraw", "reason", 2000),
    ],
)
def test_input_beyond_its_maximum_length_is_refused_at_the_field(
    client, django_capture_on_commit_callbacks, form, field, limit
):
    post = _poster(client, form)
    rows = _rows()

    with django_capture_on_commit_callbacks() as callbacks:
        response = post(**{field: "é" * (limit + 1)})

    assert response.status_code == 200
    if form in APPLICATION_FORMS:
        expected = f"Shorten this to {limit:,} characters or fewer."
    else:
        expected = SAYS_WHAT_TO_DO.get(
            (form, field), f"Ensure this value has at most {limit} characters (it has {limit + 1})."
        )
    assert _errors(response, form) == {field: [expected]}
    assert callbacks == []  # nothing written, no email queued
    assert _rows() == rows


# NUL BYTES: a field error, never a 500 from PostgreSQL


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ("individual", "full_name"),
        ("individual", "motivation"),
        ("site", "organisation_name"),
        ("contact", "message"),
        ("contact", "email"),
        ("registration", "name"),
        ("lookup", "reference"),
        ("lookup", "email"),
        ("answer", "message"),
        ("withdraw", "reason"),
    ],
)
def test_a_null_byte_in_a_field_is_refused_at_the_field(client, django_capture_on_commit_callbacks, form, field):
    value = "dana\x00@example.org" if field == "email" else "Dana\x00 Whitfield"

    post = _poster(client, form)
    rows = _rows()

    with django_capture_on_commit_callbacks() as callbacks:
        response = post(**{field: value})

    assert response.status_code == 200
    expected = ["Null characters are not allowed."]
    invalid = EMAIL_FORMAT if form in ("contact", "registration", "lookup") else "Enter a valid email address."
    assert _errors(response, form) == {field: [invalid, *expected] if field == "email" else expected}
    assert callbacks == []
    assert _rows() == rows


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/faq/?q=evidence%00based", 200),
        ("/library/?q=%00", 200),
        ("/partners/?q=%00", 200),
        ("/registry/?q=%00", 200),
        ("/partners.geojson?q=%00", 400),
        ("/verify/NMT-C-2026-00001%00/", 404),
        ("/verify/%00.json", 404),
        ("/verify/?number=%00", 302),
        ("/applications/%00/", 404),
        ("/apply/resume/%00/", 404),
        ("/certificates/%00/", 404),
        ("/partners/logos/%00.png", 404),
    ],
)
def test_a_null_byte_in_a_url_is_a_clear_answer_never_a_server_error(client, url, status):
    assert client.get(url).status_code == status


# UNICODE: right-to-left text, emoji and combining characters are kept exactly as typed


UNICODE_NAMES = [
    "\u202eevil.exe\u202c Dana",  # right-to-left override
    "مريم الحسيني",  # Arabic, right to left
    "Zoë 🧠🌱 Chen",  # emoji beyond the Basic Multilingual Plane
    "Ame\u0301lie Ng\u0303",  # combining accents, not normalised away
    "渡辺 さくら",
]


@pytest.mark.parametrize("name", UNICODE_NAMES)
def test_unicode_names_are_stored_and_shown_as_typed(client, admin_client, name):
    event = make_event()

    contact = client.post("/contact/", {**CONTACT, "name": name})
    registration = client.post(f"/events/{event.slug}/register/", {**REGISTRATION, "name": name})
    application = client.post(
        "/apply/individual/", individual_form_data(make_phase_one(), full_name=name, **_individual_files())
    )

    assert (contact.status_code, registration.status_code, application.status_code) == (302, 302, 302)
    assert Inquiry.objects.get().name == name
    assert Registration.objects.get().name == name
    submitted = Application.objects.get()
    assert submitted.full_name == name
    assert escape(name) in _page(client, _status_path(submitted))
    assert escape(name) in _page(admin_client, "/admin/inquiries/inquiry/")


# INVALID EMAIL ADDRESSES AND COUNTRIES


INVALID_EMAILS = [
    "dana",
    "dana@",
    "@example.org",
    "dana@@example.org",
    "dana@exam ple.org",
    "dana@example.org\nBcc: everyone@example.org",
    "dana@example.org, eve@example.org",
]


@pytest.mark.parametrize("email", INVALID_EMAILS)
@pytest.mark.parametrize(
    ("form", "field"),
    [
        ("individual", "email"),
        ("site", "sponsor_email"),
        ("contact", "email"),
        ("registration", "email"),
        ("lookup", "email"),
    ],
)
def test_an_invalid_email_address_is_refused_at_the_field(
    client, django_capture_on_commit_callbacks, form, field, email
):
    post = _poster(client, form)
    rows = _rows()

    with django_capture_on_commit_callbacks() as callbacks:
        response = post(**{field: email})

    assert response.status_code == 200
    if form in (*APPLICATION_FORMS, "contact", "registration", "lookup"):
        expected = EMAIL_FORMAT
    else:
        expected = "Enter a valid email address."
    assert _errors(response, form) == {field: [expected]}
    assert callbacks == []
    assert _rows() == rows


@pytest.mark.parametrize("country", ["XX", "usa", "United States", "us", "US\x00"])
@pytest.mark.parametrize("form", ["individual", "site"])
def test_an_unknown_country_is_refused_at_the_field(client, form, country):
    response = _poster(client, form)(country=country)

    assert response.status_code == 200
    assert list(_errors(response, form)) == ["country"]
    assert Application.objects.count() == 0
