"""The emails that take an attendee with CE credit to their certificate: the invitation to the
evaluation and post-test, and the notice that the certificates are ready."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from apps.core.emails import email_queue
from apps.events.models import Event, Registration

from . import release
from .emails import template
from .models import CECertificate, CERecord, CreditAward
from .tokens import ce_url


def steps_text(event):
    """What an event's CE certificate needs, in words: “the evaluation and the post-test”, or ""."""
    steps = [
        step
        for required, step in (
            (event.ce_requires_evaluation, "the evaluation"),
            (event.ce_requires_post_test, "the post-test"),
        )
        if required
    ]
    return " and ".join(steps)


def event_date_text(event):
    """The event's date(s) in its own time zone, worded as its certificates word them."""
    # An unsaved certificate only to reuse its wording: one place for how CE dates read.
    return CECertificate(event_starts_on=event.local_start.date(), event_ends_on=event.local_end.date()).event_dates


def _context(registration, certificates=()):
    event = registration.event
    context = {
        "registration": registration,
        "event": event,
        "event_date": event_date_text(event),
        "ce_url": ce_url(registration),
        "steps": steps_text(event),
    }
    if certificates:
        context["certificates"] = "\n".join(
            f"{certificate.number}: {certificate.hours} hours {certificate.credit_type}" for certificate in certificates
        )
    return context


def email_certificates_ready(registration, certificates):
    """Queue the “certificate ready” email listing `certificates` (nothing when there are none)."""
    if certificates:
        email_queue(
            to=[registration.email],
            template=template("ce_certificates_ready"),
            context=_context(registration, certificates),
        )


def release_and_email(registration, *, now=None):
    """`release.release_if_complete`, then the “certificate ready” email if this call issued any."""
    certificates = release.release_if_complete(registration, now=now)
    email_certificates_ready(registration, certificates)
    return certificates


def invite_attendees(event_or_registrations, *, now=None):
    """Invite each attendee with credit (a CreditAward of more than 0 hours) of an event that is over
    and not yet invited: their CERecord gets `invited_at` and an email is queued with the link to their
    CE page, saying what is needed; when the event requires neither an evaluation nor a post-test, the
    certificates are released and the “certificate ready” email goes instead.

    Idempotent: an attendee is invited once (the records are locked while `invited_at` is read and
    set), so importing the same file again emails nobody. Returns the registrations invited.
    """
    now = now or timezone.now()
    if isinstance(event_or_registrations, Event):
        candidates = event_or_registrations.registrations.active() if event_or_registrations.is_over(now) else []
    else:
        candidates = [registration for registration in event_or_registrations if registration.event.is_over(now)]
    pks = [registration.pk for registration in candidates]
    if not pks:
        return []
    with transaction.atomic():
        # Registration rows first, in order, as release.py locks them: no deadlock with a submission.
        eligible = list(
            Registration.objects.select_for_update()
            .filter(pk__in=pks)
            .filter(Exists(CreditAward.objects.filter(registration=OuterRef("pk"), hours__gt=0)))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not eligible:
            return []
        CERecord.objects.bulk_create([CERecord(registration_id=pk) for pk in eligible], ignore_conflicts=True)
        records = list(
            CERecord.objects.select_for_update(of=("self",))
            .filter(registration_id__in=eligible, invited_at__isnull=True)
            .select_related("registration__event")
            .order_by("registration_id")
        )
        CERecord.objects.filter(pk__in=[record.pk for record in records]).update(invited_at=now)
        invited = []
        for record in records:
            registration = record.registration
            if steps_text(registration.event):
                email_queue(to=[registration.email], template=template("ce_invitation"), context=_context(registration))
            else:
                release_and_email(registration, now=now)
            invited.append(registration)
    return invited


# How far back the daily sweep looks for attendees not yet invited.
PENDING_WINDOW = timedelta(days=90)


def invite_pending(*, now=None):
    """The daily sweep: invite the attendees with credit of events that ended in the last 90 days and
    who were never invited, as when attendance was marked while the event was still running. Returns
    the registrations invited (none on a second run)."""
    now = now or timezone.now()
    pending = (
        Registration.objects.filter(event__ends_at__lte=now, event__ends_at__gt=now - PENDING_WINDOW)
        .filter(Exists(CreditAward.objects.filter(registration=OuterRef("pk"), hours__gt=0)))
        .exclude(Exists(CERecord.objects.filter(registration=OuterRef("pk"), invited_at__isnull=False)))
        .select_related("event")
    )
    return invite_attendees(list(pending), now=now)
