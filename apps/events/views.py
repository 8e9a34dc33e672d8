"""Public pages of the trainings: lists, detail with the registration form, registration,
private cancellation, and the iCalendar feeds."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView, TemplateView

from apps.core.admin_site import is_staff_session
from apps.core.page_cache import public_page
from apps.core.ratelimits import ratelimit

from .calendar import CONTENT_TYPE, build_calendar
from .forms import RegistrationForm
from .models import Event, Registration
from .schema import event_schema
from .services import (
    AlreadyRegistered,
    CancellationRefused,
    RegistrationRefused,
    registration_cancel,
    registration_create,
    registration_refusal,
    waitlist_position,
)
from .tokens import read_cancel_token

State = Event.RegistrationState
# The registration this browser made last (its random public id), so that the outcome page gives
# the next steps that apply: a calendar file for a seat, the waitlist position otherwise.
REGISTERED_SESSION_KEY = "events:registration"


@public_page(query=["kind", "page"], values={"kind": Event.Kind.values})
class EventListView(ListView):
    """Upcoming published events, soonest first; `?kind=` narrows them to one kind."""

    template_name = "events/event_list.html"
    context_object_name = "events"
    paginate_by = 12
    past = False

    def get_kind(self):
        kind = self.request.GET.get("kind", "")
        return kind if kind in Event.Kind.values else ""

    def get_queryset(self):
        events = Event.objects.published().with_counts()
        events = events.past() if self.past else events.upcoming()
        if kind := self.get_kind():
            events = events.filter(kind=kind)
        return events

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(past=self.past, kind=self.get_kind(), kinds=Event.Kind.choices)
        for event in context["events"]:
            event.state = event.registration_state(event.confirmed_count)
            event.seats = event.seats_left(event.confirmed_count)
        return context


@public_page()
class EventDetailView(DetailView):
    """An event with its times (in its own zone and in UTC), seats left and the registration form.
    Staff may preview an unpublished event."""

    template_name = "events/event_detail.html"
    context_object_name = "event"

    def get_queryset(self):
        events = Event.objects.with_counts()
        # Only a visitor with a session can be staff: others never touch the session, so the page
        # stays the same for every anonymous visitor and can be cached.
        if settings.SESSION_COOKIE_NAME in self.request.COOKIES and is_staff_session(self.request):
            return events
        return events.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(registration_context(self.object))
        context.setdefault("form", RegistrationForm())
        context["structured_data"] = event_schema(self.object, state=context["state"])
        context["credit_offers"] = list(self.object.credit_offers.all())
        return context


def registration_context(event, confirmed_count=None):
    if confirmed_count is None:
        confirmed_count = getattr(event, "confirmed_count", None)
        if confirmed_count is None:
            confirmed_count = event.registrations.confirmed().count()
    state = event.registration_state(confirmed_count)
    return {
        "state": state,
        "seats_left": event.seats_left(confirmed_count),
        "can_register": event.is_published and state in {State.OPEN, State.FULL},
        "starts_utc": event.starts_at,
        "ends_utc": event.ends_at,
    }


@method_decorator(ratelimit(key="ip", rate="20/h", method="POST", block=True), name="post")
class RegisterView(TemplateView):
    """GET shows the form on its own page; POST registers (or waitlists) and redirects to the outcome."""

    template_name = "events/registration_form.html"
    http_method_names = ["get", "head", "post"]

    def dispatch(self, request, *args, **kwargs):
        self.event = get_object_or_404(Event.objects.published().with_counts(), slug=kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["event"] = self.event
        context.update(registration_context(self.event))
        context.setdefault("form", RegistrationForm())
        return context

    def post(self, request, *args, **kwargs):
        form = RegistrationForm(request.POST)
        if refusal := registration_refusal(self.event):
            return self.render_to_response(self.get_context_data(form=form, refusal=refusal), status=409)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        if form.is_spam():
            # A honeypot catch looks like success, so the bot learns nothing.
            return redirect("events:registered", slug=self.event.slug)
        try:
            registration = registration_create(event=self.event, **form.registration_data())
        except AlreadyRegistered:
            form.add_error(
                "email",
                "This email address is already registered for this event. The confirmation email has "
                "the details and a link to cancel; write to us if you cannot find it.",
            )
            return self.render_to_response(self.get_context_data(form=form))
        except RegistrationRefused as refusal:
            context = self.get_context_data(form=form, refusal=str(refusal))
            return self.render_to_response(context, status=409)
        if registration.status == Registration.Status.CONFIRMED:
            messages.success(
                request,
                f"You are registered for {self.event.title}. We have emailed the confirmation"
                f"{' and the join link' if self.event.is_online else ''} to {registration.email}.",
            )
        else:
            messages.info(
                request,
                f"{self.event.title} is full, so you are number {waitlist_position(registration)} on the "
                f"waitlist. If a seat opens up, you get it automatically and we email {registration.email}.",
            )
        request.session[REGISTERED_SESSION_KEY] = registration.public_id.hex
        return redirect("events:registered", slug=self.event.slug)


class RegisteredView(DetailView):
    """Where a registration lands: the outcome arrives as a message, with the next steps of this
    browser's registration (none known: the general ones, which promise nothing)."""

    template_name = "events/registration_done.html"
    context_object_name = "event"

    def get_queryset(self):
        return Event.objects.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        public_id = self.request.session.get(REGISTERED_SESSION_KEY)
        registration = (
            self.object.registrations.exclude(status=Registration.Status.CANCELLED).filter(public_id=public_id).first()
            if public_id
            else None
        )
        context.update(registration=registration, position=registration and waitlist_position(registration))
        return context


@method_decorator(never_cache, name="dispatch")
@method_decorator(ratelimit(key="ip", rate="20/h", method="POST", block=True), name="post")
class CancelView(TemplateView):
    """The private cancellation page reached from the email: GET asks, POST cancels."""

    template_name = "events/registration_cancel.html"
    http_method_names = ["get", "head", "post"]

    def dispatch(self, request, *args, **kwargs):
        event = get_object_or_404(Event.objects.published(), slug=kwargs["slug"])
        self.registration = read_cancel_token(kwargs["token"], event=event)
        if self.registration is None:
            raise Http404("Unknown cancellation link")
        response = super().dispatch(request, *args, **kwargs)
        # Sent "noindex" by apps.core.seo (NOINDEX_URL_NAMES), like every private link. The token
        # in this page's URL never leaves in a Referer. Not "no-referrer": under it browsers
        # send `Origin: null` with the cancel form, which CSRF protection refuses.
        response["Referrer-Policy"] = "strict-origin"
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        registration = self.registration
        context.update(
            registration=registration,
            event=registration.event,
            is_cancelled=registration.status == Registration.Status.CANCELLED,
            has_started=registration.event.has_started(),
        )
        return context

    def post(self, request, *args, **kwargs):
        try:
            registration_cancel(registration=self.registration)
        except CancellationRefused as refusal:
            messages.error(request, str(refusal))
            return self.render_to_response(self.get_context_data(), status=409)
        messages.success(request, f"Your registration for {self.registration.event.title} is cancelled.")
        return redirect(request.path)


def _calendar_response(content, filename):
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "public, max-age=900"
    return response


# The subscription feed holds the soonest upcoming events, so its size and cost stay the same
# however many are planned (a calendar app refreshes it daily; later ones join as they come near).
FEED_EVENTS = 100


@public_page()
def calendar_feed(request):
    """The next FEED_EVENTS upcoming published events, for calendar subscriptions."""
    events = Event.objects.published().upcoming()[:FEED_EVENTS]
    return _calendar_response(build_calendar(events), "nmt-trainings.ics")


@public_page()
def event_calendar(request, slug):
    event = get_object_or_404(Event.objects.published(), slug=slug)
    return _calendar_response(build_calendar([event], name=event.title), f"{event.slug}.ics")
