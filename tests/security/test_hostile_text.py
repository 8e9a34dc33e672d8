"""Hostile text in every public form: markup (escaped on every page and admin page where it
appears, raw but never HTML in the plain-text emails), overlong and Unicode input, NUL bytes,
invalid email addresses and countries. Nothing is saved or queued from a refused submission."""

import json

import pytest
from django.utils.html import escape

from apps.certifications import services
from apps.certifications.models import Application, Certificate, Status
from apps.certifications.tokens import DRAFT_SALT, certificate_url, make_token
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
from tests.html import elements
from tests.security.hostile import (
    CONTACT,
    PAYLOAD_IDS,
    PAYLOADS,
    REGISTRATION,
    SCRIPT,
    SCRIPT_EMAIL,
    assert_escaped,
    assert_not_markup,
    assert_plain_text_email,
    form_errors,
    individual_files,
    page,
    site_files,
    status_path,
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
# MARKUP, STORED: escaped on every page and in the admin; raw, never HTML, in plain-text email


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
def test_markup_in_an_individual_application_is_text_on_every_page_and_in_every_email(
    client, admin_client, send_queued, mailoutbox, payload
):
    program = make_phase_one()
    data = individual_form_data(program, **dict.fromkeys(INDIVIDUAL_TEXT, payload), **individual_files())

    with send_queued():
        response = client.post("/apply/individual/", data)

    assert response.status_code == 302
    application = Application.objects.get()
    assert {field: getattr(application, field) for field in INDIVIDUAL_TEXT} == dict.fromkeys(INDIVIDUAL_TEXT, payload)
    assert_escaped(page(client, status_path(application)), payload)
    for url in [
        "/admin/certifications/application/?status=all",
        f"/admin/certifications/application/{application.pk}/change/",
    ]:
        assert_escaped(page(admin_client, url), payload)
    assert_not_markup(page(admin_client, f"/admin/certifications/application/{application.pk}/history/"), payload)
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
        status_path(application),
    ]:
        assert_escaped(page(client, url), payload)
    for url in ["/admin/certifications/certificate/", f"/admin/certifications/certificate/{certificate.pk}/change/"]:
        assert_escaped(page(admin_client, url), payload)
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
    data = site_form_data(program, postal_code="<u>1</u>", **fields, **site_files())

    with send_queued():
        response = client.post("/apply/site/", data)

    assert response.status_code == 302
    application = Application.objects.get()
    status_page = page(client, status_path(application))
    assert_escaped(status_page, payload)
    assert_escaped(status_page, "<u>1</u>")
    assert_escaped(page(admin_client, f"/admin/certifications/application/{application.pk}/change/"), payload)
    for email in mailoutbox:
        assert_plain_text_email(email, payload)

    # Approved, it reaches the registry, and staff put it on the partner map.
    in_review = services.application_start_review(application=application, reviewer=admin_user)
    services.application_approve(application=in_review, reviewer=admin_user)
    [partner] = partners_create_for_certified_sites()
    partner.latitude, partner.longitude, partner.is_published = 29.76, -95.37, True
    partner_save(partner=partner)

    for url in ["/registry/", f"/verify/{application.certificate.number}/", "/partners/", f"/partners/{partner.slug}/"]:
        assert_escaped(page(client, url), payload)
    for url in ["/admin/partners/partner/", f"/admin/partners/partner/{partner.pk}/change/"]:
        assert_escaped(page(admin_client, url), payload)
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
    assert_not_markup(page(client, "/apply/saved/"), payload)
    assert client.get(f"/apply/resume/{make_token(draft, salt=DRAFT_SALT)}/")["Location"] == "/apply/individual/"
    tasks = page(client, "/apply/individual/")
    about = page(client, "/apply/individual/sections/about-you/")
    motivation = page(client, "/apply/individual/sections/motivation/")
    for html in (tasks, about, motivation):
        assert_not_markup(html, payload)
    assert_escaped(about, payload)
    assert [a["value"] for _, a, _ in elements(about, "input", name="full_name")] == [payload]
    assert [text for _, _, text in elements(motivation, "textarea", name="motivation")] == [payload]
    [email] = mailoutbox
    assert_plain_text_email(email, payload)


def test_markup_in_an_email_address_is_text_on_the_confirmation_status_and_admin_pages(
    client, admin_client, send_queued, mailoutbox
):
    program = make_phase_one()

    with send_queued():
        response = client.post(
            "/apply/individual/", individual_form_data(program, email=SCRIPT_EMAIL, **individual_files())
        )

    assert response.status_code == 302
    application = Application.objects.get()
    assert application.email == SCRIPT_EMAIL
    assert_escaped(page(client, "/apply/received/"), SCRIPT_EMAIL)
    assert_escaped(page(client, status_path(application)), SCRIPT_EMAIL)
    assert_escaped(page(admin_client, f"/admin/certifications/application/{application.pk}/change/"), SCRIPT_EMAIL)
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
    assert_not_markup(page(client, "/contact/thanks/"), payload)
    for url in ["/admin/inquiries/inquiry/", f"/admin/inquiries/inquiry/{inquiry.pk}/change/"]:
        assert_escaped(page(admin_client, url), payload)
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
    assert_escaped(page(client, cancel_path), payload)
    for url in [
        "/admin/events/registration/",
        f"/admin/events/registration/{registration.pk}/change/",
        f"/admin/events/event/{event.pk}/change/",
    ]:
        assert_escaped(page(admin_client, url), payload)
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
    path = status_path(application)

    assert client.post(path, {"action": "respond", "message": payload}).status_code == 302
    assert client.post(path, {"action": "withdraw", "reason": payload, "confirm": "on"}).status_code == 302

    assert list(application.events.values_list("message", flat=True))[-2:] == [payload, payload]
    status_page = page(client, path)
    assert_escaped(status_page, payload)
    assert [text for _, _, text in elements(status_page, "div", class_="timeline-message")][-2:] == [payload, payload]
    assert_escaped(page(admin_client, f"/admin/certifications/application/{application.pk}/change/"), payload)


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
