"""Training events (the quarterly case-based trainings and others) and their registrations."""

import uuid
from datetime import UTC, timedelta

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from apps.core.links import row_url
from apps.core.markdown import render_markdown
from apps.core.models import TimeStampedModel

from .timezones import get_zone, validate_timezone

DEFAULT_DURATION = timedelta(minutes=90)
DEFAULT_TIMEZONE = "America/Chicago"


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def upcoming(self, now=None):
        """Not over yet (an event in progress still counts), soonest first."""
        return self.filter(ends_at__gt=now or timezone.now()).order_by("starts_at", "pk")

    def past(self, now=None):
        """Over, most recent first."""
        return self.filter(ends_at__lte=now or timezone.now()).order_by("-starts_at", "-pk")

    def with_counts(self):
        """Annotate `confirmed_count`, `waitlisted_count` and `cancelled_count` in the same query:
        a subquery per event and status on the registrations' (event, status) index, so a page of
        events reads only its own registrations and counting the events joins nothing."""
        status = Registration.Status
        return self.annotate(
            confirmed_count=_registrations_counted(status.CONFIRMED),
            waitlisted_count=_registrations_counted(status.WAITLISTED),
            cancelled_count=_registrations_counted(status.CANCELLED),
        )


def _registrations_counted(status):
    registrations = (
        Registration.objects.filter(event=OuterRef("pk"), status=status)
        .order_by()
        .values("event")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(registrations, output_field=models.IntegerField()), Value(0))


class Event(TimeStampedModel):
    """One training event. `starts_at` is an instant (stored in UTC); `timezone` is the IANA zone the
    event is held in, in which pages, emails and calendars show its wall-clock time."""

    class Kind(models.TextChoices):
        CASE_BASED = "case_based", "Case-based training"
        WORKSHOP = "workshop", "Workshop"
        WEBINAR = "webinar", "Webinar"
        CONFERENCE = "conference", "Conference"

    class RegistrationState(models.TextChoices):
        NOT_YET_OPEN = "not_yet_open", "Registration not yet open"
        OPEN = "open", "Registration open"
        FULL = "full", "Full: waitlist open"
        CLOSED = "closed", "Registration closed"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=120, unique=True, help_text="The page's address, /events/this-slug/. Keep it stable once shared."
    )
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.CASE_BASED)
    description = models.TextField(
        blank=True, help_text="Markdown: what the event covers, who it is for, how to prepare."
    )
    description_html = models.TextField(editable=False, blank=True)
    starts_at = models.DateTimeField("starts", help_text="Stored in UTC; shown in the event's time zone.")
    timezone = models.CharField(
        "time zone",
        max_length=64,
        default=DEFAULT_TIMEZONE,
        validators=[validate_timezone],
        help_text="The IANA time zone the event is held in, e.g. America/Chicago.",
    )
    duration = models.DurationField(default=DEFAULT_DURATION, help_text="For example 1:30:00 for 90 minutes.")
    ends_at = models.DateTimeField(editable=False, help_text="Derived: start plus duration.")
    join_url = models.URLField(
        "online join link",
        max_length=500,
        blank=True,
        help_text="Sent only to confirmed registrants, by email. Never shown on the site or in calendar feeds.",
    )
    venue = models.CharField(
        max_length=300, blank=True, help_text="For an in-person event: the place and address, shown publicly."
    )
    capacity = models.PositiveIntegerField(default=100, help_text="Confirmed seats; later registrants are waitlisted.")
    registration_opens_at = models.DateTimeField(
        "registration opens", null=True, blank=True, help_text="Empty: open as soon as the event is published."
    )
    registration_closes_at = models.DateTimeField(
        "registration closes", null=True, blank=True, help_text="Empty: open until the event starts."
    )
    is_published = models.BooleanField("published", default=False)
    # Continuing education (issue 16): what the event offers licensed clinicians, per credit type in
    # CreditOffer; these are the conditions every credit type shares.
    ce_instruction_minutes = models.PositiveSmallIntegerField(
        "instruction minutes",
        null=True,
        blank=True,
        help_text="Minutes of instruction that count for CE credit. Empty: the whole duration.",
    )
    ce_format = models.CharField(
        "CE format",
        max_length=100,
        blank=True,
        help_text="As the CE certificate states it, e.g. “live interactive webinar”.",
    )
    ce_requires_evaluation = models.BooleanField(
        "evaluation required for CE", default=True, help_text="The CE certificate is released once it is done."
    )
    ce_requires_post_test = models.BooleanField("post-test required for CE", default=False)
    ce_post_test_pass_percent = models.PositiveSmallIntegerField(
        "post-test pass mark (%)", default=75, validators=[MaxValueValidator(100)]
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["case_based", "workshop", "webinar", "conference"]), name="event_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="event_capacity_positive",
                violation_error_message="An event needs at least one seat.",
            ),
            models.CheckConstraint(
                condition=Q(duration__gt=timedelta(0)),
                name="event_duration_positive",
                violation_error_message="The duration must be longer than zero.",
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(ce_post_test_pass_percent__lte=100), name="event_post_test_pass_mark_valid"
            ),
            models.CheckConstraint(
                condition=~Q(join_url="") | ~Q(venue=""),
                name="event_has_join_url_or_venue",
                violation_error_message="Give an online join link or a venue (or both).",
            ),
            models.CheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__gt=F("registration_opens_at")),
                name="event_registration_closes_after_opening",
                violation_error_message="Registration must close after it opens.",
            ),
        ]
        indexes = [models.Index(fields=["is_published", "ends_at"], name="event_published_ends_idx")]

    @property
    def instruction_minutes(self):
        """The minutes of instruction that count for CE: as staff set them, else the whole duration."""
        return self.ce_instruction_minutes or int(self.duration.total_seconds() // 60)

    def __str__(self):
        return f"{self.title} ({self.local_start:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        self.description_html = render_markdown(self.description)
        self.ends_at = self.starts_at + self.duration
        if kwargs.get("update_fields") is not None:
            derived = {"description_html"} if "description" in kwargs["update_fields"] else set()
            if {"starts_at", "duration"} & set(kwargs["update_fields"]):
                derived.add("ends_at")
            kwargs["update_fields"] = {*kwargs["update_fields"], *derived}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return row_url("events:detail", slug=self.slug)

    @property
    def zone(self):
        return get_zone(self.timezone)

    @property
    def local_start(self):
        return self.starts_at.astimezone(self.zone)

    @property
    def local_end(self):
        return (self.starts_at + self.duration).astimezone(self.zone)

    @property
    def utc_start(self):
        return self.starts_at.astimezone(UTC)

    @property
    def utc_end(self):
        return (self.starts_at + self.duration).astimezone(UTC)

    @property
    def utc_offset_label(self):
        """The start's offset from UTC, such as "UTC−5" or "UTC+5:30"."""
        minutes = int(self.local_start.utcoffset().total_seconds() // 60)
        hours, rest = divmod(abs(minutes), 60)
        sign = "+" if minutes >= 0 else "−"
        return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")

    @property
    def timezone_label(self):
        return self.timezone.replace("_", " ")

    @property
    def is_online(self):
        return bool(self.join_url)

    @property
    def duration_minutes(self):
        return int(self.duration.total_seconds() // 60)

    def has_started(self, now=None):
        return self.starts_at <= (now or timezone.now())

    def is_over(self, now=None):
        return self.ends_at <= (now or timezone.now())

    def registration_state(self, confirmed_count, now=None):
        """Whether people can register now, given how many are confirmed."""
        now = now or timezone.now()
        if self.has_started(now) or (self.registration_closes_at and now >= self.registration_closes_at):
            return self.RegistrationState.CLOSED
        if self.registration_opens_at and now < self.registration_opens_at:
            return self.RegistrationState.NOT_YET_OPEN
        if confirmed_count >= self.capacity:
            return self.RegistrationState.FULL
        return self.RegistrationState.OPEN

    def seats_left(self, confirmed_count):
        return max(self.capacity - confirmed_count, 0)


class RegistrationQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Registration.Status.CONFIRMED)

    def waitlisted(self):
        """In waitlist order: first come, first promoted."""
        return self.filter(status=Registration.Status.WAITLISTED).order_by("waitlisted_at", "pk")

    def active(self):
        """Not cancelled: confirmed or waitlisted."""
        return self.exclude(status=Registration.Status.CANCELLED)

    def attendance_markable(self, now=None):
        """Those whose attendance may be recorded: confirmed, of an event that has begun."""
        return self.filter(status=Registration.Status.CONFIRMED, event__starts_at__lte=now or timezone.now())

    def with_waitlist_position(self):
        """Annotate `waitlist_position` (1 for the next to be promoted; None unless waitlisted),
        counted over the whole event whatever filter the queryset has."""
        waitlisted = Registration.Status.WAITLISTED
        ahead = (
            Registration.objects.filter(event=OuterRef("event"), status=waitlisted)
            .filter(
                Q(waitlisted_at__lt=OuterRef("waitlisted_at"))
                | Q(waitlisted_at=OuterRef("waitlisted_at"), pk__lt=OuterRef("pk"))
            )
            .order_by()
            .values("event")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.annotate(
            waitlist_position=models.Case(
                models.When(status=waitlisted, then=Coalesce(Subquery(ahead), Value(0)) + 1),
                default=None,
                output_field=models.IntegerField(),
            )
        )


class Registration(TimeStampedModel):
    """One person's place at an event: confirmed, on the waitlist, or cancelled.

    Status is written only by services.py, under a lock on the event row, so an event never has
    more confirmed registrations than seats.
    """

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        WAITLISTED = "waitlisted", "Waitlisted"
        CANCELLED = "cancelled", "Cancelled"

    class Role(models.TextChoices):
        CLINICIAN = "clinician", "Clinician or therapist"
        SUPERVISOR = "supervisor", "Clinical supervisor"
        EDUCATOR = "educator", "Educator"
        CASEWORKER = "caseworker", "Caseworker or child welfare professional"
        LEADER = "leader", "Administrator or program leader"
        STUDENT = "student", "Student or trainee"
        OTHER = "other", "Other"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField(max_length=150)
    email = models.EmailField()
    organisation = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=20, choices=Role)
    is_nmt_certified = models.BooleanField("NMT-certified", default=False)
    status = models.CharField(max_length=20, choices=Status, editable=False)
    waitlisted_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    attended = models.BooleanField(null=True, blank=True, editable=False, help_text="Marked after the event.")

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["event__starts_at", "status", "waitlisted_at", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                F("event"),
                Lower("email"),
                name="registration_unique_email_per_event",
                violation_error_message="This email address is already registered for this event.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["confirmed", "waitlisted", "cancelled"]), name="registration_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="waitlisted") | Q(waitlisted_at__isnull=False),
                name="registration_waitlisted_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_at__isnull=False),
                name="registration_confirmed_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "waitlisted_at"], name="registration_event_status_idx"),
            # A person's registrations by their address (My NMT).
            models.Index(Lower("email"), name="registration_email_lower_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_status_display()}) for {self.event.title}"
