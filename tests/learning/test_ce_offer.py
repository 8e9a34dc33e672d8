"""The CE credit an event offers (issue 16): per credit type, its approval statement and number, and
the conditions the event page states."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError

from apps.learning.models import CreditOffer
from tests.factories import make_event
from tests.html import text_of

pytestmark = pytest.mark.django_db

APA = (
    "The Neurosequential Network is approved by the American Psychological Association to sponsor continuing "
    "education for psychologists. The Neurosequential Network maintains responsibility for this program and its "
    "content."
)


def offer(event, credit_type="apa", **overrides):
    values = {"provider_number": "NN-1234", "approval_statement": APA}
    values.update(overrides)
    return CreditOffer.objects.create(event=event, credit_type=credit_type, **values)


@pytest.mark.parametrize(
    ("duration", "instruction", "half_hours", "hours"),
    [
        (timedelta(minutes=90), None, False, Decimal("1")),
        (timedelta(minutes=90), None, True, Decimal("1.5")),
        (timedelta(hours=3), 150, False, Decimal("2")),
        (timedelta(hours=3), 150, True, Decimal("2.5")),
        (timedelta(minutes=45), None, False, Decimal("0")),
    ],
)
def test_the_most_an_attendee_can_earn_follows_the_instruction_minutes(duration, instruction, half_hours, hours):
    event = make_event(duration=duration, ce_instruction_minutes=instruction)

    assert offer(event, allows_half_hours=half_hours).maximum_hours() == hours


def test_the_event_page_says_what_credit_is_offered_and_on_what_conditions(client):
    event = make_event(ce_format="live interactive webinar", ce_requires_post_test=True)
    offer(event)
    offer(
        event, "aswb", provider_number="ACE 1765", approval_statement="Approved under ASWB ACE.", allows_half_hours=True
    )

    html = client.get(event.get_absolute_url()).content.decode()

    section = text_of(html, "section", id="continuing-education")
    assert section.startswith(
        "Continuing education 90 minutes of instruction, live interactive webinar. Credit is given for each full hour "
        "attended, once you have completed the evaluation and the post-test (pass mark 75 %, one retry). Missing more "
        "than 15 minutes in a row voids that hour's credit"
    )
    assert "APA (psychologists): up to 1 hour Provider number NN-1234. " + APA in section
    assert "ASWB ACE (social workers): up to 1.5 hours (half hours count) Provider number ACE 1765." in section


def test_an_event_without_credit_says_nothing_about_it(client):
    html = client.get(make_event().get_absolute_url()).content.decode()
    assert 'id="continuing-education"' not in html


def test_other_credit_needs_its_name_and_each_type_is_offered_once():
    event = make_event()
    offer(event)
    with pytest.raises(IntegrityError):
        offer(event, "other")


def test_each_credit_type_is_offered_once():
    event = make_event()
    offer(event)
    with pytest.raises(IntegrityError):
        offer(event)
