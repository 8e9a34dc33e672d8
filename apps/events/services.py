"""Every write to events and registrations.

Registration, cancellation and promotion lock the event row (`select_for_update`) for the length
of their transaction, so concurrent registrations for one event are serialised: the seat count
each one reads is final, and an event never has more confirmed registrations than seats.
Emails are queued for after the commit; confirmed registrants get the join link and an .ics file.
"""

import re

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify

from apps.core.emails import email_queue

from .calendar import build_calendar
from .models import Event, Registration
from .timezones import shift_local
from .tokens import cancel_url

Status = Registration.Status


class RegistrationRefused(Exception):
    """Registration is not possible now (closed, not yet open, event started); the message is for people."""


class AlreadyRegistered(Exception):
    """This email address already holds a confirmed or waitlisted place at the event."""


class CancellationRefused(Exception):
    """The registration can no longer be cancelled; the message is for people."""


# EMAIL


def _event_context(registration):
    return {"registration": registration, "event": registration.event, "cancel_url": cancel_url(registration)}


def _calendar_attachment(event):
    content = build_calendar([event], name=event.title, include_join_url=True).decode()
    return (f"{event.slug}.ics", content, "text/calendar")


def _email_registrant(registration, template, *, position=None):
    with_calendar = registration.status == Status.CONFIRMED
    email_queue(
        to=[registration.email],
        template=f"events/email/{template}",
        context={**_event_context(registration), "position": position},
        attachments=[_calendar_attachment(registration.event)] if with_calendar else None,
    )


# REGISTRATION


def registration_refusal(event, now=None):
    """Why registration for `event` is refused now, as a sentence for people; None when it is possible."""
    now = now or timezone.now()
    if event.has_started(now):
        return "This event has already started, so registration is closed."
    if event.registration_closes_at and now >= event.registration_closes_at:
        return "Registration for this event has closed."
    if event.registration_opens_at and now < event.registration_opens_at:
        local = event.registration_opens_at.astimezone(event.zone)
        return f"Registration opens on {date_format(local, 'DATETIME_FORMAT')} ({event.timezone})."
    return None


@transaction.atomic
def registration_create(*, event, name, email, organisation="", role, is_nmt_certified):
    """Register a person: a confirmed seat while seats are left, the waitlist afterwards.

    Raises RegistrationRefused when registration is not open and AlreadyRegistered for an email
    address (compared case-insensitively) that already holds a place. A person who cancelled
    earlier registers again on the same row. Queues the confirmation (join link and .ics) or
    waitlist email for after the commit.
    """
    now = timezone.now()
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not event.is_published:
        raise RegistrationRefused("This event is not open for registration.")
    refusal = registration_refusal(event, now)
    if refusal:
        raise RegistrationRefused(refusal)
    email = email.strip()
    existing = Registration.objects.filter(event=event, email__iexact=email).first()
    if existing is not None and existing.status != Status.CANCELLED:
        raise AlreadyRegistered("This email address is already registered for this event.")
    confirmed = event.registrations.confirmed().count()
    has_seat = confirmed < event.capacity
    registration = existing or Registration(event=event)
    registration.name = name
    registration.email = email
    registration.organisation = organisation
    registration.role = role
    registration.is_nmt_certified = is_nmt_certified
    registration.status = Status.CONFIRMED if has_seat else Status.WAITLISTED
    registration.confirmed_at = now if has_seat else None
    registration.waitlisted_at = None if has_seat else now
    registration.cancelled_at = None
    registration.attended = None
    try:
        # A savepoint, so a lost race on the unique email reads as AlreadyRegistered, not a broken transaction.
        with transaction.atomic():
            registration.save()
    except IntegrityError as error:
        raise AlreadyRegistered("This email address is already registered for this event.") from error
    registration.event = event
    if has_seat:
        _email_registrant(registration, "registration_confirmed")
    else:
        position = event.registrations.waitlisted().count()
        _email_registrant(registration, "registration_waitlisted", position=position)
    return registration


def waitlist_position(registration):
    """1 for the next person to be promoted; None unless waitlisted."""
    if registration.status != Status.WAITLISTED:
        return None
    return Registration.objects.with_waitlist_position().get(pk=registration.pk).waitlist_position


def _fill_seats(event, now):
    """Promote waitlisted registrations, first come first served, while seats are free.
    The caller holds the event's row lock."""
    free = event.capacity - event.registrations.confirmed().count()
    if free <= 0 or event.has_started(now):
        return []
    promoted = list(event.registrations.waitlisted().select_for_update()[:free])
    for registration in promoted:
        registration.status = Status.CONFIRMED
        registration.confirmed_at = now
        registration.waitlisted_at = None
        registration.save(update_fields=["status", "confirmed_at", "waitlisted_at", "updated_at"])
        registration.event = event
        _email_registrant(registration, "registration_promoted")
    return promoted


@transaction.atomic
def registration_cancel(*, registration):
    """Cancel a confirmed or waitlisted registration before the event starts.

    A freed seat goes at once to the first person on the waitlist, who is emailed the join link.
    Cancelling twice is harmless. Returns the list of promoted registrations.
    """
    now = timezone.now()
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if locked.status == Status.CANCELLED:
        return []
    if event.has_started(now):
        raise CancellationRefused("This event has already started, so the registration can no longer be cancelled.")
    locked.status = Status.CANCELLED
    locked.cancelled_at = now
    locked.waitlisted_at = None
    locked.save(update_fields=["status", "cancelled_at", "waitlisted_at", "updated_at"])
    locked.event = event
    _email_registrant(locked, "registration_cancelled")
    return _fill_seats(event, now)


@transaction.atomic
def event_fill_seats(*, event):
    """Give seats freed by a larger capacity to the waitlist, in order; returns those promoted."""
    locked = Event.objects.select_for_update().get(pk=event.pk)
    return _fill_seats(locked, timezone.now())


# STAFF ACTIONS


def registrations_mark_attendance(*, registrations, attended):
    """Record attendance for the confirmed registrations among `registrations` whose event has
    started; returns (marked, skipped)."""
    eligible = registrations.attendance_markable()
    marked = Registration.objects.filter(pk__in=eligible.values("pk")).update(
        attended=attended, updated_at=timezone.now()
    )
    return marked, registrations.count() - marked


_DATE_SUFFIX = re.compile(r"-\d{4}-\d{2}(-\d{2})?$")


def _unique_slug(base):
    base = base[:110]
    slug, n = base, 2
    while Event.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def event_copy_next_quarter(*, event):
    """Create next quarter's edition of a case-based training: three months later at the same local
    wall-clock time in the event's own time zone (whatever daylight saving does in between), with a
    new unique slug, the same registration window relative to the start, no registrations, and
    unpublished so that editors check it first. Returns the new event, or raises ValueError."""
    if event.kind != Event.Kind.CASE_BASED:
        raise ValueError(f"“{event.title}” is not a case-based training.")
    starts_at = shift_local(event.starts_at, event.timezone, relativedelta(months=3))
    if Event.objects.filter(title=event.title, starts_at=starts_at).exists():
        raise ValueError(f"“{event.title}” already has an edition on {starts_at.astimezone(event.zone):%Y-%m-%d}.")
    local = starts_at.astimezone(event.zone)
    base = _DATE_SUFFIX.sub("", event.slug) or slugify(event.title)
    copy = Event(
        title=event.title,
        slug=_unique_slug(f"{base}-{local:%Y-%m-%d}"),
        kind=event.kind,
        description=event.description,
        starts_at=starts_at,
        timezone=event.timezone,
        duration=event.duration,
        join_url=event.join_url,
        venue=event.venue,
        capacity=event.capacity,
        registration_opens_at=(
            starts_at - (event.starts_at - event.registration_opens_at) if event.registration_opens_at else None
        ),
        registration_closes_at=(
            starts_at - (event.starts_at - event.registration_closes_at) if event.registration_closes_at else None
        ),
        is_published=False,
    )
    copy.save()
    return copy
