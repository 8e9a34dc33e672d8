"""schema.org data for an event page (a JSON-LD Event that search engines show as a rich result)."""

from html import unescape

from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import strip_tags

from apps.core.seo import absolute_url, organisation

from .models import Event

SCHEMA = "https://schema.org/"
State = Event.RegistrationState
# Offered seats while registration is open; a full event still takes names for its waitlist.
AVAILABILITY = {State.OPEN: "InStock", State.FULL: "SoldOut"}


def event_schema(event, *, state):
    """The Event for `event`, whose registration is in `state`. Times carry the offset of the
    event's own zone. The join link stays out: it is only for confirmed registrants."""
    url = absolute_url(event.get_absolute_url())
    locations = []
    if event.is_online:
        locations.append({"@type": "VirtualLocation", "url": url})
    if event.venue:
        locations.append({"@type": "Place", "name": event.venue, "address": event.venue})
    if event.is_online and event.venue:
        mode = "MixedEventAttendanceMode"
    else:
        mode = "OnlineEventAttendanceMode" if event.is_online else "OfflineEventAttendanceMode"
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "url": url,
        "startDate": event.local_start.isoformat(),
        "endDate": event.local_end.isoformat(),
        "eventAttendanceMode": SCHEMA + mode,
        "eventStatus": SCHEMA + "EventScheduled",
        "location": locations[0] if len(locations) == 1 else locations,
        "organizer": organisation(),
        "image": [absolute_url(static("img/share-card.png"))],
    }
    if description := " ".join(unescape(strip_tags(event.description_html)).split()):
        data["description"] = description
    if state in AVAILABILITY:
        data["offers"] = {
            "@type": "Offer",
            "url": absolute_url(reverse("events:register", kwargs={"slug": event.slug})),
            "availability": SCHEMA + AVAILABILITY[state],
        }
    return data
