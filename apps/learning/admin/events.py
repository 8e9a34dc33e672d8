"""The CE parts of the events' admin: the credit types an event offers (inline on the event), the
attendance import, on a registration its imported sessions and computed credit, and the CE credit
of attendance marked by hand. The events app knows nothing of learning, so the event and
registration admins are extended and registered again here (learning comes after events in
INSTALLED_APPS)."""

from django import forms
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import get_text_list
from django.utils.translation import ngettext

from apps.events.admin import EventAdmin, RegistrationAdmin
from apps.events.models import Event, Registration

from ..attendance import attendance_import, attendance_mark_by_hand, decode_export
from ..models import CreditOffer, PostTestQuestion
from . import reports
from .evaluations import EvaluationQuestionInline


class CreditOfferInline(admin.StackedInline):
    """The CE credit types the event offers, each with its approval statement and number."""

    model = CreditOffer
    extra = 0
    fields = [("credit_type", "label"), "provider_number", "approval_statement", "allows_half_hours"]
    verbose_name = "CE credit offered"
    verbose_name_plural = "CE credit offered"


ATTENDANCE_MAX_BYTES = 2 * 1024 * 1024
ATTENDANCE_SALT = "learning.attendance-import"
ATTENDANCE_MAX_AGE = 60 * 60


class AttendanceUploadForm(forms.Form):
    export = forms.FileField(
        label="Participant export (CSV)",
        help_text="The webinar platform's participant report, at most 2 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_export(self):
        upload = self.cleaned_data["export"]
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError("Upload a .csv file: the platform's participant export saved as CSV.")
        if upload.size > ATTENDANCE_MAX_BYTES:
            raise ValidationError("The file is larger than 2 MB.")
        try:
            text = decode_export(upload.read())
        except ValueError as error:
            raise ValidationError(str(error)) from None
        return upload.name, text


class AttendanceConfirmForm(forms.Form):
    payload = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, event, **kwargs):
        self.event = event
        super().__init__(*args, **kwargs)

    def clean_payload(self):
        try:
            data = signing.loads(self.cleaned_data["payload"], salt=ATTENDANCE_SALT, max_age=ATTENDANCE_MAX_AGE)
        except signing.SignatureExpired:
            raise ValidationError("The preview is more than an hour old: upload the file again.") from None
        except signing.BadSignature:
            raise ValidationError("The preview's file was changed: upload the file again.") from None
        if data.get("event") != self.event.pk:
            raise ValidationError("This preview is for another event: upload the file again.")
        return data["filename"], data["text"]


class EventWithCEAdmin(EventAdmin):
    inlines = [CreditOfferInline, EvaluationQuestionInline, *EventAdmin.inlines]

    def get_urls(self):
        return [
            path(
                "<int:pk>/import-attendance/",
                self.admin_site.admin_view(self.import_attendance_view),
                name="events_event_import_attendance",
            ),
            path(
                "<int:pk>/ce-report/",
                self.admin_site.admin_view(reports.ce_report_view),
                {"model_admin": self},
                name="events_event_ce_report",
            ),
            path(
                "<int:pk>/ce-report/comments.csv",
                self.admin_site.admin_view(reports.ce_comments_csv_view),
                {"model_admin": self},
                name="events_event_ce_comments",
            ),
            path(
                "<int:pk>/ce-report/attendees.csv",
                self.admin_site.admin_view(reports.ce_attendees_csv_view),
                {"model_admin": self},
                name="events_event_ce_attendees",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = dict(extra_context or {})
        if self.has_change_permission(request) and str(object_id).isdigit():
            context["import_attendance_url"] = reverse("admin:events_event_import_attendance", args=[object_id])
        if str(object_id).isdigit() and reports.can_view_ce_report(request, self):
            context["ce_report_url"] = reverse("admin:events_event_ce_report", args=[object_id])
        if (
            request.method == "GET"
            and str(object_id).isdigit()
            and Event.objects.filter(pk=object_id, ce_requires_post_test=True)
            .exclude(Exists(PostTestQuestion.objects.filter(event=OuterRef("pk"))))
            .exists()
        ):
            self.message_user(
                request,
                "This event requires a post-test for CE but has no post-test questions yet: attendees cannot take "
                "it and receive no CE certificate. Add them under Continuing education and progress › Post test "
                "questions.",
                messages.WARNING,
            )
        return super().change_view(request, object_id, form_url, extra_context=context)

    def import_attendance_view(self, request, pk):
        """Upload a participant export, preview what it does (nothing written), then confirm: the
        confirmation re-posts the same file's text, signed so it cannot be altered in between."""
        event = get_object_or_404(Event, pk=pk)
        if not self.has_change_permission(request, event):
            raise PermissionDenied
        change_url = reverse("admin:events_event_change", args=[event.pk])
        upload_form, confirm_form, summary = AttendanceUploadForm(), None, None
        if request.method == "POST" and "_confirm" in request.POST:
            confirm_form = AttendanceConfirmForm(request.POST, event=event)
            if confirm_form.is_valid():
                filename, text = confirm_form.cleaned_data["payload"]
                summary = attendance_import(event=event, text=text, filename=filename, user=request.user)
                if summary.fatal:
                    for error in summary.errors:
                        self.message_user(request, error["message"], messages.ERROR)
                else:
                    self.message_user(request, _import_message(summary), messages.SUCCESS)
                    if summary.unmatched or summary.errors:
                        self.message_user(
                            request,
                            f"{len(summary.unmatched)} unmatched rows and {len(summary.errors)} refused rows "
                            "are kept with the import.",
                            messages.WARNING,
                        )
                return redirect(change_url)
            for error in confirm_form.errors.get("payload", []):
                self.message_user(request, error, messages.ERROR)
            confirm_form = None
        elif request.method == "POST":
            upload_form = AttendanceUploadForm(request.POST, request.FILES)
            if upload_form.is_valid():
                filename, text = upload_form.cleaned_data["export"]
                summary = attendance_import(event=event, text=text, filename=filename, dry_run=True)
                if not summary.fatal:
                    payload = signing.dumps(
                        {"event": event.pk, "filename": filename, "text": text}, salt=ATTENDANCE_SALT, compress=True
                    )
                    confirm_form = AttendanceConfirmForm(initial={"payload": payload}, event=event)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Import attendance: {event.title}",
            "event": event,
            "original": event,
            "upload_form": upload_form,
            "confirm_form": confirm_form,
            "summary": summary,
            "offers": list(event.credit_offers.all()),
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/learning/import_attendance.html", context)


def _import_message(summary):
    attended = sum(1 for attendee in summary.attendees if attendee.minutes_attended)
    return (
        f"Attendance imported from {summary.filename}: {summary.rows_read} rows read, {summary.rows_matched} matched "
        f"to {len(summary.attendees)} registrations ({attended} attended), {len(summary.unmatched)} unmatched, "
        f"{len(summary.errors)} refused."
    )


class RegistrationWithCEAdmin(RegistrationAdmin):
    fields = [*RegistrationAdmin.fields[:-1], "attendance", "ce_credit", RegistrationAdmin.fields[-1]]
    readonly_fields = [*RegistrationAdmin.readonly_fields, "attendance", "ce_credit"]

    def _attendance(self, request, queryset, attended):
        """Mark as attended or absent (the events admin's actions), then the CE credit that follows."""
        with transaction.atomic():
            super()._attendance(request, queryset, attended)
            marking = attendance_mark_by_hand(registrations=queryset, attended=attended)
        for level, text in _marking_messages(marking, attended):
            self.message_user(request, text, level)

    @admin.display(description="attendance (imported)")
    def attendance(self, obj):
        zone = obj.event.zone
        sessions = [
            (f"{session.joined_at.astimezone(zone):%Y-%m-%d %H:%M}", f"{session.left_at.astimezone(zone):%H:%M %Z}")
            for session in obj.attendance_sessions.all()
        ]
        return format_html_join(mark_safe("<br>"), "{}–{}", sessions) if sessions else "–"

    @admin.display(description="CE credit (computed)")
    def ce_credit(self, obj):
        awards = [(award.offer.name, award.hours, award.reason) for award in obj.credit_awards.select_related("offer")]
        return format_html_join(mark_safe("<br>"), "{}: {} hours ({})", awards) if awards else "–"


def _names(registrations):
    return get_text_list([registration.name for registration in registrations], "and")


def _marking_messages(marking, attended):
    """(level, text) for each thing staff should know about the CE credit of a marking by hand."""
    texts = []
    count = len(marking.credited)
    if count and attended:
        texts.append(
            (
                messages.SUCCESS,
                ngettext(
                    "CE credit recorded for %(count)d registration as full attendance of the instruction; "
                    "%(invited)d emailed the CE invitation.",
                    "CE credit recorded for %(count)d registrations as full attendance of the instruction; "
                    "%(invited)d emailed the CE invitation.",
                    count,
                )
                % {"count": count, "invited": len(marking.invited)},
            )
        )
    elif count:
        texts.append(
            (
                messages.SUCCESS,
                ngettext(
                    "CE credit set to none for %(count)d registration.",
                    "CE credit set to none for %(count)d registrations.",
                    count,
                )
                % {"count": count},
            )
        )
    if marking.imported:
        texts.append(
            (
                messages.WARNING,
                ngettext(
                    "CE credit left as imported for %(names)s: the imported attendance is the better record. "
                    "To change it, import a corrected participant export.",
                    "CE credit left as imported for %(names)s: the imported attendance is the better record. "
                    "To change it, import a corrected participant export.",
                    len(marking.imported),
                )
                % {"names": _names(marking.imported)},
            )
        )
    if marking.certified:
        texts.append(
            (
                messages.WARNING,
                ngettext(
                    "%(names)s already has a CE certificate for this event, which stays valid: revoke it under "
                    "CE certificates if it should not stand.",
                    "%(names)s already have CE certificates for their events, which stay valid: revoke them under "
                    "CE certificates if they should not stand.",
                    len(marking.certified),
                )
                % {"names": _names(marking.certified)},
            )
        )
    if marking.unfit:
        texts.append(
            (
                messages.ERROR,
                f"No CE credit recorded for {_names(marking.unfit)}: the event's instruction minutes do not fit "
                "its times. Correct the event, then mark the attendance again.",
            )
        )
    return texts


admin.site.unregister(Event)
admin.site.register(Event, EventWithCEAdmin)
admin.site.unregister(Registration)
admin.site.register(Registration, RegistrationWithCEAdmin)
