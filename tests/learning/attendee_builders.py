"""Builders of the participant-side CE tests (the CE page, evaluation, post-test, invitations): an
event with credit offers, attendees with credit, and a post-test."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from apps.learning.models import CreditAward, CreditOffer, PostTestQuestion
from apps.learning.tokens import make_ce_token
from tests.factories import make_event, make_registration

# 12:00 to 13:30 in New York (EST, UTC−5) on 7 March 2025: over.
PAST_START = datetime(2025, 3, 7, 17, 0, tzinfo=UTC)
REASON = "attended 88 of 90 minutes: 1 hour"


def make_ce_event(*, offers=("apa",), **overrides):
    """A 90-minute online training in New York offering `offers` credit types (registrations
    are still open: end it with `end_event` once they are made)."""
    values = {"title": "Spring case-based training", "timezone": "America/New_York", "duration": timedelta(minutes=90)}
    values.update(overrides)
    event = make_event(**values)
    for credit_type in offers:
        CreditOffer.objects.create(
            event=event, credit_type=credit_type, provider_number="PN-1", approval_statement="Approved."
        )
    return event


def end_event(event, start=PAST_START):
    event.starts_at = start
    event.save(update_fields=["starts_at"])
    return event


def make_attendee(event, *, hours="1.0", reason=REASON, **overrides):
    """A registration of `event` with a CreditAward of `hours` per offer of the event."""
    registration = make_registration(event=event, **overrides)
    for offer in event.credit_offers.all():
        CreditAward.objects.create(
            registration=registration, offer=offer, minutes_attended=88, hours=Decimal(hours), reason=reason
        )
    return registration


def make_ce_attendee(*, hours="1.0", reason=REASON, offers=("apa",), **event_overrides):
    """An attendee with credit (of `hours` per offer) of an event that is over."""
    event = make_ce_event(offers=offers, **event_overrides)
    registration = make_attendee(event, hours=hours, reason=reason, name="Dana Whitfield", email="dana@example.org")
    end_event(event)
    registration.refresh_from_db()
    return registration


def ce_path(registration, step=""):
    return f"/ce/{make_ce_token(registration)}/{step}"


def make_post_test(event, *, questions=4, choices=2):
    """`questions` questions of `choices` answers, the first of each correct; returns the questions."""
    made = []
    for number in range(questions):
        question = PostTestQuestion.objects.create(event=event, position=number, text=f"Question {number + 1}?")
        for position in range(choices):
            question.choices.create(position=position, text=f"Answer {position + 1}", is_correct=position == 0)
        made.append(question)
    return made
