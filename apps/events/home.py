"""The home page's next trainings."""

from apps.core.home import home_section

from .models import Event

HOME_EVENTS = 3


@home_section("events/includes/home_events.html", order=20)
def next_trainings(request):
    return {"events": list(Event.objects.published().upcoming()[:HOME_EVENTS])}
