import pytest
from django.utils import timezone

from apps.core.starter import Ledger
from apps.events import sample
from apps.events.models import Event

pytestmark = pytest.mark.django_db


def test_sample_events_cover_the_pages_and_are_labelled(client):
    sample.load(Ledger("sample"))

    events = Event.objects.with_counts()
    assert all(e.title.startswith("Sample: ") for e in events)
    case_based = events.filter(kind=Event.Kind.CASE_BASED)
    assert case_based.count() == 3
    assert all(e.starts_at > timezone.now() and e.local_start.hour == 12 for e in case_based)
    workshop = events.get(kind=Event.Kind.WORKSHOP)
    assert workshop.seats_left(workshop.confirmed_count) == 2
    assert Event.objects.past().count() == 1
    assert len(client.get("/events/").context["events"]) == 4
    assert len(client.get("/events/past/").context["events"]) == 1


def test_sample_events_load_once():
    sample.load(Ledger("sample"))
    sample.load(Ledger("sample"))

    assert Event.objects.count() == 5
