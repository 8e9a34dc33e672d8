"""iCalendar (RFC 5545) documents for the public feeds and the registrants' email attachment.

Feeds never carry the join link; only `include_join_url=True` (the confirmed registrant's
attachment) adds it. Times carry the event's own TZID with a VTIMEZONE, so calendar apps keep the
wall-clock time right across daylight-saving changes.
"""

import html
from datetime import timedelta
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

PRODID = "-//Neurosequential Network//NMT Portal//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def event_uid(event):
    """Stable across edits and servers: the primary key and the portal's host name."""
    host = urlsplit(settings.SITE_URL).hostname or "nmt-portal"
    return f"event-{event.pk}@{host}"


def plain_text(html_text):
    """Markdown's HTML reduced to readable plain text for DESCRIPTION."""
    text = nh3.clean(html_text.replace("</p>", "</p>\n").replace("<li>", "<li>- "), tags=set())
    lines = [line.strip() for line in html.unescape(text).splitlines()]
    return "\n".join(lines).strip().replace("\n\n\n", "\n\n")


def _component(event, *, include_join_url):
    url = f"{settings.SITE_URL}{event.get_absolute_url()}"
    description = plain_text(event.description_html)
    if include_join_url and event.join_url:
        description = f"Join online: {event.join_url}\n\n{description}"
        location = event.join_url
    else:
        location = event.venue or "Online: the join link is emailed to registered participants."
    description = f"{description}\n\nDetails: {url}".strip()
    component = CalendarEvent()
    component.add("uid", event_uid(event))
    component.add("dtstamp", timezone.now())
    component.add("last-modified", event.updated_at)
    component.add("dtstart", event.local_start)
    component.add("dtend", event.local_end)
    component.add("summary", event.title)
    component.add("description", description)
    component.add("location", location)
    component.add("url", url)
    component.add("categories", [event.get_kind_display()])
    component.add("status", "CONFIRMED")
    component.add("transp", "OPAQUE")
    return component


def build_calendar(events, *, name="NMT trainings", include_join_url=False):
    """The iCalendar bytes for `events` (an iterable), each with its VTIMEZONE."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    events = list(events)
    for event in events:
        calendar.add_component(_component(event, include_join_url=include_join_url))
    if events:
        # Each VTIMEZONE spells out the transitions around the events, not decades of them.
        first = min(e.starts_at for e in events).date() - timedelta(days=366)
        last = max(e.ends_at for e in events).date() + timedelta(days=366)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar.to_ical()
