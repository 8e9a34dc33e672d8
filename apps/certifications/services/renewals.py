"""Renewal: a holder renews a certificate from what the portal already knows.

A renewal is an application (`Application.renews` names the certificate) prefilled from the
certificate and the application behind it. The holder confirms or corrects the details, attests
what the program asks and adds its renewal documents; at submission a share of renewals (the
program's audit rate) is drawn at random for audit, recorded once, and an audited holder is asked
for evidence through the information-request round trip. Its approval issues the next certificate
of the line (services/certificates.py: `validity_starts_on`, `certificate_issue`).
"""

import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from apps.core.emails import email_queue

from ..models import RENEWAL_UNDER_WAY, Application, Certificate, Status
from ..sections import answer, label, renewal_sections_of
from . import transitions
from .documents import atomic_with_files
from .drafts import _draft_store
from .errors import InvalidTransition

# What a renewal takes from the certificate rather than from the application behind it: staff may
# have corrected the certificate (its name, its address) since.
FROM_CERTIFICATE = ["email", "country", "city"]
# What the holder confirms again each time: the privacy notice may have changed since.
ASKED_AGAIN = {"consent_privacy"}


def renewal_under_way(certificate):
    """The renewal of `certificate` submitted and not withdrawn or rejected (or approved), if any."""
    return certificate.renewals.filter(status__in=RENEWAL_UNDER_WAY).order_by("-submitted_at").first()


def renewal_draft(certificate):
    """The renewal of `certificate` saved as a draft, if any."""
    return certificate.renewals.filter(status=Status.DRAFT).prefetch_related("documents").first()


def renewal_prefill(certificate):
    """A new, unsaved renewal of `certificate`: the details of the application behind it, with the
    certificate's own name and address, for the holder to confirm or correct."""
    previous = certificate.application
    renewal = Application(kind=certificate.kind, program=certificate.program, renews=certificate)
    for section in renewal_sections_of(certificate.kind):
        for name in section.field_names:
            if name not in ASKED_AGAIN:
                setattr(renewal, name, getattr(previous, name))
    for name in FROM_CERTIFICATE:
        setattr(renewal, name, getattr(certificate, name) or getattr(previous, name))
    name_field = "full_name" if certificate.kind == "individual" else "organisation_name"
    setattr(renewal, name_field, certificate.holder_name)
    # The registry listing carries over as the holder had it.
    renewal.list_in_registry = certificate.listed_publicly if certificate.kind == "individual" else False
    return renewal


def renewal_refusal(certificate, today=None):
    """Why `certificate` cannot be renewed now, in words for its holder; "" when it can."""
    state = certificate.renewal_state(today)
    if certificate.is_renewed:
        return f"Certificate {certificate.number} has already been renewed by {certificate.renewed_by.number}."
    if state == Certificate.RenewalState.NOT_YET:
        return f"Renewal of {certificate.number} opens on {date_format(certificate.renewal_opens_on)}."
    if state == Certificate.RenewalState.CLOSED:
        if certificate.status == Certificate.Status.REVOKED:
            return f"Certificate {certificate.number} has been revoked; it cannot be renewed."
        return (
            f"The renewal of {certificate.number} closed on {date_format(certificate.renewal_closes_on)}. "
            "Please apply for certification anew."
        )
    return ""


def _check_renewable(certificate):
    locked = Certificate.objects.select_for_update().select_related("program").get(pk=certificate.pk)
    refusal = renewal_refusal(locked)
    if refusal:
        raise InvalidTransition(refusal)
    if renewal_under_way(locked) is not None:
        raise InvalidTransition(f"A renewal of {locked.number} is already under way.")
    return locked


def renewal_draft_save(*, application, attestations, documents=(), removed=()):
    """Save the renewal as a draft (to come back to from My NMT), with its documents; all or nothing."""

    def save(stored):
        _check_renewable(application.renews)
        application.attestations = list(attestations)
        return _draft_store(application, documents, removed, stored)

    return atomic_with_files(save)


def renewal_submit(*, application, attestations, documents=(), removed=(), rng=None):
    """Submit a complete renewal with its documents in one transaction: its reference, the holder's
    confirmation and the staff notice, then the audit draw (and, if drawn, the audit request).

    `rng` is the random source of the draw (`random.Random(seed)` in tests); the system's by default."""

    def submit(stored):
        _check_renewable(application.renews)
        application.attestations = list(attestations)
        draft = _draft_store(application, documents, removed, stored)
        submitted = transitions.application_submit(application=draft)
        _notify_staff(submitted)
        if renewal_audit_draw(application=submitted, rng=rng):
            submitted = transitions.application_audit(application=submitted, message=audit_message(submitted))
        return submitted

    return atomic_with_files(submit)


def _notify_staff(application):
    email_queue(
        to=[settings.STAFF_NOTIFICATION_EMAIL],
        reply_to=[application.email],
        template="certifications/email/application_received_staff",
        context={
            "application": application,
            "admin_url": f"{settings.SITE_URL}/admin/certifications/application/{application.pk}/change/",
            "document_count": application.documents.count(),
        },
    )


@transaction.atomic
def renewal_audit_draw(*, application, rng=None):
    """Draw the submitted renewal for audit with the program's probability, once: the result and
    its time are recorded, and a second draw returns the first one's result. Returns whether drawn."""
    locked = Application.objects.select_for_update().select_related("program").get(pk=application.pk)
    if not locked.is_renewal or locked.status == Status.DRAFT:
        raise InvalidTransition("Only a submitted renewal is drawn for audit.")
    if locked.audit_selected is not None:
        return locked.audit_selected
    rng = rng or secrets.SystemRandom()
    locked.audit_selected = rng.random() * 100 < locked.program.renewal_audit_percent
    locked.audit_drawn_at = timezone.now()
    locked.save(update_fields=["audit_selected", "audit_drawn_at", "updated_at"])
    application.audit_selected, application.audit_drawn_at = locked.audit_selected, locked.audit_drawn_at
    return locked.audit_selected


def audit_message(application):
    """The audit request the holder reads in the email and on their status page."""
    program = application.program
    due_on = program.audit_due_on()
    statements = "\n".join(f"- {statement}" for statement in application.attestations) or "- your renewal"
    return (
        f"Your renewal has been drawn at random for audit: {program.name} audits {program.renewal_audit_percent}% "
        "of renewals, so that what every holder attests can be trusted.\n\n"
        f"Please send evidence of what you attested by {date_format(due_on)}:\n{statements}\n\n"
        "For example, training certificates, a supervisor's letter or a summary of case consultations. "
        "Answer on your renewal's status page and attach the documents; your renewal then goes to a reviewer."
    )


def lapse_message(application):
    return (
        f"The evidence for the audit of your renewal was due on {date_format(application.audit_due_on)} and has "
        "not reached us. Your renewal is back with a reviewer, who will decide on what we have or write to you."
    )


def renewals_audits_lapse(*, today=None):
    """Return every audit unanswered past its deadline to review (the daily run); returns how many.
    Each is its own transaction under the row lock, so a holder answering at that moment wins or
    loses cleanly, and a second run finds nothing more."""
    lapsed = 0
    for application in Application.objects.audits_lapsing(today).select_related("program").order_by("pk"):
        try:
            transitions.application_audit_lapse(application=application, message=lapse_message(application))
        except InvalidTransition:
            continue  # answered or withdrawn meanwhile
        lapsed += 1
    return lapsed


def renewal_changes(application):
    """What the holder changed in the renewal since the application behind the certificate it
    renews: [(label, before, after)] in the order of the renewal's questions."""
    if not application.is_renewal:
        return []
    previous = application.renews.application
    changes = []
    for section in renewal_sections_of(application.kind):
        for name in section.field_names:
            if name in ASKED_AGAIN:
                continue
            before, after = answer(previous, name), answer(application, name)
            if before != after:
                changes.append((label(name), before, after))
    return changes
