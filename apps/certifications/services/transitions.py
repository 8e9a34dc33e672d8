"""Every change of an application's status: one atomic function per action of the lifecycle table.

Each re-reads the application with `select_for_update()`, refuses what `lifecycle.LIFECYCLE` does
not allow (`InvalidTransition`, `NotPermitted`, `MessageRequired`, with a message fit for a
person), saves with `update_fields`, records an `ApplicationEvent`, and queues the applicant's
email (the action's `email`) for after the commit. Two reviewers acting at once are serialised
by the row lock: the second sees the first one's result and is refused if it no longer applies.

A staff action's service is `application_<action.name>(*, application, reviewer, message="")`;
the admin finds it by that name. `reviewer=None` is the portal itself (sample data), which the
permission check does not apply to.
"""

from django.db import transaction
from django.utils import timezone

from apps.core.emails import email_queue

from ..emails import template
from ..lifecycle import (
    ANSWER,
    APPROVE,
    AUDIT,
    AUDIT_LAPSE,
    REJECT,
    REOPEN,
    REQUEST_INFO,
    RESUME_REVIEW,
    START_REVIEW,
    SUBMIT,
    WITHDRAW,
    Message,
)
from ..models import Application, ApplicationEvent, ApplicationNote, Certificate, Status
from ..signals import current_certificate_changed
from ..tokens import certificate_url, status_url, verify_url
from .certificates import certificate_issue, certificate_mark_revoked
from .documents import atomic_with_files, documents_store
from .errors import InvalidTransition, MessageRequired, NotPermitted, ServiceError
from .numbers import REFERENCE_PREFIX, next_number

# THE TRANSITION CORE


def _transition(application, action, *, actor=None, message="", extra=None):
    """Move `application` by `action` under a row lock; return the fresh, saved row.

    `extra` maps further fields to values saved in the same update. Must run inside a transaction.
    """
    if action.permission and actor is not None and not actor.has_perm(action.permission):
        raise NotPermitted(action.forbidden)
    message = (message or "").strip() if action.message != Message.NONE else ""
    if action.message == Message.REQUIRED and not message:
        raise MessageRequired(action.message_missing)
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if not action.allows(locked.status):
        raise InvalidTransition(
            f"Application {locked.reference or '(draft)'} is {locked.get_status_display().lower()}; "
            f"it cannot be {action.verb} now."
        )
    from_status = locked.status
    locked.status = action.target
    extra = extra(locked) if callable(extra) else (extra or {})
    for name, value in extra.items():
        setattr(locked, name, value)
    locked.save(update_fields={"status", "updated_at", *extra})
    ApplicationEvent.objects.create(
        application=locked, actor=actor, from_status=from_status, to_status=action.target, message=message
    )
    return locked


def _email_applicant(application, action, *, email="", **context):
    """Queue the applicant's email of `action` (or `email` in its place; in staff's wording if they
    set one), if it has one."""
    email = email or action.email
    if email:
        email_queue(
            to=[application.email],
            template=template(email),
            context={"application": application, "status_url": status_url(application), **context},
        )


def _assign_if_unassigned(reviewer):
    return lambda locked: {} if locked.assigned_to_id else {"assigned_to": reviewer}


# APPLICANT ACTIONS


@transaction.atomic
def application_submit(*, application):
    """Submit a complete draft: give it its reference number and queue the confirmation email.

    The caller has validated completeness (the forms do); the database checks the invariants too.
    """
    if application.status != Status.DRAFT:
        raise InvalidTransition("This application has already been submitted.")
    reference = next_number(REFERENCE_PREFIX[application.kind])
    application = _transition(application, SUBMIT, extra={"reference": reference, "submitted_at": timezone.now()})
    _email_applicant(application, SUBMIT, email="renewal_submitted" if application.is_renewal else "")
    return application


@transaction.atomic
def application_withdraw(*, application, message=""):
    """The applicant withdraws before a decision."""
    application = _transition(application, WITHDRAW, message=message)
    _email_applicant(application, WITHDRAW)
    return application


def application_answer(*, application, message, documents=()):
    """The applicant answers an information request with a message and any documents asked for
    ((kind, CleanFile) pairs, already validated): the application waits for its reviewer as
    "answer received", first in the queue. All or nothing, like a submission."""

    def answer(stored):
        answered = _transition(application, ANSWER, message=message)
        documents_store(answered, documents, stored)
        _email_applicant(answered, ANSWER)
        return answered

    return atomic_with_files(answer)


@transaction.atomic
def application_audit(*, application, message):
    """Ask the holder of a renewal drawn for audit for their evidence, due in the program's audit
    days; the request is answered on the status page like a reviewer's (services/renewals.py sends it)."""

    def deadline(locked):
        if not locked.audit_selected:
            raise InvalidTransition("Only a renewal drawn for audit is asked for audit evidence.")
        return {"audit_due_on": locked.program.audit_due_on()}

    application = _transition(application, AUDIT, message=message, extra=deadline)
    _email_applicant(application, AUDIT, message=message.strip())
    return application


@transaction.atomic
def application_audit_lapse(*, application, message):
    """Return an audit unanswered past its deadline to review (the daily job, renewals_audits_lapse):
    it comes up in the queue marked "audit overdue", and the holder is told that a reviewer decides."""

    def overdue(locked):
        if not (locked.audit_selected and locked.audit_due_on and locked.audit_due_on < timezone.localdate()):
            raise InvalidTransition("Only an audit past its deadline is returned to review as overdue.")
        return {"audit_overdue_at": timezone.now()}

    application = _transition(application, AUDIT_LAPSE, message=message, extra=overdue)
    _email_applicant(application, AUDIT_LAPSE, message=message.strip())
    return application


# STAFF ACTIONS


@transaction.atomic
def application_start_review(*, application, reviewer, message=""):
    """Take a submitted application into review, assigning it to `reviewer` when unassigned,
    and tell the applicant that the review has started."""
    application = _transition(application, START_REVIEW, actor=reviewer, extra=_assign_if_unassigned(reviewer))
    _email_applicant(application, START_REVIEW)
    return application


@transaction.atomic
def application_resume_review(*, application, reviewer, message=""):
    """Take an answered application back into review, assigning it to `reviewer` when unassigned.
    No email: the applicant was told when the review started."""
    application = _transition(application, RESUME_REVIEW, actor=reviewer, extra=_assign_if_unassigned(reviewer))
    _email_applicant(application, RESUME_REVIEW)
    return application


@transaction.atomic
def application_request_info(*, application, reviewer, message):
    """Ask the applicant for more information; the message is emailed and shown on the status page."""
    application = _transition(application, REQUEST_INFO, actor=reviewer, message=message)
    _email_applicant(application, REQUEST_INFO, message=message.strip())
    return application


@transaction.atomic
def application_approve(*, application, reviewer, message=""):
    """Approve and issue the certificate in one transaction; the email carries the certificate's
    number, its public verification address and the holder's private printable link."""
    application = _transition(
        application, APPROVE, actor=reviewer, message=message, extra={"decided_at": timezone.now()}
    )
    certificate = certificate_issue(application=application)
    _email_applicant(
        application,
        APPROVE,
        certificate=certificate,
        message=(message or "").strip(),
        verify_url=verify_url(certificate),
        certificate_url=certificate_url(certificate),
    )
    return application


@transaction.atomic
def application_reject(*, application, reviewer, message):
    """Reject with a reason, which the applicant reads in the email and on the status page."""
    application = _transition(
        application, REJECT, actor=reviewer, message=message, extra={"decided_at": timezone.now()}
    )
    _email_applicant(application, REJECT, message=message.strip())
    return application


@transaction.atomic
def application_reopen(*, application, reviewer, message):
    """Site administrators only: take a decision back to review. Reopening an approval revokes
    its certificate, since the decision it attests is no longer standing. The reason is the
    applicant's to read, like every timeline message."""
    application = _transition(application, REOPEN, actor=reviewer, message=message, extra={"decided_at": None})
    reason = message.strip()
    certificate = Certificate.objects.select_for_update().filter(application=application).first()
    if certificate and certificate.status != Certificate.Status.REVOKED:
        certificate_mark_revoked(certificate, user=reviewer, reason=f"Decision reopened: {reason}")
        if certificate.renews_id:
            # The renewed certificate is the line's current one again.
            current_certificate_changed.send(sender=Certificate, previous=certificate, certificate=certificate.renews)
    _email_applicant(application, REOPEN, message=reason)
    return application


def staff_action_service(action):
    """The service of a staff action of the lifecycle table: `application_<action.name>`."""
    return globals()[f"application_{action.name}"]


# ASSIGNMENT AND NOTES (not status changes)


@transaction.atomic
def application_assign(*, application, reviewer):
    """Assign a reviewer (or None to unassign). Not a status change: any submitted application
    may be (re)assigned, for the record of who handled it; a draft is not in the queue yet."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status == Status.DRAFT:
        raise InvalidTransition("A draft is not in the review queue yet; it cannot be assigned.")
    locked.assigned_to = reviewer
    locked.save(update_fields=["assigned_to", "updated_at"])
    return locked


def application_note_add(*, application, author, text):
    """Add a staff-only note; never shown to the applicant."""
    text = (text or "").strip()
    if not text:
        raise MessageRequired("The note is required.")
    return ApplicationNote.objects.create(application=application, author=author, text=text)


def applications_assign(*, applications, reviewer):
    """Assign each of `applications` to `reviewer`; return (how many, refusal messages)."""
    return _each(applications, lambda application: application_assign(application=application, reviewer=reviewer))


def applications_start_review(*, applications, reviewer):
    """Take each submitted one of `applications` into review, and each answered one back into
    review; return (how many, refusal messages). Each application is its own transaction, so one
    refusal leaves the others done."""

    def start(application):
        service = application_resume_review if application.status == Status.ANSWERED else application_start_review
        return service(application=application, reviewer=reviewer)

    return _each(applications, start)


def _each(applications, action):
    done, refused = 0, []
    for application in applications:
        try:
            action(application)
        except ServiceError as error:
            refused.append(str(error))
        else:
            done += 1
    return done, refused
