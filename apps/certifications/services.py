"""Every write to an application's status, and the certificates that approvals issue.

Each transition is one atomic function: it re-reads the application with `select_for_update()`,
refuses a change that `ALLOWED_TRANSITIONS` does not list (raising `InvalidTransition` with a
message fit for a person), saves with `update_fields`, records an `ApplicationEvent`, and queues
the applicant's email for after the commit. Two reviewers acting at once are serialised by the
row lock: the second sees the first one's result and is refused if it no longer applies.
"""

from datetime import timedelta
from functools import partial

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.core.emails import queue_email

from .emails import email_queue
from .lookup import send_status_link
from .models import (
    ALLOWED_TRANSITIONS,
    DECIDED,
    Application,
    ApplicationDocument,
    ApplicationEvent,
    ApplicationNote,
    Certificate,
    EmailEvent,
    Kind,
    ReferenceCounter,
    Status,
)
from .tokens import DRAFT_MAX_AGE, certificate_url, draft_url, status_url, verify_url

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


def _transition(application, to_status, *, actor=None, message="", extra=None, from_statuses=None, verb=None):
    """Move `application` to `to_status` under a row lock; return the fresh, saved row.

    `extra` maps further fields to values saved in the same update. `from_statuses` narrows the
    table for an action that reaches a status also reached otherwise (starting a review and
    reopening a decision both lead to "in review"); `verb` names the action in the refusal.
    Must run inside a transaction.
    """
    locked = Application.objects.select_for_update().get(pk=application.pk)
    allowed = to_status in ALLOWED_TRANSITIONS[locked.status]
    if not allowed or (from_statuses is not None and locked.status not in from_statuses):
        raise InvalidTransition(
            f"Application {locked.reference or '(draft)'} is {locked.get_status_display().lower()}; "
            f"it cannot be {verb or _VERB[to_status]} now."
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
    """Queue the applicant's email for `event` (e.g. "approved"), in staff's wording if they set one."""
    email_queue(
        to=[application.email],
        event=f"application_{event}",
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


# APPLICANT DRAFTS AND DOCUMENTS

MAX_DOCUMENTS = 8  # per application, all kinds together


def application_draft_save(*, application, documents=(), removed=()):
    """Save a new or existing draft with its documents, and email the private link to continue it.

    `documents` are (kind, CleanFile) pairs, already validated; `removed` are stored documents of
    this draft to delete. All or nothing: if anything fails, no row is kept and no file stays in
    storage. Raises InvalidTransition if the draft was submitted meanwhile (a second tab or click).
    """

    def save(stored):
        draft = _draft_store(application, documents, removed, stored)
        queue_email(
            to=[draft.email],
            template="certifications/email/application_draft_saved",
            context={"application": draft, "draft_url": draft_url(draft), "valid_days": DRAFT_MAX_AGE.days},
        )
        return draft

    return _atomic_with_files(save)


def application_draft_submit(*, application, documents=(), removed=()):
    """Save a complete application with its documents and submit it, in one transaction.

    Gives the reference number, queues the applicant's confirmation and the staff notice. The
    form has checked completeness; the database checks the invariants again.
    """

    def submit(stored):
        draft = _draft_store(application, documents, removed, stored)
        submitted = application_submit(application=draft)
        queue_email(
            to=[settings.STAFF_NOTIFICATION_EMAIL],
            reply_to=[submitted.email],
            template="certifications/email/application_received_staff",
            context={
                "application": submitted,
                "admin_url": f"{settings.SITE_URL}/admin/certifications/application/{submitted.pk}/change/",
                "document_count": submitted.documents.count(),
            },
        )
        return submitted

    return _atomic_with_files(submit)


def application_answer(*, application, message, documents=()):
    """The applicant answers an information request with a message and any documents asked for;
    the application returns to the review queue. All or nothing, like a submission."""

    def answer(stored):
        answered = application_respond(application=application, message=message)
        _documents_add(answered, documents, stored)
        return answered

    return _atomic_with_files(answer)


def application_documents_add(*, application, documents):
    """Attach validated documents ((kind, CleanFile) pairs) to an application, all or none."""

    def add(stored):
        locked = Application.objects.select_for_update().get(pk=application.pk)
        return _documents_add(locked, documents, stored)

    return _atomic_with_files(add)


def application_status_link_request(*, reference, email):
    """Queue the lookup of `reference` + `email`; the worker emails a status link on a match only.

    The request does the same work whether or not they match (see lookup.py)."""
    transaction.on_commit(partial(send_status_link.enqueue, reference=reference, email=email))


def application_links_revoke(*, application):
    """Invalidate every private link (status and draft) sent so far; new ones work again."""
    Application.objects.filter(pk=application.pk).update(token_version=F("token_version") + 1)
    application.refresh_from_db(fields=["token_version"])
    return application


def application_drafts_purge(*, older_than):
    """Delete drafts untouched since `older_than` (their private links have expired), with their
    files. Returns how many drafts were deleted."""
    with transaction.atomic():
        ids = list(
            Application.objects.select_for_update()
            .filter(status=Status.DRAFT, updated_at__lt=older_than)
            .values_list("pk", flat=True)
        )
        names = list(ApplicationDocument.objects.filter(application__in=ids).values_list("file", flat=True))
        Application.objects.filter(pk__in=ids).delete()
        # The field history would otherwise keep the personal details of a draft nobody submitted.
        Application.history.filter(id__in=ids).delete()
        _delete_files_on_commit(names)
    return len(ids)


def documents_orphaned_delete(*, older_than):
    """Delete stored files that no document row names and that are older than `older_than`: left
    behind by a crash between storing and committing, or by rows deleted in bulk. Returns how many."""
    storage = ApplicationDocument._meta.get_field("file").storage
    known = set(ApplicationDocument.objects.values_list("file", flat=True))
    deleted = 0
    for name in _walk(storage, "applications"):
        if name not in known and storage.get_modified_time(name) < older_than:
            storage.delete(name)
            deleted += 1
    return deleted


def _walk(storage, folder):
    if not storage.exists(folder):
        return
    folders, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _walk(storage, f"{folder}/{sub}")


def _draft_store(application, documents, removed, stored):
    """Insert or update the draft row (locked), replace and add its documents; returns the saved row."""
    if application.pk:
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != Status.DRAFT:
            raise InvalidTransition("This application has already been submitted.")
        application.token_version = locked.token_version
    application.save()
    names = [d.file.name for d in removed]
    ApplicationDocument.objects.filter(application=application, pk__in=[d.pk for d in removed]).delete()
    _delete_files_on_commit(names)
    _documents_add(application, documents, stored)
    return application


def _documents_add(application, documents, stored):
    """Store validated files under generated names; `stored` collects the names for cleanup."""
    if application.documents.count() + len(documents) > MAX_DOCUMENTS:
        raise InvalidTransition(f"An application holds at most {MAX_DOCUMENTS} documents.")
    for kind, clean_file in documents:
        document = ApplicationDocument(
            application=application,
            kind=kind,
            original_name=clean_file.original_name,
            content_type=clean_file.content_type,
            size=clean_file.size,
            sha256=clean_file.sha256,
        )
        content = clean_file.as_content_file()
        document.file.save(content.name, content, save=False)
        stored.append(document.file.name)
        document.save()
    return application


def _atomic_with_files(work):
    """Run `work(stored)` in a transaction; if it fails, delete the files it stored (a database
    rollback cannot take back what was written to storage)."""
    stored = []
    try:
        with transaction.atomic():
            return work(stored)
    except BaseException:
        storage = ApplicationDocument._meta.get_field("file").storage
        for name in stored:
            storage.delete(name)
        raise


def _delete_files_on_commit(names):
    # After the commit only: a rollback must find the files its rows still point to.
    storage = ApplicationDocument._meta.get_field("file").storage
    for name in names:
        transaction.on_commit(partial(storage.delete, name))


# STAFF ACTIONS


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


@transaction.atomic
def application_start_review(*, application, reviewer):
    """Take a submitted application into review, assigning it to `reviewer` when unassigned,
    and tell the applicant that the review has started."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    extra = {} if locked.assigned_to_id else {"assigned_to": reviewer}
    application = _transition(locked, Status.IN_REVIEW, actor=reviewer, extra=extra, from_statuses={Status.SUBMITTED})
    _email_applicant(application, "review_started")
    return application


@transaction.atomic
def application_request_info(*, application, reviewer, message):
    """Ask the applicant for more information; the message is emailed and shown on the status page."""
    message = _require(message, "A message to the applicant")
    application = _transition(application, Status.INFO_REQUESTED, actor=reviewer, message=message)
    _email_applicant(application, "info_requested", message=message)
    return application


@transaction.atomic
def application_approve(*, application, reviewer, message=""):
    """Approve and issue the certificate in one transaction; the email carries the certificate's
    number, its public verification address and the holder's private printable link."""
    message = (message or "").strip()
    application = _transition(
        application, Status.APPROVED, actor=reviewer, message=message, extra={"decided_at": timezone.now()}
    )
    certificate = certificate_issue(application=application)
    _email_applicant(
        application,
        "approved",
        certificate=certificate,
        message=message,
        verify_url=verify_url(certificate),
        certificate_url=certificate_url(certificate),
    )
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
    its certificate, since the decision it attests is no longer standing. The reason is the
    applicant's to read, like every timeline message."""
    if not user.has_perm(REOPEN_PERMISSION):
        raise InvalidTransition("Only site administrators can reopen a decision.")
    reason = _require(reason, "A reason for reopening")
    application = _transition(
        application,
        Status.IN_REVIEW,
        actor=user,
        message=reason,
        extra={"decided_at": None},
        from_statuses=DECIDED,
        verb="reopened",
    )
    certificate = Certificate.objects.select_for_update().filter(application=application).first()
    if certificate and certificate.status != Certificate.Status.REVOKED:
        _revoke(certificate, user=user, reason=f"Decision reopened: {reason}")
    _email_applicant(application, "reopened", message=reason)
    return application


def application_note_add(*, application, author, text):
    """Add a staff-only note; never shown to the applicant."""
    text = _require(text, "The note")
    return ApplicationNote.objects.create(application=application, author=author, text=text)


def applications_assign(*, applications, reviewer):
    """Assign each of `applications` to `reviewer`; return (how many, refusal messages)."""
    return _each(applications, lambda application: application_assign(application=application, reviewer=reviewer))


def applications_start_review(*, applications, reviewer):
    """Take each submitted one of `applications` into review; return (how many, refusal messages).

    Each application is its own transaction, so one refusal leaves the others done."""
    return _each(applications, lambda application: application_start_review(application=application, reviewer=reviewer))


def _each(applications, action):
    done, refused = 0, []
    for application in applications:
        try:
            action(application)
        except InvalidTransition as error:
            refused.append(str(error))
        else:
            done += 1
    return done, refused


# CERTIFICATES


def certificate_issue(*, application):
    """Issue the certificate of an approved application (called by `application_approve`).

    Runs inside the approval's transaction and row lock, so one application never gets two."""
    if application.status != Status.APPROVED:
        raise InvalidTransition("Only an approved application receives a certificate.")
    today = timezone.localdate()
    expires_on = today + relativedelta(months=application.program.validity_months)
    existing = Certificate.objects.select_for_update().filter(application=application).first()
    if existing is not None:
        # A reopened and re-approved application gets its certificate back, with fresh dates.
        existing.status = Certificate.Status.ACTIVE
        existing.issued_on, existing.expires_on = today, expires_on
        existing.revoked_at, existing.revoked_reason, existing.revoked_by = None, "", None
        existing.reminded_90_at = existing.reminded_30_at = existing.reminded_0_at = None
        existing.save()
        return existing
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
        # A site is public by nature once certified; a person only with their consent.
        listed_publicly=True if is_site else application.list_in_registry,
        issued_on=today,
        expires_on=expires_on,
    )


def _revoke(certificate, *, user, reason):
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason
    certificate.revoked_by = user
    certificate.save(update_fields=["status", "revoked_at", "revoked_reason", "revoked_by", "updated_at"])
    return certificate


def _email_holder(certificate, event, **context):
    email_queue(
        to=[certificate.email],
        event=event,
        context={
            "certificate": certificate,
            "verify_url": verify_url(certificate),
            "certificate_url": certificate_url(certificate),
            **context,
        },
    )


@transaction.atomic
def certificate_revoke(*, certificate, user, reason):
    """Site administrators only: revoke a certificate with a reason, and tell the holder.

    The verification page and the registry change at once; the reason stays internal there."""
    if not user.has_perm(REVOKE_PERMISSION):
        raise InvalidTransition("Only site administrators can revoke a certificate.")
    reason = _require(reason, "A reason for the revocation")
    locked = Certificate.objects.select_for_update().select_related("program", "application").get(pk=certificate.pk)
    if locked.status == Certificate.Status.REVOKED:
        raise InvalidTransition(f"Certificate {locked.number} is already revoked.")
    certificate = _revoke(locked, user=user, reason=reason)
    _email_holder(certificate, EmailEvent.CERTIFICATE_REVOKED, message=reason)
    return certificate


@transaction.atomic
def certificate_change_expiry(*, certificate, expires_on):
    """A new expiry date set by staff: the renewal reminders start over and an expired
    certificate given a future date is active again (a revoked one stays revoked)."""
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if expires_on <= locked.issued_on:
        raise InvalidTransition("The expiry date must come after the date of issue.")
    locked.expires_on = expires_on
    locked.reminded_90_at = locked.reminded_30_at = locked.reminded_0_at = None
    if locked.status != Certificate.Status.REVOKED:
        today = timezone.localdate()
        locked.status = Certificate.Status.ACTIVE if expires_on >= today else Certificate.Status.EXPIRED
    locked.save(
        update_fields=["expires_on", "status", "reminded_90_at", "reminded_30_at", "reminded_0_at", "updated_at"]
    )
    return locked


# RENEWAL REMINDERS AND EXPIRY (the daily task in tasks.py)

# (field recording the send, email, first and last day of the window counted in days to expiry).
# A window rather than one exact day means a day the task did not run is caught up the next day.
REMINDER_STAGES = [
    ("reminded_90_at", EmailEvent.CERTIFICATE_REMINDER_90, 90, 31),
    ("reminded_30_at", EmailEvent.CERTIFICATE_REMINDER_30, 30, 1),
    ("reminded_0_at", EmailEvent.CERTIFICATE_REMINDER_0, 0, -7),
]


def certificates_send_reminders(*, today=None):
    """Email each holder 90 and 30 days before expiry and on the day, once each; return
    {field: how many sent}. A reminder is claimed by a conditional update before its email is
    queued, so running this twice, even at the same time, never sends anything twice."""
    today = today or timezone.localdate()
    sent = {}
    for field, event, first_day, last_day in REMINDER_STAGES:
        due = (
            Certificate.objects.exclude(status=Certificate.Status.REVOKED)
            .filter(
                expires_on__lte=today + timedelta(days=first_day),
                expires_on__gte=today + timedelta(days=last_day),
                **{f"{field}__isnull": True},
            )
            .select_related("program", "application")
            .order_by("expires_on", "pk")
        )
        sent[field] = 0
        for certificate in due.iterator(chunk_size=500):
            with transaction.atomic():
                claimed = Certificate.objects.filter(pk=certificate.pk, **{f"{field}__isnull": True}).update(
                    **{field: timezone.now()}
                )
                if claimed:
                    _email_holder(certificate, event)
                    sent[field] += 1
    return sent


def certificates_expire(*, today=None):
    """Mark active certificates past their expiry date as expired; return how many.

    Readers never wait for this: `Certificate.objects.active()` and `effective_status()` already
    treat a past date as expired. Each row is saved so that the field history records the change."""
    today = today or timezone.localdate()
    expired = 0
    for pk in Certificate.objects.filter(status=Certificate.Status.ACTIVE, expires_on__lt=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            certificate = (
                Certificate.objects.select_for_update()
                .filter(pk=pk, status=Certificate.Status.ACTIVE, expires_on__lt=today)
                .first()
            )
            if certificate is not None:
                certificate.status = Certificate.Status.EXPIRED
                certificate.save(update_fields=["status", "updated_at"])
                expired += 1
    return expired


def certificates_daily(*, today=None):
    """The daily run: reminders first (the day-of reminder goes to a certificate still active
    today), then expiry. Returns a summary for the log and the command's output."""
    sent = certificates_send_reminders(today=today)
    return {**sent, "expired": certificates_expire(today=today)}
