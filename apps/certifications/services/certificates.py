"""Certificates: issued by approvals, revoked, given a new expiry, reminded and expired daily."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.core.emails import email_queue

from ..emails import template
from ..models import RENEWAL_UNDER_WAY, Certificate, Kind, Status
from ..signals import current_certificate_changed
from ..tokens import certificate_url, renew_url, verify_url
from .errors import InvalidExpiry, InvalidTransition, MessageRequired, NotPermitted
from .numbers import next_certificate_number

REVOKE_PERMISSION = "certifications.revoke_certificate"


def certificate_build(*, application, number, issued_on):
    """The certificate an approval of `application` issues, unsaved: the one place that says what
    a certificate takes from its application. The approval saves it; the benchmark data builds
    thousands at once with it."""
    return Certificate(
        number=number,
        application=application,
        renews_id=application.renews_id,
        kind=application.kind,
        program=application.program,
        holder_name=application.applicant_name,
        email=application.email,
        country=application.country,
        city=application.city,
        # A site is public by nature once certified; a person only with their consent.
        listed_publicly=True if application.kind == Kind.SITE else application.list_in_registry,
        issued_on=issued_on,
        expires_on=issued_on + relativedelta(months=application.program.validity_months),
    )


def certificate_issue(*, application):
    """Issue the certificate of an approved application (called by `application_approve`).

    Runs inside the approval's transaction and row lock, so one application never gets two."""
    if application.status != Status.APPROVED:
        raise InvalidTransition("Only an approved application receives a certificate.")
    starts_on = validity_starts_on(application)
    existing = Certificate.objects.select_for_update().filter(application=application).first()
    if existing is None:
        certificate = certificate_build(application=application, number=next_certificate_number(), issued_on=starts_on)
        certificate.save()
        if certificate.renews_id:
            current_certificate_changed.send(sender=Certificate, previous=certificate.renews, certificate=certificate)
        return certificate
    # A reopened and re-approved application gets its certificate back, with fresh dates.
    fresh = certificate_build(application=application, number=existing.number, issued_on=starts_on)
    existing.status = Certificate.Status.ACTIVE
    existing.issued_on, existing.expires_on = fresh.issued_on, fresh.expires_on
    existing.revoked_at, existing.revoked_reason, existing.revoked_by = None, "", None
    existing.reminded_90_at = existing.reminded_30_at = existing.reminded_0_at = existing.reminded_grace_at = None
    # Fresh dates, fresh renewal: an extension given to the earlier dates no longer applies.
    existing.renewal_extended_until, existing.renewal_extension_reason, existing.renewal_extended_by = None, "", None
    existing.save()
    if existing.renews_id:
        current_certificate_changed.send(sender=Certificate, previous=existing.renews, certificate=existing)
    return existing


def validity_starts_on(application, today=None):
    """The first day of the certificate an approval issues: the approval day, or for a renewal
    approved on or before the old certificate's expiry, the day after it (no gap, no overlap)."""
    today = today or timezone.localdate()
    previous = application.renews
    if previous is not None and today <= previous.expires_on:
        return previous.expires_on + timedelta(days=1)
    return today


def certificate_mark_revoked(certificate, *, user, reason):
    """Revoke a locked certificate (for `certificate_revoke` and a reopened approval); no email."""
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason
    certificate.revoked_by = user
    certificate.save(update_fields=["status", "revoked_at", "revoked_reason", "revoked_by", "updated_at"])
    return certificate


def _email_holder(certificate, event, **context):
    email_queue(
        to=[certificate.email],
        template=template(event),
        context={
            "certificate": certificate,
            "verify_url": verify_url(certificate),
            "certificate_url": certificate_url(certificate),
            "renew_url": renew_url(certificate),
            **context,
        },
    )


@transaction.atomic
def certificate_revoke(*, certificate, user, reason):
    """Site administrators only: revoke a certificate with a reason, and tell the holder.

    The verification page and the registry change at once; the reason stays internal there."""
    if not user.has_perm(REVOKE_PERMISSION):
        raise NotPermitted("Only site administrators can revoke a certificate.")
    reason = (reason or "").strip()
    if not reason:
        raise MessageRequired("A reason for the revocation is required.")
    locked = Certificate.objects.select_for_update().select_related("program", "application").get(pk=certificate.pk)
    if locked.status == Certificate.Status.REVOKED:
        raise InvalidTransition(f"Certificate {locked.number} is already revoked.")
    certificate = certificate_mark_revoked(locked, user=user, reason=reason)
    _email_holder(certificate, "certificate_revoked", message=reason)
    return certificate


@transaction.atomic
def certificate_change_expiry(*, certificate, expires_on):
    """A new expiry date set by staff: the renewal reminders start over and an expired
    certificate given a future date is active again (a revoked one stays revoked)."""
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if expires_on <= locked.issued_on:
        raise InvalidExpiry("The expiry date must come after the date of issue.")
    locked.expires_on = expires_on
    locked.reminded_90_at = locked.reminded_30_at = locked.reminded_0_at = locked.reminded_grace_at = None
    if locked.status != Certificate.Status.REVOKED:
        today = timezone.localdate()
        locked.status = Certificate.Status.ACTIVE if expires_on >= today else Certificate.Status.EXPIRED
    locked.save(
        update_fields=[
            "expires_on",
            "status",
            "reminded_90_at",
            "reminded_30_at",
            "reminded_0_at",
            "reminded_grace_at",
            "updated_at",
        ]
    )
    return locked


# RENEWAL REMINDERS AND EXPIRY (the daily task in tasks.py)

# (field recording the send, email, first and last day of the window counted in days to expiry).
# A window rather than one exact day means a day the task did not run is caught up the next day.
REMINDER_STAGES = [
    ("reminded_90_at", "certificate_reminder_90", 90, 31),
    ("reminded_30_at", "certificate_reminder_30", 30, 1),
    ("reminded_0_at", "certificate_reminder_0", 0, -7),
]


def reminder_candidates():
    """Certificates a reminder may go to: not revoked, with an address (one kept after its holder's
    erasure has none), and no renewal under way or done (a withdrawn or rejected one restarts them)."""
    return (
        Certificate.objects.exclude(status=Certificate.Status.REVOKED)
        .exclude(email="")
        .exclude(renewals__status__in=RENEWAL_UNDER_WAY)
    )


def certificates_send_reminders(*, today=None):
    """Email each holder 90 and 30 days before expiry and on the day, once each; return
    {field: how many sent}. A reminder is claimed by a conditional update before its email is
    queued, so running this twice, even at the same time, never sends anything twice."""
    today = today or timezone.localdate()
    sent = {}
    for field, event, first_day, last_day in REMINDER_STAGES:
        due = (
            reminder_candidates()
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
                claimed = (
                    reminder_candidates()
                    .filter(pk=certificate.pk, **{f"{field}__isnull": True})
                    .update(**{field: timezone.now()})
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


# The reminder in the grace period goes this many days after expiry (earlier for a grace period
# shorter than twice that: at its middle), once, while the certificate may still be renewed.
GRACE_REMINDER_DAYS = 30


def grace_reminder_due_on(certificate):
    return certificate.expires_on + timedelta(
        days=min(GRACE_REMINDER_DAYS, max(1, certificate.program.renewal_grace_days // 2))
    )


def certificates_send_grace_reminders(*, today=None):
    """Email each holder whose certificate expired and is in its grace period ("expired N days ago,
    renew until …"), once; return how many. Claimed by a conditional update, like the others."""
    today = today or timezone.localdate()
    candidates = (
        reminder_candidates()
        .filter(reminded_grace_at__isnull=True, expires_on__lt=today)
        # A grace period is at most a year; a staff extension may reach beyond it.
        .filter(Q(expires_on__gte=today - timedelta(days=366)) | Q(renewal_extended_until__gte=today))
        .select_related("program", "application")
        .order_by("expires_on", "pk")
    )
    sent = 0
    for certificate in candidates.iterator(chunk_size=500):
        if not grace_reminder_due_on(certificate) <= today <= certificate.renewal_closes_on:
            continue
        with transaction.atomic():
            claimed = (
                reminder_candidates()
                .filter(pk=certificate.pk, reminded_grace_at__isnull=True)
                .update(reminded_grace_at=timezone.now())
            )
            if claimed:
                _email_holder(
                    certificate, "certificate_reminder_grace", days_expired=(today - certificate.expires_on).days
                )
                sent += 1
    return sent


def certificates_daily(*, today=None):
    """The daily run: reminders first (the day-of reminder goes to a certificate still active
    today), then expiry, then the renewal audits past their deadline back to review. Returns a
    summary for the log and the command's output."""
    from .renewals import renewals_audits_lapse  # renewals builds on transitions, which imports this module

    sent = certificates_send_reminders(today=today)
    sent["reminded_grace_at"] = certificates_send_grace_reminders(today=today)
    return {**sent, "expired": certificates_expire(today=today), "audits_overdue": renewals_audits_lapse(today=today)}


# RENEWAL EXTENSION (staff keep one certificate's renewal open past its grace period)

EXTEND_RENEWAL_PERMISSION = "certifications.extend_renewal"
# An extension may reach at most this far past the grace period; later, the holder applies anew.
RENEWAL_EXTENSION_MAX_DAYS = 365


@transaction.atomic
def certificate_renewal_extend(*, certificate, until, reason, staff):
    """Let the holder renew up to and including `until`, a day after the current last day (the end
    of the grace period, or an earlier extension) and at most a year past the grace period; keep
    the reason and who decided (the field history records it), and tell the holder."""
    if not staff.has_perm(EXTEND_RENEWAL_PERMISSION):
        raise NotPermitted("Only reviewers and site administrators can extend a renewal.")
    reason = (reason or "").strip()
    if not reason:
        raise MessageRequired("A reason for the extension is required.")
    locked = Certificate.objects.select_for_update().select_related("program", "application").get(pk=certificate.pk)
    if locked.status == Certificate.Status.REVOKED:
        raise InvalidTransition(f"Certificate {locked.number} is revoked; its renewal cannot be extended.")
    current = locked.renewal_closes_on
    if until <= current:
        raise InvalidTransition(f"The new last day must come after the current last day, {current:%Y-%m-%d}.")
    latest = locked.grace_ends_on + timedelta(days=RENEWAL_EXTENSION_MAX_DAYS)
    if until > latest:
        raise InvalidTransition(
            f"An extension reaches at most a year past the grace period: the last day can be {latest:%Y-%m-%d} "
            "at the latest. After that the holder applies anew."
        )
    if until < timezone.localdate():
        raise InvalidTransition(f"The new last day, {until:%Y-%m-%d}, has already passed.")
    locked.renewal_extended_until = until
    locked.renewal_extension_reason = reason
    locked.renewal_extended_by = staff
    locked.save(
        update_fields=["renewal_extended_until", "renewal_extension_reason", "renewal_extended_by", "updated_at"]
    )
    if locked.email:  # a certificate kept after its holder's erasure has no address to write to
        _email_holder(locked, "certificate_renewal_extended")
    return locked
