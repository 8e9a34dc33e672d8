from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from django.utils import timezone

from apps.events.timezones import make_aware_local
from tests.factories import make_event

pytestmark = pytest.mark.django_db


def _events(response):
    calendar = icalendar.Calendar.from_ical(response.content)
    return calendar, list(calendar.walk("VEVENT"))


def test_feed_lists_upcoming_published_events_with_stable_uids_and_urls(client, settings):
    settings.SITE_URL = "https://nmt.example.org"
    later = make_event(title="Later", starts_at=timezone.now() + timedelta(days=60))
    sooner = make_event(title="Sooner", starts_at=timezone.now() + timedelta(days=10))
    make_event(title="Draft", is_published=False)
    make_event(title="Past", starts_at=timezone.now() - timedelta(days=10))

    response = client.get("/events.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar, events = _events(response)
    assert str(calendar["VERSION"]) == "2.0"
    assert [str(e["SUMMARY"]) for e in events] == ["Sooner", "Later"]
    assert [str(e["UID"]) for e in events] == [
        f"event-{sooner.pk}@nmt.example.org",
        f"event-{later.pk}@nmt.example.org",
    ]
    assert [str(e["URL"]) for e in events] == [
        f"https://nmt.example.org/events/{sooner.slug}/",
        f"https://nmt.example.org/events/{later.slug}/",
    ]
    assert client.get("/events.ics").content.count(b"UID:") == 2


def test_uid_stays_the_same_when_the_event_is_edited(client):
    event = make_event()
    before = str(_events(client.get(f"/events/{event.slug}.ics"))[1][0]["UID"])
    event.title = "Renamed"
    event.starts_at += timedelta(days=7)
    event.save()

    after = _events(client.get(f"/events/{event.slug}.ics"))[1][0]

    assert (str(after["UID"]), str(after["SUMMARY"])) == (before, "Renamed")


def test_feeds_never_contain_the_join_link(client):
    event = make_event(join_url="https://meet.example.org/secret-xyz", venue="")

    for url in ["/events.ics", f"/events/{event.slug}.ics"]:
        response = client.get(url)
        assert b"secret-xyz" not in response.content, url
        [vevent] = _events(response)[1]
        assert str(vevent["LOCATION"]) == "Online: the join link is emailed to registered participants."


@pytest.mark.parametrize(
    ("zone", "local", "utc", "offset"),
    [
        # The US switch to daylight saving is on 10 March 2030.
        ("America/New_York", datetime(2030, 3, 7, 12, 0), datetime(2030, 3, 7, 17, 0), timedelta(hours=-5)),
        ("America/New_York", datetime(2030, 3, 14, 12, 0), datetime(2030, 3, 14, 16, 0), timedelta(hours=-4)),
        # The EU switch is on 31 March 2030.
        ("Europe/Berlin", datetime(2030, 3, 28, 12, 0), datetime(2030, 3, 28, 11, 0), timedelta(hours=1)),
        ("Europe/Berlin", datetime(2030, 4, 4, 12, 0), datetime(2030, 4, 4, 10, 0), timedelta(hours=2)),
    ],
)
def test_event_calendar_keeps_the_events_zone_across_daylight_saving(client, zone, local, utc, offset):
    event = make_event(starts_at=make_aware_local(local, zone), timezone=zone)

    calendar, [vevent] = _events(client.get(f"/events/{event.slug}.ics"))

    assert vevent["DTSTART"].params["TZID"] == zone
    assert vevent["DTEND"].params["TZID"] == zone
    start, end = vevent.decoded("DTSTART"), vevent.decoded("DTEND")
    assert start.replace(tzinfo=None) == local
    assert start.utcoffset() == offset
    assert start.astimezone(UTC).replace(tzinfo=None) == utc
    assert end - start == timedelta(minutes=90)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == [zone]


def test_event_calendar_description_is_plain_text_with_the_page_address(client, settings):
    settings.SITE_URL = "https://nmt.example.org"
    event = make_event(description="**Bring** a case & questions.\n\n- one\n- two")

    [vevent] = _events(client.get(f"/events/{event.slug}.ics"))[1]

    assert str(vevent["DESCRIPTION"]) == (
        f"Bring a case & questions.\n\n- one\n- two\n\nDetails: https://nmt.example.org/events/{event.slug}/"
    )


def test_each_zone_appears_once_in_the_feed(client):
    make_event(timezone="America/Chicago")
    make_event(timezone="America/Chicago")
    make_event(timezone="Europe/London")

    calendar, events = _events(client.get("/events.ics"))

    assert len(events) == 3
    assert sorted(str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")) == ["America/Chicago", "Europe/London"]


def test_unpublished_event_has_no_calendar(client):
    event = make_event(is_published=False)

    assert client.get(f"/events/{event.slug}.ics").status_code == 404


def test_empty_feed_is_still_a_valid_calendar(client):
    calendar, events = _events(client.get("/events.ics"))

    assert events == []
    assert str(calendar["PRODID"]) == "-//Neurosequential Network//NMT Portal//EN"


@pytest.mark.parametrize("count", [3, 30])
def test_feed_query_count_does_not_grow_with_events(client, django_assert_max_num_queries, count):
    for _ in range(count):
        make_event()

    with django_assert_max_num_queries(1):
        response = client.get("/events.ics")

    assert len(_events(response)[1]) == count


def test_the_feed_holds_the_soonest_events_up_to_its_limit(client, settings, monkeypatch):
    monkeypatch.setattr("apps.events.views.FEED_EVENTS", 3)
    now = timezone.now()
    for days in (40, 10, 30, 20, 50):
        make_event(title=f"In {days} days", starts_at=now + timedelta(days=days))

    summaries = [str(event["SUMMARY"]) for event in _events(client.get("/events.ics"))[1]]

    assert summaries == ["In 10 days", "In 20 days", "In 30 days"]
