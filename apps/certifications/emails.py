"""The certification emails staff may reword (`apps.core.emails.EditableEmail`), with their
placeholders, the plain values a staff text sees, and an invented applicant for previews.

Every email goes out through `apps.core.emails.email_queue`; `template(event)` names the file
templates of an event, e.g. `certifications/email/application_approved`.
"""

from django.conf import settings
from django.utils import timezone

from apps.core.emails import EditableEmail, plain

# The variables a custom text may use, shown to staff beside the editor. Every email has the
# application's or the certificate's, and `site_url`.
APPLICATION_VARIABLES = {
    "application.reference": "the reference number, e.g. NMT-I-2026-00042",
    "application.applicant_name": "the person's name, or the organisation's for a site",
    "application.program.name": "the program or level applied for",
    "application.kind": "Individual or Site",
    "application.status": "the status in words, e.g. In review",
    "status_url": "the applicant's private status page (keep it out of anything public)",
    "message": "the reviewer's message or reason (empty when there is none)",
    "site_url": "the portal's address",
}
CERTIFICATE_VARIABLES = {
    "certificate.number": "the certificate number, e.g. NMT-C-2026-00031-7KQX4M",
    "certificate.holder_name": "the person or site certified",
    "certificate.program.name": "the program or level",
    "certificate.issued_on": 'date issued (format it with |date:"j F Y")',
    "certificate.expires_on": 'expiry date (format it with |date:"j F Y")',
    "certificate.renewal_closes_on": 'the last day to renew without a new application (format it with |date:"j F Y")',
    "verify_url": "the public verification page",
    "certificate_url": "the holder's private printable certificate",
    "renew_url": "where the holder renews the certificate (in My NMT, after signing in)",
    "site_url": "the portal's address",
}
SAMPLE_NUMBER = "NMT-C-2026-00031-7KQX4M"


def template(event):
    """The file templates of a certification email: `certifications/email/<event>`."""
    return f"certifications/email/{event}"


def _application_values(application):
    return {
        "reference": plain(application.reference) or "",
        "applicant_name": plain(application.applicant_name),
        "program": {"name": plain(application.program.name)},
        "kind": plain(application.get_kind_display()),
        "status": plain(application.get_status_display()),
    }


def _certificate_values(certificate):
    return {
        "number": plain(certificate.number),
        "holder_name": plain(certificate.holder_name),
        "program": {"name": plain(certificate.program.name)},
        "issued_on": certificate.issued_on,
        "expires_on": certificate.expires_on,
        "renewal_closes_on": certificate.renewal_closes_on,
    }


def sandbox_values(context):
    """The plain values of a certification email's context: the application and the certificate
    as dicts of their listed fields, and the strings (links, the message)."""
    safe = {}
    for key, value in context.items():
        if key == "application":
            safe[key] = _application_values(value)
        elif key == "certificate":
            safe[key] = _certificate_values(value)
        elif isinstance(value, str | int):
            safe[key] = value
    return safe


def sample_context(event):
    """An invented application and certificate, for previews of a text in the admin."""
    from .models import Application, Kind, Program, Status
    from .services import certificate_build

    program = Program(name="NMT Phase I", kind=Kind.INDIVIDUAL, validity_months=24)
    application = Application(
        kind=Kind.INDIVIDUAL,
        program=program,
        status=Status.IN_REVIEW,
        reference="NMT-I-2026-00042",
        full_name="Dana Whitfield",
        email="dana@example.org",
    )
    certificate = certificate_build(application=application, number=SAMPLE_NUMBER, issued_on=timezone.localdate())
    context = {
        "status_url": f"{settings.SITE_URL}/applications/(private link)/",
        "message": "(The reviewer's message appears here.)",
        "verify_url": f"{settings.SITE_URL}/verify/{SAMPLE_NUMBER}/",
        "certificate_url": f"{settings.SITE_URL}/certificates/(private link)/",
        "renew_url": f"{settings.SITE_URL}/my/certificates/{SAMPLE_NUMBER}/renew/",
    }
    if event.startswith(("application_", "renewal_")):
        context["application"] = application
    if event == "application_approved" or event.startswith("certificate_"):
        context["certificate"] = certificate
    if event == "certificate_reminder_grace":
        context["days_expired"] = 30
    return context


def _editable(event, label, placeholders):
    return EditableEmail(
        template=template(event),
        label=label,
        placeholders=placeholders,
        sandbox_values=sandbox_values,
        sample_context=lambda: sample_context(event),
    )


EDITABLE_EMAILS = [
    _editable("application_submitted", "Application received", APPLICATION_VARIABLES),
    _editable("renewal_submitted", "Renewal received", APPLICATION_VARIABLES),
    _editable(
        "renewal_audit_requested",
        "Renewal drawn for audit (evidence asked for)",
        {**APPLICATION_VARIABLES, "message": "the audit request, with its deadline and what was attested"},
    ),
    _editable(
        "renewal_audit_overdue",
        "Renewal audit overdue (back with a reviewer)",
        {**APPLICATION_VARIABLES, "message": "the notice, with the deadline that passed"},
    ),
    _editable("application_review_started", "Review started", APPLICATION_VARIABLES),
    _editable("application_info_requested", "Information requested", APPLICATION_VARIABLES),
    _editable(
        "application_approved",
        "Application approved (certificate issued)",
        {**APPLICATION_VARIABLES, **CERTIFICATE_VARIABLES},
    ),
    _editable("application_rejected", "Application rejected", APPLICATION_VARIABLES),
    _editable("application_withdrawn", "Application withdrawn", APPLICATION_VARIABLES),
    _editable("application_reopened", "Decision reopened", APPLICATION_VARIABLES),
    _editable("certificate_reminder_90", "Certificate expires in 90 days", CERTIFICATE_VARIABLES),
    _editable("certificate_reminder_30", "Certificate expires in 30 days", CERTIFICATE_VARIABLES),
    _editable("certificate_reminder_0", "Certificate expires today", CERTIFICATE_VARIABLES),
    _editable(
        "certificate_reminder_grace",
        "Certificate expired, renewal still open",
        {**CERTIFICATE_VARIABLES, "days_expired": "how many days ago it expired"},
    ),
    _editable("certificate_renewal_extended", "Renewal kept open by staff", CERTIFICATE_VARIABLES),
    _editable(
        "certificate_revoked",
        "Certificate revoked",
        {**CERTIFICATE_VARIABLES, "message": "the reason given for the revocation"},
    ),
]
