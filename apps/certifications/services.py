"""Every write to an application's status, and the certificates that approvals issue.

Each transition is one atomic function: it re-reads the application with `select_for_update()`,
refuses a change that `ALLOWED_TRANSITIONS` does not list (raising `InvalidTransition` with a
message fit for a person), saves with `update_fields`, records an `ApplicationEvent`, and queues
the applicant's email for after the commit. Two reviewers acting at once are serialised by the
row lock: the second sees the first one's result and is refused if it no longer applies.
"""

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from apps.core.emails import queue_email

from .models import (
    ALLOWED_TRANSITIONS,
    Application,
    ApplicationEvent,
    Certificate,
    Kind,
    ReferenceCounter,
    Status,
)
from .tokens import status_url

REOPEN_PERMISSION = "certifications.reopen_application"
REVOKE_PERMISSION = "certifications.revoke_certificate"


class InvalidTransition(Exception):
    """A status change the lifecycle does not allow, or a required message that is missing."""


# NUMBERS


def next_number(prefix, *, year=None):
    """The next number like `NMT-I-2026-00042`, gapless within a year.

    The counter row is locked until the surrounding transaction ends, so concurrent callers wait
    for each other and never share a number; a rolled-back transaction gives its number back.
    """
    year = year or timezone.localdate().year
    with transaction.atomic():
        ReferenceCounter.objects.get_or_create(prefix=prefix, year=year)
        counter = ReferenceCounter.objects.select_for_update().get(prefix=prefix, year=year)
        counter.last_value += 1
        counter.save(update_fields=["last_value"])
    return f"{prefix}-{year}-{counter.last_value:05d}"


REFERENCE_PREFIX = {Kind.INDIVIDUAL: "NMT-I", Kind.SITE: "NMT-S"}
CERTIFICATE_PREFIX = "NMT-C"


# THE TRANSITION CORE


def _transition(application, to_status, *, actor=None, message="", extra=None):
    """Move `application` to `to_status` under a row lock; return the fresh, saved row.

    `extra` maps further fields to values saved in the same update. Must run inside a transaction.
    """
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if to_status not in ALLOWED_TRANSITIONS[locked.status]:
        raise InvalidTransition(
            f"Application {locked.reference or '(draft)'} is {locked.get_status_display().lower()}; "
            f"it cannot be {_VERB[to_status]} now."
        )
    from_status = locked.status
    locked.status = to_status
    fields = {"status", "updated_at", *(extra or {})}
    for name, value in (extra or {}).items():
        setattr(locked, name, value)
    locked.save(update_fields=fields)
    ApplicationEvent.objects.create(
        application=locked, actor=actor, from_status=from_status, to_status=to_status, message=message
    )
    return locked


_VERB = {
    Status.DRAFT: "made a draft",
    Status.SUBMITTED: "submitted",
    Status.IN_REVIEW: "taken into review",
    Status.INFO_REQUESTED: "sent an information request",
    Status.APPROVED: "approved",
    Status.REJECTED: "rejected",
    Status.WITHDRAWN: "withdrawn",
}


def _require(text, what):
    text = (text or "").strip()
    if not text:
        raise InvalidTransition(f"{what} is required.")
    return text


def _email_applicant(application, event, **context):
    queue_email(
        to=[application.email],
        template=f"certifications/email/application_{event}",
        context={"application": application, "status_url": status_url(application), **context},
    )


# APPLICANT ACTIONS


@transaction.atomic
def application_submit(*, application):
    """Submit a complete draft: give it its reference number and queue the confirmation email.

    The caller has validated completeness (the forms do); the database checks the invariants too.
    """
    if application.status != Status.DRAFT:
        raise InvalidTransition("This application has already been submitted.")
    reference = next_number(REFERENCE_PREFIX[application.kind])
    application = _transition(
        application,
        Status.SUBMITTED,
        extra={"reference": reference, "submitted_at": timezone.now()},
    )
    _email_applicant(application, "submitted")
    return application


@transaction.atomic
def application_withdraw(*, application, message=""):
    """The applicant withdraws before a decision."""
    application = _transition(application, Status.WITHDRAWN, message=message.strip())
    _email_applicant(application, "withdrawn")
    return application


@transaction.atomic
def application_respond(*, application, message):
    """The applicant answers an information request; the application returns to the review queue.

    Documents uploaded with the answer are saved by the caller in the same transaction.
    """
    message = _require(message, "Your answer")
    return _transition(application, Status.SUBMITTED, message=message)


# STAFF ACTIONS


@transaction.atomic
def application_assign(*, application, reviewer):
    """Assign a reviewer (or None to unassign). Not a status change, so any open state allows it."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    locked.assigned_to = reviewer
    locked.save(update_fields=["assigned_to", "updated_at"])
    return locked


@transaction.atomic
def application_start_review(*, application, reviewer):
    """Take a submitted application into review, assigning it to `reviewer` when unassigned."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    extra = {} if locked.assigned_to_id else {"assigned_to": reviewer}
    return _transition(locked, Status.IN_REVIEW, actor=reviewer, extra=extra)


@transaction.atomic
def application_request_info(*, application, reviewer, message):
    """Ask the applicant for more information; the message is emailed and shown on the status page."""
    message = _require(message, "A message to the applicant")
    application = _transition(application, Status.INFO_REQUESTED, actor=reviewer, message=message)
    _email_applicant(application, "info_requested", message=message)
    return application


@transaction.atomic
def application_approve(*, application, reviewer, message=""):
    """Approve and issue the certificate, in one transaction."""
    application = _transition(
        application, Status.APPROVED, actor=reviewer, message=message.strip(), extra={"decided_at": timezone.now()}
    )
    certificate = certificate_issue(application=application)
    _email_applicant(application, "approved", certificate=certificate, message=message.strip())
    return application


@transaction.atomic
def application_reject(*, application, reviewer, reason):
    """Reject with a reason, which the applicant reads in the email and on the status page."""
    reason = _require(reason, "A reason for the rejection")
    application = _transition(
        application, Status.REJECTED, actor=reviewer, message=reason, extra={"decided_at": timezone.now()}
    )
    _email_applicant(application, "rejected", message=reason)
    return application


@transaction.atomic
def application_reopen(*, application, user, reason):
    """Site administrators only: take a decision back to review. Reopening an approval revokes
    its certificate, since the decision it attests is no longer standing."""
    if not user.has_perm(REOPEN_PERMISSION):
        raise InvalidTransition("Only site administrators can reopen a decision.")
    reason = _require(reason, "A reason for reopening")
    application = _transition(application, Status.IN_REVIEW, actor=user, message=reason, extra={"decided_at": None})
    certificate = Certificate.objects.filter(application=application).first()
    if certificate and certificate.status == Certificate.Status.ACTIVE:
        _revoke(certificate, user=user, reason=f"Decision reopened: {reason}")
    return application


# CERTIFICATES


def certificate_issue(*, application):
    """Issue the certificate of an approved application (called by `application_approve`)."""
    if application.status != Status.APPROVED:
        raise InvalidTransition("Only an approved application receives a certificate.")
    existing = Certificate.objects.filter(application=application).first()
    if existing is not None:
        # A reopened and re-approved application gets its certificate back, with fresh dates.
        today = timezone.localdate()
        existing.status = Certificate.Status.ACTIVE
        existing.issued_on = today
        existing.expires_on = today + relativedelta(months=application.program.validity_months)
        existing.revoked_at, existing.revoked_reason, existing.revoked_by = None, "", None
        existing.reminded_90_at = existing.reminded_30_at = existing.reminded_0_at = None
        existing.save()
        return existing
    today = timezone.localdate()
    is_site = application.kind == Kind.SITE
    return Certificate.objects.create(
        number=next_number(CERTIFICATE_PREFIX),
        application=application,
        kind=application.kind,
        program=application.program,
        holder_name=application.applicant_name,
        email=application.email,
        country=application.country,
        city=application.city,
        listed_publicly=True if is_site else application.list_in_registry,
        issued_on=today,
        expires_on=today + relativedelta(months=application.program.validity_months),
    )


def _revoke(certificate, *, user, reason):
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason
    certificate.revoked_by = user
    certificate.save(update_fields=["status", "revoked_at", "revoked_reason", "revoked_by", "updated_at"])
    return certificate


@transaction.atomic
def certificate_revoke(*, certificate, user, reason):
    """Site administrators only: revoke an active certificate with a reason."""
    if not user.has_perm(REVOKE_PERMISSION):
        raise InvalidTransition("Only site administrators can revoke a certificate.")
    reason = _require(reason, "A reason for the revocation")
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.status == Certificate.Status.REVOKED:
        raise InvalidTransition(f"Certificate {locked.number} is already revoked.")
    return _revoke(locked, user=user, reason=reason)
