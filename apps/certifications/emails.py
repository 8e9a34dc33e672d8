"""Emails to applicants and certificate holders, in the standard wording or in staff's own.

Each email has an event (`EmailEvent`) naming its standard file templates
`certifications/email/<event>.txt` and `<event>_subject.txt`. Staff may reword any of them in the
admin (`EmailTemplate`); a custom text is Django template syntax rendered in a sandbox:

- the context holds plain values only (strings, numbers, dates and dicts of them), never a model,
  so no method of the application, the database or the settings can be reached;
- only text, `{{ variables }}` with filters, `{% if %}`, `{% comment %}` and `{% autoescape %}` are
  allowed; `load`, `include`, `extends`, `debug` and every other tag are refused when saved;
- a variable outside the documented list is refused when saved.
"""

from datetime import date, datetime
from functools import partial

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import TextNode, VariableNode
from django.template.defaulttags import AutoEscapeControlNode, CommentNode, IfNode
from django.template.loader import get_template
from django.utils import timezone

from apps.core.emails import render_email
from apps.core.tasks import send_email

from .models import EmailEvent, EmailTemplate

# The variables a custom text may use, shown to staff beside the editor. Every event has the
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
    "certificate.number": "the certificate number, e.g. NMT-C-2026-00031",
    "certificate.holder_name": "the person or site certified",
    "certificate.program.name": "the program or level",
    "certificate.issued_on": 'date issued (format it with |date:"j F Y")',
    "certificate.expires_on": 'expiry date (format it with |date:"j F Y")',
    "verify_url": "the public verification page",
    "certificate_url": "the holder's private printable certificate",
    "site_url": "the portal's address",
}
VARIABLES = {
    EmailEvent.APPLICATION_SUBMITTED: APPLICATION_VARIABLES,
    EmailEvent.APPLICATION_REVIEW_STARTED: APPLICATION_VARIABLES,
    EmailEvent.APPLICATION_INFO_REQUESTED: APPLICATION_VARIABLES,
    EmailEvent.APPLICATION_APPROVED: {**APPLICATION_VARIABLES, **CERTIFICATE_VARIABLES},
    EmailEvent.APPLICATION_REJECTED: APPLICATION_VARIABLES,
    EmailEvent.APPLICATION_WITHDRAWN: APPLICATION_VARIABLES,
    EmailEvent.APPLICATION_REOPENED: APPLICATION_VARIABLES,
    EmailEvent.CERTIFICATE_REMINDER_90: CERTIFICATE_VARIABLES,
    EmailEvent.CERTIFICATE_REMINDER_30: CERTIFICATE_VARIABLES,
    EmailEvent.CERTIFICATE_REMINDER_0: CERTIFICATE_VARIABLES,
    EmailEvent.CERTIFICATE_REVOKED: {**CERTIFICATE_VARIABLES, "message": "the reason given for the revocation"},
}

_ALLOWED_NODES = (TextNode, VariableNode, IfNode, CommentNode, AutoEscapeControlNode)

# No loaders, no app libraries: `{% include %}` and `{% load %}` find nothing even before the
# node check refuses them. Plain text, so nothing is HTML-escaped.
_SANDBOX = Engine(loaders=[], libraries={}, autoescape=False, debug=False, string_if_invalid="")


def _plain(value):
    """A value safe to hand to a staff-written template: strings, numbers, dates, or None."""
    if value is None or isinstance(value, (str, int, float, date, datetime)):
        return value
    return str(value)


def _application_values(application):
    return {
        "reference": _plain(application.reference) or "",
        "applicant_name": _plain(application.applicant_name),
        "program": {"name": _plain(application.program.name)},
        "kind": _plain(application.get_kind_display()),
        "status": _plain(application.get_status_display()),
    }


def _certificate_values(certificate):
    return {
        "number": _plain(certificate.number),
        "holder_name": _plain(certificate.holder_name),
        "program": {"name": _plain(certificate.program.name)},
        "issued_on": certificate.issued_on,
        "expires_on": certificate.expires_on,
    }


def sandbox_context(context):
    """The plain-values context for a custom text, built from the context of the file template."""
    safe = {"site_url": settings.SITE_URL}
    for key, value in context.items():
        if key == "application":
            safe[key] = _application_values(value)
        elif key == "certificate":
            safe[key] = _certificate_values(value)
        elif isinstance(value, str):
            safe[key] = value
    return safe


def compile_custom(source, *, event):
    """Compile a staff-written text, or raise ValidationError saying what is wrong with it."""
    try:
        template = _SANDBOX.from_string(source)
    except TemplateSyntaxError as error:
        raise ValidationError("This text is not valid template syntax: %(error)s", params={"error": error}) from error
    allowed = set(VARIABLES.get(event, APPLICATION_VARIABLES))
    for node in template.nodelist.get_nodes_by_type(object):
        if not isinstance(node, _ALLOWED_NODES):
            token = getattr(node, "token", None)
            raise ValidationError(
                "Only {{ variables }}, {%% if %%} and {%% comment %%} may be used; “%(tag)s” is not allowed.",
                params={"tag": token.contents if token else type(node).__name__},
            )
        if isinstance(node, VariableNode):
            lookups = getattr(node.filter_expression.var, "lookups", None)
            if lookups and ".".join(lookups) not in allowed:
                raise ValidationError(
                    "“%(name)s” is not one of the placeholders of this email.", params={"name": ".".join(lookups)}
                )
    return template


def default_source(event, *, subject=False):
    """The standard text of an event as staff would edit it (without the autoescape wrapper)."""
    name = f"certifications/email/{event}{'_subject' if subject else ''}.txt"
    source = get_template(name).template.source.strip()
    prefix, suffix = "{% autoescape off %}", "{% endautoescape %}"
    if source.startswith(prefix) and source.endswith(suffix):
        source = source[len(prefix) : -len(suffix)]
    return source.strip() if subject else source.strip("\n")


def render_custom(*, subject, body, event, context):
    """(subject, body) of a custom text, falling back field by field to the standard one."""
    standard_subject, standard_body = render_email(f"certifications/email/{event}", context)
    safe = Context(sandbox_context(context), autoescape=False)
    if subject.strip():
        standard_subject = " ".join(compile_custom(subject, event=event).render(safe).split())
    if body.strip():
        standard_body = compile_custom(body, event=event).render(safe).strip("\n") + "\n"
    return standard_subject, standard_body


def email_render(*, event, context):
    """(subject, body) of the email for `event`: staff's custom text if there is one, else the standard."""
    custom = EmailTemplate.objects.filter(event=event).first()
    if custom is None or not custom.is_customised:
        return render_email(f"certifications/email/{event}", context)
    return render_custom(subject=custom.subject, body=custom.body, event=event, context=context)


def email_queue(*, to, event, context):
    """Render the email now and hand it to the worker once the current transaction commits."""
    subject, body = email_render(event=event, context=context)
    transaction.on_commit(partial(send_email.enqueue, to=list(to), subject=subject, body=body))
    return subject, body


def sample_context(event):
    """An invented application and certificate, for previews of a text in the admin."""
    from .models import Application, Certificate, Kind, Program, Status

    program = Program(name="NMT Phase I", kind=Kind.INDIVIDUAL, validity_months=24)
    application = Application(
        kind=Kind.INDIVIDUAL,
        program=program,
        status=Status.IN_REVIEW,
        reference="NMT-I-2026-00042",
        full_name="Dana Whitfield",
        email="dana@example.org",
    )
    today = timezone.localdate()
    certificate = Certificate(
        number="NMT-C-2026-00031",
        application=application,
        kind=Kind.INDIVIDUAL,
        program=program,
        holder_name="Dana Whitfield",
        issued_on=today,
        expires_on=today + relativedelta(months=24),
    )
    context = {
        "status_url": f"{settings.SITE_URL}/applications/(private link)/",
        "message": "(The reviewer's message appears here.)",
        "verify_url": f"{settings.SITE_URL}/verify/NMT-C-2026-00031/",
        "certificate_url": f"{settings.SITE_URL}/certificates/(private link)/",
    }
    if event.startswith("application_"):
        context["application"] = application
    if event == EmailEvent.APPLICATION_APPROVED or event.startswith("certificate_"):
        context["certificate"] = certificate
    return context
