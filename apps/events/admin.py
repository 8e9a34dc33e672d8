from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import ngettext
from import_export import fields, resources
from import_export.admin import ExportMixin
from import_export.formats.base_formats import CSV, XLSX

from apps.core.admin_filters import WorkQueueFilter
from apps.core.admin_lists import ChangeListRowsMixin

from .forms import EventAdminForm
from .models import DEFAULT_TIMEZONE, Event, Registration
from .services import (
    CancellationRefused,
    event_copy_next_quarter,
    event_fill_seats,
    registration_cancel,
    registrations_mark_attendance,
)
from .timezones import get_zone


class WhenFilter(WorkQueueFilter):
    """Opens on the upcoming events: the ones editors and registrations are busy with."""

    title = "when"
    parameter_name = "when"
    default = "upcoming"

    def lookups(self, request, model_admin):
        return [("upcoming", "Upcoming"), ("past", "Past"), ("all", "All")]

    def filter(self, queryset, value):
        now = timezone.now()
        if value == "upcoming":
            return queryset.filter(ends_at__gt=now)
        if value == "past":
            return queryset.filter(ends_at__lte=now)
        return queryset


class RegistrationInline(admin.TabularInline):
    """Read-only: places change only through the registration services (capacity, waitlist, email)."""

    model = Registration
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["name", "email", "organisation", "role", "is_nmt_certified", "status", "position", "attended"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).with_waitlist_position().order_by("status", "waitlisted_at", "pk")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="waitlist position")
    def position(self, obj):
        return obj.waitlist_position or "–"


@admin.register(Event)
class EventAdmin(ChangeListRowsMixin, admin.ModelAdmin):
    form = EventAdminForm
    list_display = [
        "title",
        "kind",
        "local_start_display",
        "timezone",
        "capacity",
        "confirmed",
        "waitlisted",
        "cancelled",
        "is_published",
        "export_link",
    ]
    list_filter = [WhenFilter, "kind", "is_published", "timezone"]
    search_fields = ["title", "slug", "description", "venue"]
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["starts_utc", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "description", "is_published"]}),
        ("When", {"fields": ["starts_at", "timezone", "duration", "starts_utc"]}),
        ("Where", {"fields": ["join_url", "venue"]}),
        ("Registration", {"fields": ["capacity", "registration_opens_at", "registration_closes_at"]}),
        (
            "Continuing education",
            {
                "fields": [
                    "ce_instruction_minutes",
                    "ce_format",
                    ("ce_requires_evaluation", "ce_requires_post_test", "ce_post_test_pass_percent"),
                ],
                "description": "The conditions every credit type below shares; the event page states them.",
            },
        ),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    inlines = [RegistrationInline]
    actions = ["copy_next_quarter"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_counts()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Every time on the form is a wall-clock time in the event's zone: the one submitted on a
        # POST (so a changed zone applies to the times typed with it), else the saved one.
        zone = request.POST.get("timezone") if request.method == "POST" else None
        if not zone and object_id:
            zone = Event.objects.filter(pk=object_id).values_list("timezone", flat=True).first()
        try:
            zone = get_zone(zone or DEFAULT_TIMEZONE)
        except ValidationError:  # an unknown name is refused by the form's own field
            zone = get_zone(DEFAULT_TIMEZONE)
        with timezone.override(zone):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            # Render here: the form's times are formatted while the zone is active.
            if hasattr(response, "render"):
                response.render()
            return response

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            promoted = event_fill_seats(event=obj)
            if promoted:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d person moved from the waitlist to a confirmed seat and was emailed.",
                        "%(count)d people moved from the waitlist to confirmed seats and were emailed.",
                        len(promoted),
                    )
                    % {"count": len(promoted)},
                    messages.SUCCESS,
                )

    def _registrations_link(self, obj, status, count):
        url = reverse("admin:events_registration_changelist")
        return format_html('<a href="{}?event__id__exact={}&amp;status__exact={}">{}</a>', url, obj.pk, status, count)

    @admin.display(description="starts (local)", ordering="starts_at")
    def local_start_display(self, obj):
        return f"{obj.local_start:%Y-%m-%d %H:%M %Z}"

    @admin.display(description="starts (UTC)")
    def starts_utc(self, obj):
        return f"{obj.starts_at.astimezone(get_zone('UTC')):%Y-%m-%d %H:%M} UTC" if obj.pk else "–"

    @admin.display(description="confirmed", ordering="confirmed_count")
    def confirmed(self, obj):
        return self._registrations_link(obj, Registration.Status.CONFIRMED, obj.confirmed_count)

    @admin.display(description="waitlisted", ordering="waitlisted_count")
    def waitlisted(self, obj):
        return self._registrations_link(obj, Registration.Status.WAITLISTED, obj.waitlisted_count)

    @admin.display(description="cancelled", ordering="cancelled_count")
    def cancelled(self, obj):
        return self._registrations_link(obj, Registration.Status.CANCELLED, obj.cancelled_count)

    @admin.display(description="registrants")
    def export_link(self, obj):
        url = reverse("admin:events_registration_export")
        return format_html('<a href="{}?event__id__exact={}">Export CSV/XLSX</a>', url, obj.pk)

    @admin.action(description="Create next quarter's training from the selected ones", permissions=["add"])
    def copy_next_quarter(self, request, queryset):
        for event in queryset:
            try:
                copy = event_copy_next_quarter(event=event)
            except ValueError as error:
                self.message_user(request, f"Skipped: {error}", messages.WARNING)
                continue
            url = reverse("admin:events_event_change", args=[copy.pk])
            self.message_user(
                request,
                format_html(
                    'Created <a href="{}">{}</a> on {} (unpublished): check it, then publish it.',
                    url,
                    copy.title,
                    f"{copy.local_start:%Y-%m-%d %H:%M %Z}",
                ),
                messages.SUCCESS,
            )


class RegistrationResource(resources.ModelResource):
    event = fields.Field(attribute="event__title", column_name="event")
    event_starts = fields.Field(column_name="event starts (UTC)")
    role = fields.Field(attribute="get_role_display", column_name="role")
    is_nmt_certified = fields.Field(column_name="NMT-certified")
    status = fields.Field(attribute="get_status_display", column_name="status")
    waitlist_position = fields.Field(attribute="waitlist_position", column_name="waitlist position")
    attended = fields.Field(column_name="attended")
    registered = fields.Field(column_name="registered (UTC)")

    class Meta:
        model = Registration
        fields = [
            "event",
            "event_starts",
            "name",
            "email",
            "organisation",
            "role",
            "is_nmt_certified",
            "status",
            "waitlist_position",
            "attended",
            "registered",
        ]
        export_order = fields

    def dehydrate_event_starts(self, registration):
        return f"{registration.event.starts_at.astimezone(get_zone('UTC')):%Y-%m-%d %H:%M}"

    def dehydrate_is_nmt_certified(self, registration):
        return "yes" if registration.is_nmt_certified else "no"

    def dehydrate_attended(self, registration):
        return {True: "yes", False: "no", None: ""}[registration.attended]

    def dehydrate_registered(self, registration):
        return f"{registration.created_at.astimezone(get_zone('UTC')):%Y-%m-%d %H:%M}"


class EventStartedFilter(admin.SimpleListFilter):
    title = "event"
    parameter_name = "event_when"

    def lookups(self, request, model_admin):
        return [("upcoming", "Upcoming events"), ("past", "Past events")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "upcoming":
            return queryset.filter(event__ends_at__gt=now)
        if self.value() == "past":
            return queryset.filter(event__ends_at__lte=now)
        return queryset


@admin.register(Registration)
class RegistrationAdmin(ChangeListRowsMixin, ExportMixin, admin.ModelAdmin):
    """Filter (by event, status…) then Export: the file holds exactly the filtered registrations."""

    resource_classes = [RegistrationResource]
    formats = [CSV, XLSX]
    list_display = [
        "name",
        "event",
        "email",
        "organisation",
        "role",
        "is_nmt_certified",
        "status",
        "position",
        "attended",
        "created_at",
    ]
    list_filter = [EventStartedFilter, "status", "role", "is_nmt_certified", "attended", "event"]
    list_select_related = ["event"]
    search_fields = ["name", "email", "organisation", "event__title"]
    date_hierarchy = "created_at"
    ordering = ["event__starts_at", "status", "waitlisted_at", "created_at", "pk"]
    fields = [
        "event",
        "name",
        "email",
        "organisation",
        "role",
        "is_nmt_certified",
        "status",
        "position",
        "confirmed_at",
        "waitlisted_at",
        "cancelled_at",
        "attended",
        "created_at",
    ]
    readonly_fields = [
        "event",
        "status",
        "position",
        "confirmed_at",
        "waitlisted_at",
        "cancelled_at",
        "attended",
        "created_at",
    ]
    actions = ["mark_attended", "mark_absent", "cancel_registrations"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_waitlist_position()

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).select_related("event")

    def has_add_permission(self, request):
        # New places go through the public form, which enforces capacity and sends the emails.
        return False

    @admin.display(description="waitlist position", ordering="waitlist_position")
    def position(self, obj):
        return obj.waitlist_position or "–"

    def _attendance(self, request, queryset, attended):
        marked, skipped = registrations_mark_attendance(registrations=queryset, attended=attended)
        self.message_user(
            request,
            ngettext(
                "%(count)d registration marked as %(mark)s.", "%(count)d registrations marked as %(mark)s.", marked
            )
            % {"count": marked, "mark": "attended" if attended else "absent"},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d registration skipped: attendance is recorded only for confirmed registrations "
                    "of events that have begun.",
                    "%(count)d registrations skipped: attendance is recorded only for confirmed registrations "
                    "of events that have begun.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description="Mark as attended (after the event)", permissions=["change"])
    def mark_attended(self, request, queryset):
        self._attendance(request, queryset, True)

    @admin.action(description="Mark as absent (after the event)", permissions=["change"])
    def mark_absent(self, request, queryset):
        self._attendance(request, queryset, False)

    @admin.action(description="Cancel the selected registrations (promotes the waitlist)", permissions=["change"])
    def cancel_registrations(self, request, queryset):
        cancelled = promoted = 0
        for registration in queryset.filter(~Q(status=Registration.Status.CANCELLED)).select_related("event"):
            try:
                promoted += len(registration_cancel(registration=registration))
                cancelled += 1
            except CancellationRefused as refusal:
                self.message_user(request, f"{registration.name}: {refusal}", messages.WARNING)
        self.message_user(
            request,
            ngettext("%(count)d registration cancelled", "%(count)d registrations cancelled", cancelled)
            % {"count": cancelled}
            + "; "
            + ngettext(
                "%(count)d person promoted from the waitlist and emailed.",
                "%(count)d people promoted from the waitlist and emailed.",
                promoted,
            )
            % {"count": promoted},
            messages.SUCCESS,
        )
