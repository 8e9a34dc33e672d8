"""Builders of the CE certificate tests: an event that is over, and certificates as release.py
issues them (a snapshot of every word printed), made directly so each test sets what it checks."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from apps.certifications.services.numbers import next_number, with_unguessable_part
from apps.events.models import Event
from apps.learning.models import CECertificate, CreditAward, CreditOffer
from apps.learning.release import CE_CERTIFICATE_PREFIX
from tests.factories import make_event, make_registration

APA = (
    "The Neurosequential Network is approved by the American Psychological Association to sponsor continuing "
    "education for psychologists. The Neurosequential Network maintains responsibility for this program and its "
    "content."
)


def end_event(event, *, ended_at):
    """Move `event` so that it ended at `ended_at` (registrations are only taken before it starts)."""
    starts_at = ended_at - event.duration
    Event.objects.filter(pk=event.pk).update(starts_at=starts_at, ends_at=ended_at)
    event.refresh_from_db()
    return event


def make_offer(event, credit_type="apa", **overrides):
    values = {"provider_number": "NN-1234", "approval_statement": APA}
    values.update(overrides)
    return CreditOffer.objects.get_or_create(event=event, credit_type=credit_type, defaults=values)[0]


def make_ended_registration(*, ended_at=None, event_overrides=None, **overrides):
    """A registration for a new live webinar with CE that ended at `ended_at` (a week ago). For
    several registrations of one event, register them (make_registration) and then `end_event`."""
    values = {"ce_format": "live interactive webinar", "duration": timedelta(minutes=90)}
    values.update(event_overrides or {})
    event = make_event(**values)
    registration = make_registration(event=event, **overrides)
    end_event(event, ended_at=ended_at or timezone.now() - timedelta(days=7))
    registration.event.refresh_from_db()
    return registration


def make_ce_certificate(*, registration=None, offer=None, hours="1.5", **overrides):
    """A CE certificate of `registration` (a new one, for an event that ended a week ago, if not
    given) for `offer` (APA, if not given), with the award it was issued from."""
    registration = registration or make_ended_registration()
    event = registration.event
    offer = offer or make_offer(event)
    CreditAward.objects.create(
        registration=registration, offer=offer, minutes_attended=90, hours=Decimal(hours), reason="attended"
    )
    values = {
        "number": with_unguessable_part(next_number(CE_CERTIFICATE_PREFIX)),
        "registration": registration,
        "offer": offer,
        "participant_name": registration.name,
        "event_title": event.title,
        "event_starts_on": event.local_start.date(),
        "event_ends_on": event.local_end.date(),
        "event_format": event.ce_format,
        "credit_type": offer.name,
        "hours": Decimal(hours),
        "provider_name": "The Neurosequential Network",
        "provider_number": offer.provider_number,
        "approval_statement": offer.approval_statement,
        "signatory_name": "Dr Ada Lovelace",
        "signatory_title": "Director of Continuing Education",
    }
    values.update(overrides)
    return CECertificate.objects.create(**values)
