"""Progress toward certification where people see it: My NMT, the application journey (the
signed-in applicant's own records only) and the reviewer's application page."""

from django import template
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower

from apps.certifications.models import Certificate, Kind, Program, Status

from ..models import Requirement, RequirementConfirmation
from ..progress import confirmations_by_email, progress_of, registrations_by_email

register = template.Library()


def _records_of(user):
    """The person's records and staff confirmations, by accounts' rule of who holds which address
    when. Imported here, not at the top: accounts composes the other apps and none imports it
    (DESIGN.md); a template tag runs only once every app is loaded, so this adds no cycle."""
    from apps.accounts.models import EmailHolding
    from apps.accounts.records import holdings_condition, records_of

    holdings = list(EmailHolding.objects.filter(user=user))
    confirmations = RequirementConfirmation.objects.alias(email_lower=Lower("email")).filter(
        holdings_condition(holdings)
    )
    return records_of(user, holdings=holdings), confirmations


def _renewal_since(application):
    """For a renewal, the day the renewed certificate was issued: only what came after counts."""
    return application.renews.issued_on if application.renews_id and application.renews else None


@register.simple_tag(takes_context=True)
def my_progress(context):
    """[ProgramProgress] for My NMT: every program with requirements that the person applied to or
    holds a certificate of, and every open individual program (the next level they may aim for).
    For a program they hold a standing certificate of, only what was earned since it was issued
    counts, as for its renewal. Reads the page's `applications` and `certificates` when it has them."""
    user = context["request"].user
    if not user.is_authenticated:
        return []
    applications, certificates = context.get("applications"), context.get("certificates")
    records = confirmations = None
    if applications is None or certificates is None:
        records, confirmations = _records_of(user)
        applications = list(records.applications)
        certificates = list(records.certificates.select_related("renewed_by"))
    since = {}
    for certificate in sorted(certificates, key=lambda c: c.issued_on):
        if certificate.status != Certificate.Status.REVOKED and not certificate.is_renewed:
            since[certificate.program_id] = certificate.issued_on  # the latest standing one
    mine = {a.program_id for a in applications if a.status != Status.WITHDRAWN} | set(since)
    programs = list(
        Program.objects.filter(Q(pk__in=mine) | Q(is_open=True, kind=Kind.INDIVIDUAL)).filter(
            Exists(Requirement.objects.filter(program=OuterRef("pk")))
        )
    )
    if not programs:
        return []
    if records is None:
        records, confirmations = _records_of(user)
    return progress_of(
        [(program, since.get(program.pk)) for program in programs],
        registrations=records.registrations,
        confirmations=confirmations,
    )


@register.inclusion_tag("learning/includes/application_progress.html", takes_context=True)
def application_progress(context, draft):
    """What the applicant's records already evidence for the draft's program. Only for a signed-in
    person, from the addresses they hold: the email typed into a draft proves nothing, so an
    anonymous visitor sees no one's records."""
    user = context["request"].user
    if draft is None or not draft.program_id or not user.is_authenticated:
        return {"progress": None}
    records, confirmations = _records_of(user)
    return {
        "program": draft.program,
        "progress": progress_of(
            [(draft.program, _renewal_since(draft))],
            registrations=records.registrations,
            confirmations=confirmations,
        )[0],
    }


@register.inclusion_tag("learning/includes/application_progress.html", takes_context=True)
def renewal_progress(context, certificate):
    """On the renewal form: what the holder earned toward the program since `certificate` was issued."""
    user = context["request"].user
    if certificate is None or not user.is_authenticated:
        return {"progress": None}
    records, confirmations = _records_of(user)
    return {
        "program": certificate.program,
        "since": certificate.issued_on,
        "progress": progress_of(
            [(certificate.program, certificate.issued_on)],
            registrations=records.registrations,
            confirmations=confirmations,
        )[0],
    }


@register.inclusion_tag("learning/includes/review_progress.html")
def review_progress(application):
    """For the reviewer: the applicant's progress toward the application's program, from the records
    of the application's email address (for a renewal, since the renewed certificate was issued)."""
    if application is None or not application.email:
        return {"progress": None}
    [progress] = progress_of(
        [(application.program, _renewal_since(application))],
        registrations=registrations_by_email([application.email]),
        confirmations=confirmations_by_email([application.email]),
    )
    return {"application": application, "progress": progress}
