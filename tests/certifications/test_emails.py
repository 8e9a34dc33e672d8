"""Emails to applicants and holders: one per transition they should know about, in words staff can edit."""

import pytest
from django.core.exceptions import ValidationError

from apps.certifications import services
from apps.certifications.emails import EDITABLE_EMAILS, sample_context
from apps.certifications.models import Certificate
from apps.core.emails import (
    compile_staff_text,
    editable_emails,
    email_render,
    render_staff_text,
    sandbox_context,
    standard_source,
)
from apps.core.models import EmailText
from apps.core.roles import REVIEWERS, SITE_ADMINISTRATORS
from tests.factories import make_application, make_staff
from tests.html import elements, text_of
from tests.staff import admin_login

pytestmark = pytest.mark.django_db


def _template(event):
    return f"certifications/email/{event}"


def _set_text(event, *, subject="", body=""):
    EmailText.objects.update_or_create(template=_template(event), defaults={"subject": subject, "body": body})


def test_each_step_of_a_review_emails_the_applicant(send_queued, mailoutbox, client):
    reviewer = make_staff(role=REVIEWERS)
    admin = make_staff(role=SITE_ADMINISTRATORS)
    application = make_application(status="submitted")
    reference = application.reference

    with send_queued():
        application = services.application_start_review(application=application, reviewer=reviewer)
        application = services.application_request_info(
            application=application, reviewer=reviewer, message="Please send your licence."
        )
        application = services.application_answer(application=application, message="Attached.")
        application = services.application_resume_review(application=application, reviewer=reviewer)
        application = services.application_approve(application=application, reviewer=reviewer, message="Welcome.")
        application = services.application_reopen(application=application, reviewer=admin, message="Forged licence.")
        application = services.application_reject(application=application, reviewer=reviewer, message="Forged.")

    # The answer and the review it resumes send nothing: the applicant knows the review is under way.
    assert [message.subject for message in mailoutbox] == [
        f"Application {reference} is in review",
        f"More information needed for application {reference}",
        f"Application {reference} approved",
        f"Application {reference} is back in review",
        f"Decision on application {reference}",
    ]
    assert {tuple(message.to) for message in mailoutbox} == {("dana@example.org",)}
    bodies = [message.body for message in mailoutbox]
    assert "Please send your licence." in bodies[1]
    assert "/applications/" in bodies[1]
    assert "Welcome." in bodies[2]
    assert "Forged licence." in bodies[3]
    assert "Forged." in bodies[4]


def test_approval_email_carries_the_certificate_links_and_they_work(send_queued, mailoutbox, client):
    reviewer = make_staff(role=REVIEWERS)
    application = make_application(status="in_review", reviewer=reviewer)

    with send_queued():
        services.application_approve(application=application, reviewer=reviewer)

    certificate = Certificate.objects.get(application=application)
    body = mailoutbox[0].body
    assert (
        f"Certificate number: {certificate.number}, valid from {certificate.issued_on:%-d %B %Y} "
        f"until {certificate.expires_on:%-d %B %Y}."
    ) in body
    assert f"http://127.0.0.1:8000/verify/{certificate.number}/" in body
    printable = next(line for line in body.splitlines() if "/certificates/" in line).strip()
    assert client.get(printable.removeprefix("http://127.0.0.1:8000")).status_code == 200
    assert "NMT certification attests completed training, not clinical competence." in body


def test_nothing_is_sent_when_the_transition_fails(send_queued, mailoutbox):
    reviewer = make_staff(role=REVIEWERS)
    application = make_application(status="submitted")

    with send_queued(), pytest.raises(services.InvalidTransition):
        services.application_reject(application=application, reviewer=reviewer, message="No.")

    assert mailoutbox == []


def test_staff_wording_replaces_the_standard_text(send_queued, mailoutbox):
    _set_text(
        "application_info_requested",
        subject="[NMT] {{ application.reference }}: we need something",
        body="Hello {{ application.applicant_name }},\n\n{{ message }}\n\nAnswer here: {{ status_url }}",
    )
    reviewer = make_staff(role=REVIEWERS)
    application = make_application(status="in_review", reviewer=reviewer)

    with send_queued():
        services.application_request_info(application=application, reviewer=reviewer, message="Your CV, please.")

    message = mailoutbox[0]
    assert message.subject == f"[NMT] {application.reference}: we need something"
    assert message.body.startswith("Hello Dana Whitfield,\n\nYour CV, please.\n\nAnswer here: http://127.0.0.1:8000/")


def test_an_empty_field_keeps_the_standard_wording(send_queued, mailoutbox):
    _set_text("application_rejected", subject="Our decision on {{ application.reference }}")
    reviewer = make_staff(role=REVIEWERS)
    application = make_application(status="in_review", reviewer=reviewer)

    with send_queued():
        services.application_reject(application=application, reviewer=reviewer, message="Incomplete training.")

    assert mailoutbox[0].subject == f"Our decision on {application.reference}"
    assert "are unable to approve it:\n\nIncomplete training." in mailoutbox[0].body


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("{% load static %}", "This text is not valid template syntax"),
        ('{% include "base.html" %}', '“include "base.html"” is not allowed.'),
        ("{% debug %}", "“debug” is not allowed."),
        ('{% if message %}{% now "Y" %}{% endif %}', '“now "Y"” is not allowed.'),
        ("{{ application.email }}", "“application.email” is not one of the placeholders of this email."),
        ("{{ settings.SECRET_KEY }}", "“settings.SECRET_KEY” is not one of the placeholders of this email."),
        ("{{ application.__class__ }}", "This text is not valid template syntax"),
        ("{{ certificate.number }}", "“certificate.number” is not one of the placeholders of this email."),
    ],
)
def test_the_sandbox_refuses_what_is_not_a_placeholder(source, error):
    with pytest.raises(ValidationError) as refused:
        compile_staff_text(source, template=_template("application_rejected"))

    assert error in refused.value.messages[0]


def test_the_sandbox_context_holds_plain_values_only():
    safe = sandbox_context(_template("application_approved"), sample_context("application_approved"))

    assert safe["application"] == {
        "reference": "NMT-I-2026-00042",
        "applicant_name": "Dana Whitfield",
        "program": {"name": "NMT Phase I"},
        "kind": "Individual",
        "status": "In review",
    }
    assert {key: type(value).__name__ for key, value in safe["certificate"].items()} == {
        "number": "str",
        "holder_name": "str",
        "program": "dict",
        "issued_on": "date",
        "expires_on": "date",
        "renewal_closes_on": "date",
    }
    assert sorted(safe) == [
        "application",
        "certificate",
        "certificate_url",
        "message",
        "renew_url",
        "site_url",
        "status_url",
        "verify_url",
    ]


@pytest.mark.parametrize("template", [email.template for email in EDITABLE_EMAILS])
def test_the_standard_texts_use_only_documented_placeholders(template):
    context = editable_emails()[template].sample_context()

    custom = render_staff_text(
        subject=standard_source(template, subject=True),
        body=standard_source(template),
        template=template,
        context=context,
    )

    standard = email_render(template=template, context=context)
    assert (custom[0], custom[1].strip()) == (standard[0], standard[1].strip())


def test_email_texts_admin_starts_from_the_standard_text_and_previews(client):
    admin_login(client, make_staff(role=REVIEWERS))
    client.get("/admin/core/emailtext/")
    template = EmailText.objects.get(template=_template("application_rejected"))
    url = f"/admin/core/emailtext/{template.pk}/change/"

    page = client.get(url).content.decode()
    standard = {
        "subject": standard_source(_template("application_rejected"), subject=True),
        "body": standard_source(_template("application_rejected")),
    }
    unchanged = client.post(url, standard)
    template.refresh_from_db()
    standard_after_unchanged_save = template.is_customised
    refused = client.post(url, {"subject": "", "body": "{% load i18n %}"})
    client.post(url, {"subject": "", "body": "Sorry {{ application.applicant_name }}: {{ message }}"})
    template.refresh_from_db()

    assert text_of(page, "textarea", name="body") == " ".join(
        standard_source(_template("application_rejected")).split()
    )
    assert "Dana Whitfield" in text_of(page, "pre", class_="email-preview")
    assert unchanged.status_code == 302
    assert standard_after_unchanged_save is False
    assert list(refused.context["adminform"].form.errors) == ["body"]
    assert (template.subject, template.body) == ("", "Sorry {{ application.applicant_name }}: {{ message }}")
    assert email_render(template=_template("application_rejected"), context=sample_context("application_rejected"))[
        1
    ] == ("Sorry Dana Whitfield: (The reviewer's message appears here.)\n")
    assert [attrs.get("value") for _, attrs, _ in elements(page, "input", name="_save")] == ["Save"]
