"""Hostile input in every public form beyond markup: overlong and Unicode input, NUL bytes, invalid
email addresses and countries. Nothing is saved or queued from a refused submission."""

import pytest
from django.utils.html import escape

from apps.certifications.models import Application, ApplicationEvent, Status
from apps.core.form_messages import EMAIL_FORMAT
from apps.events.models import Registration
from apps.inquiries.models import Inquiry
from tests.factories import (
    individual_form_data,
    make_application,
    make_event,
    make_phase_one,
    make_site_program,
    site_form_data,
)
from tests.security.hostile import CONTACT, REGISTRATION, individual_files, page, site_files, status_path

pytestmark = pytest.mark.django_db


# OVERLONG INPUT


def _poster(client, form):
    """A function posting one public form, complete but for the fields given to it."""
    if form == "individual":
        program = make_phase_one()
        return lambda **fields: client.post(
            "/apply/individual/", individual_form_data(program, **fields, **individual_files())
        )
    if form == "site":
        program = make_site_program()
        return lambda **fields: client.post("/apply/site/", site_form_data(program, **fields, **site_files()))
    if form == "contact":
        return lambda **fields: client.post("/contact/", {**CONTACT, **fields})
    if form == "registration":
        url = f"/events/{make_event().slug}/register/"
        return lambda **fields: client.post(url, {**REGISTRATION, **fields})
    if form == "lookup":
        return lambda **fields: client.post(
            "/status/", {"reference": "NMT-I-2026-00001", "email": "dana@example.org", **fields}
        )
    path = status_path(make_application(status=Status.INFO_REQUESTED))
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
        "/apply/individual/", individual_form_data(make_phase_one(), full_name=name, **individual_files())
    )

    assert (contact.status_code, registration.status_code, application.status_code) == (302, 302, 302)
    assert Inquiry.objects.get().name == name
    assert Registration.objects.get().name == name
    submitted = Application.objects.get()
    assert submitted.full_name == name
    assert escape(name) in page(client, status_path(submitted))
    assert escape(name) in page(admin_client, "/admin/inquiries/inquiry/")


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
