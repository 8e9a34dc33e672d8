"""The JSON-LD Event on a training's page."""

import json
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from apps.core.models import SiteSettings
from apps.events.timezones import make_aware_local
from tests.factories import make_event, make_registration
from tests.html import elements

pytestmark = pytest.mark.django_db

SITE = "https://nmt.example.org"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def _json_ld(client, url):
    html = client.get(url).content.decode()
    blocks = elements(html, "script", type="application/ld+json")
    assert len(blocks) == 1
    return json.loads(blocks[0][2])


def _starts():
    return make_aware_local(datetime(2031, 1, 14, 11, 0), "America/Chicago")


def test_online_training_is_an_online_event_without_its_join_link(client):
    SiteSettings.objects.create(organisation_name="The Neurosequential Network")
    event = make_event(
        title="Spring case conference",
        slug="spring-case-conference",
        description="A **90-minute** case conference & discussion.",
        starts_at=_starts(),
        join_url="https://meet.example.org/secret-room",
    )

    data = _json_ld(client, event.get_absolute_url())

    assert data == {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": "Spring case conference",
        "url": f"{SITE}/events/spring-case-conference/",
        "startDate": "2031-01-14T11:00:00-06:00",
        "endDate": "2031-01-14T12:30:00-06:00",
        "eventAttendanceMode": "https://schema.org/OnlineEventAttendanceMode",
        "eventStatus": "https://schema.org/EventScheduled",
        "location": {"@type": "VirtualLocation", "url": f"{SITE}/events/spring-case-conference/"},
        "organizer": {"@type": "Organization", "name": "The Neurosequential Network", "url": f"{SITE}/"},
        "image": [f"{SITE}/static/img/share-card.png"],
        "description": "A 90-minute case conference & discussion.",
        "offers": {
            "@type": "Offer",
            "url": f"{SITE}/events/spring-case-conference/register/",
            "availability": "https://schema.org/InStock",
        },
    }
    assert "secret-room" not in client.get(event.get_absolute_url()).content.decode()


def test_in_person_and_online_training_is_mixed_with_both_locations(client):
    event = make_event(slug="workshop", venue="Harbor Hall, 12 Harbor Road, Houston", starts_at=_starts())

    data = _json_ld(client, event.get_absolute_url())

    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert data["location"] == [
        {"@type": "VirtualLocation", "url": f"{SITE}/events/workshop/"},
        {
            "@type": "Place",
            "name": "Harbor Hall, 12 Harbor Road, Houston",
            "address": "Harbor Hall, 12 Harbor Road, Houston",
        },
    ]


def test_in_person_training_is_offline(client):
    event = make_event(slug="in-person", join_url="", venue="Harbor Hall", starts_at=_starts())

    data = _json_ld(client, event.get_absolute_url())

    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"] == {"@type": "Place", "name": "Harbor Hall", "address": "Harbor Hall"}


def test_full_training_is_sold_out_and_a_past_one_has_no_offer(client):
    full = make_event(slug="full", capacity=1, starts_at=_starts())
    make_registration(event=full)
    past = make_event(slug="last-month", starts_at=timezone.now() - timedelta(days=30))

    assert _json_ld(client, full.get_absolute_url())["offers"]["availability"] == "https://schema.org/SoldOut"
    assert "offers" not in _json_ld(client, past.get_absolute_url())


def test_times_carry_the_offset_of_the_events_own_zone(client):
    event = make_event(
        slug="kolkata",
        timezone="Asia/Kolkata",
        duration=timedelta(hours=2),
        starts_at=make_aware_local(datetime(2031, 7, 1, 18, 30), "Asia/Kolkata"),
    )

    data = _json_ld(client, event.get_absolute_url())

    assert (data["startDate"], data["endDate"]) == ("2031-07-01T18:30:00+05:30", "2031-07-01T20:30:00+05:30")


def test_markup_in_the_title_cannot_end_the_data_block(client):
    event = make_event(slug="hostile", title="</script><script>alert(1)</script>", starts_at=_starts())

    html = client.get(event.get_absolute_url()).content.decode()

    assert "</script><script>alert(1)" not in html
    assert "\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)\\u003C/script\\u003E" in html
    assert _json_ld(client, event.get_absolute_url())["name"] == "</script><script>alert(1)</script>"
