"""What the hostile-input suite shares: payloads, and readers for what a request left behind."""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.html import escape
from django_tasks_db.models import DBTaskResult

from apps.certifications.models import Application, ApplicationDocument, ApplicationEvent, Status
from apps.certifications.tokens import DRAFT_SALT, certificate_url, make_token
from apps.events.models import Registration
from apps.events.tokens import cancel_url
from apps.inquiries.models import Inquiry
from tests.factories import (
    individual_files,
    individual_form_data,
    make_application,
    make_certificate,
    make_event,
    make_page,
    make_partner,
    make_phase_one,
    make_publication,
    make_registration,
    make_site_program,
    section_post,
    site_form_data,
)
from tests.files import pdf_bytes, upload

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
PAYLOADS = [SCRIPT, ATTRIBUTE]
PAYLOAD_IDS = ["script", "attribute"]
# Django's EmailValidator accepts a quoted local part, so an address can carry markup too.
SCRIPT_EMAIL = '"<script>alert(1)</script>"@example.org'


def stored_files():
    """Every file under the public and the private media folders, as paths relative to their root."""
    found = []
    for root in (Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)):
        if root.exists():
            found += [f"{root.name}/{p.relative_to(root)}" for p in root.rglob("*") if p.is_file()]
    return sorted(found)


def assert_escaped(html, payload):
    """`payload` is on the page, and only ever as text: never as markup."""
    assert payload not in html
    assert escape(payload) in html


def assert_not_markup(html, payload):
    """`payload` is nowhere on the page as markup (it may not be shown at all)."""
    assert payload not in html


def assert_plain_text_email(email, payload):
    """An email's text carries the payload as typed; its HTML copy only ever as escaped text."""
    assert email.content_subtype == "plain"
    assert payload in email.body
    assert escape(payload) not in email.body
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    assert payload not in html
    assert escape(payload) in html


def form_errors(response):
    """{field: [messages]} of the form a page re-rendered (public page or admin)."""
    context = response.context
    form = context["adminform"].form if "adminform" in context else context["form"]
    return {name: list(messages) for name, messages in form.errors.items()}


def without_csrf(html):
    """The page with its per-visitor CSRF token blanked, so two answers can be compared byte for byte."""
    import re

    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', html)


# One of everything a public URL can name, and what the public forms could write

SITE = "http://127.0.0.1:8000"


@dataclass
class World:
    """One of everything a public URL can name."""

    program: object
    site_program: object
    application: object  # waiting for the applicant's answer
    draft: object
    certificate: object
    event: object
    registration: object
    partner: object
    publication: object
    page: object

    @property
    def status_path(self):
        return f"/applications/{make_token(self.application)}/"

    @property
    def draft_path(self):
        return f"/apply/resume/{make_token(self.draft, salt=DRAFT_SALT)}/"

    @property
    def certificate_path(self):
        return certificate_url(self.certificate).removeprefix(SITE)

    @property
    def cancel_path(self):
        return cancel_url(self.registration).removeprefix(SITE)


def make_world():
    program = make_phase_one()
    event = make_event()
    return World(
        program=program,
        site_program=make_site_program(),
        application=make_application(status=Status.INFO_REQUESTED, program=program),
        draft=make_application(status=Status.DRAFT, program=program, full_name="Draft Applicant"),
        certificate=make_certificate(),
        event=event,
        registration=make_registration(event=event),
        partner=make_partner(),
        publication=make_publication(),
        page=make_page(slug="about"),
    )


def form_posts(world):
    """Every public POST form: (path, complete data that the form would accept)."""
    return {
        "contact": (
            "/contact/",
            {"name": "Alex", "email": "alex@example.org", "topic": "general", "message": "Hello."},
        ),
        "individual": ("/apply/individual/", individual_form_data(world.program, **individual_files())),
        "site": (
            "/apply/site/",
            site_form_data(
                world.site_program,
                document_organisation_chart=upload("chart.pdf", pdf_bytes()),
                document_letter_of_support=upload("letter.pdf", pdf_bytes()),
            ),
        ),
        "resume": (world.draft_path, individual_form_data(world.program, **individual_files())),
        "section": (
            "/apply/individual/sections/program/",
            section_post(individual_form_data(world.program), "program"),
        ),
        "withdraw": (world.status_path, {"action": "withdraw", "confirm": "on", "reason": ""}),
        "answer": (
            world.status_path,
            {"action": "respond", "message": "Here.", "document_licence": upload("licence.pdf", pdf_bytes())},
        ),
        "lookup": ("/status/", {"reference": world.application.reference, "email": "dana@example.org"}),
        "register": (
            f"/events/{world.event.slug}/register/",
            {"name": "Jo", "email": "jo@example.org", "role": "clinician", "is_nmt_certified": "no"},
        ),
        "cancel": (world.cancel_path, {}),
    }


FORMS = ["contact", "individual", "site", "resume", "section", "withdraw", "answer", "lookup", "register", "cancel"]


def written_state():
    """Everything a public form could write."""
    return {
        "applications": list(Application.objects.order_by("pk").values_list("status", flat=True)),
        "documents": ApplicationDocument.objects.count(),
        "events": ApplicationEvent.objects.count(),
        "inquiries": Inquiry.objects.count(),
        "registrations": list(Registration.objects.order_by("pk").values_list("status", flat=True)),
        "tasks": DBTaskResult.objects.count(),
        "files": stored_files(),
    }


# What the text and input suites post and read

CONTACT = {"name": "Alex Rivera", "email": "alex@example.org", "organisation": "", "topic": "general", "message": "Hi."}
REGISTRATION = {
    "name": "Jo Park",
    "email": "jo@example.org",
    "organisation": "",
    "role": "clinician",
    "is_nmt_certified": "no",
}


def site_files():
    return {
        "document_organisation_chart": upload("chart.pdf", pdf_bytes()),
        "document_letter_of_support": upload("letter.pdf", pdf_bytes()),
    }


def status_path(application):
    return f"/applications/{make_token(application)}/"


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()
