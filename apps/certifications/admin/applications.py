"""The review queue and the application page: filters, transitions with confirmation pages,
assignment, internal notes, exports and the dashboard. Every status change goes through services.py."""

import hashlib
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.db.models.functions import Concat
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat, linebreaksbr
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django_countries import countries
from simple_history.admin import SimpleHistoryAdmin

from apps.core.admin_filters import WorkQueueFilter
from apps.core.page_cache import content_version

from .. import services
from ..dashboard import dashboard_stats
from ..emails import email_render
from ..models import (
    Application,
    Certificate,
    Kind,
    Status,
)
from ..resources import ApplicationResource
from .exports import ExportSelectedMixin
from .history import ReadOnlyHistoryMixin

# APPLICATIONS: the review queue


class QueueFilter(WorkQueueFilter):
    """Opens on what awaits review (submitted and in review); every status and "all" one click away."""

    title = "status"
    parameter_name = "status"
    default = "awaiting"

    def lookups(self, request, model_admin):
        return [("awaiting", "Awaiting review"), *Status.choices, ("all", "All")]

    def filter(self, queryset, value):
        if value == "awaiting":
            return queryset.awaiting_review()
        if value in Status.values:
            return queryset.filter(status=value)
        return queryset


class ReviewerFilter(admin.SimpleListFilter):
    title = "reviewer"
    parameter_name = "reviewer"

    def lookups(self, request, model_admin):
        staff = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")
        return [
            ("me", "Assigned to me"),
            ("none", "Unassigned"),
            *((str(user.pk), user.get_full_name() or user.get_username()) for user in staff),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "me":
            return queryset.filter(assigned_to=request.user)
        if value == "none":
            return queryset.filter(assigned_to__isnull=True)
        if value and value.isdigit():
            return queryset.filter(assigned_to_id=int(value))
        return queryset


# Under the content version like every cached list; applications are not public content and do not
# bump it, so a new country appears within COUNTRY_CACHE_SECONDS.
COUNTRY_CACHE_SECONDS = 600


class CountryFilter(admin.SimpleListFilter):
    """Only the countries applications come from, not all 250."""

    title = "country"
    parameter_name = "country"

    def lookups(self, request, model_admin):
        # A DISTINCT over every application is the slowest query of the queue; the list changes rarely.
        codes = cache.get_or_set(
            f"certifications:application-countries:{content_version()}",
            lambda: list(model_admin.model.objects.order_by("country").values_list("country", flat=True).distinct()),
            COUNTRY_CACHE_SECONDS,
        )
        return sorted(((code, countries.name(code)) for code in codes if code), key=lambda item: item[1])

    def queryset(self, request, queryset):
        return queryset.filter(country=self.value()) if self.value() else queryset


def document_download_url(document):
    """The permission-checked download (an attachment, never a public URL of the file)."""
    return reverse("certifications:document-download", args=[document.pk])


@dataclass(frozen=True)
class Transition:
    """A button on the application page, its confirmation page and the service it calls."""

    slug: str
    label: str
    explanation: str
    from_statuses: tuple
    message: str = ""  # "required", "optional" or "" (no message)
    message_label: str = ""
    preview_event: str = ""  # the email previewed before it is sent
    permission: str = "certifications.change_application"
    danger: bool = False


TRANSITIONS = {
    t.slug: t
    for t in [
        Transition(
            "start-review",
            "Start review",
            "The application moves to “in review”, is assigned to you if nobody has it, and the applicant "
            "is told that the review has started.",
            (Status.SUBMITTED,),
        ),
        Transition(
            "request-info",
            "Request information",
            "The application waits for the applicant, who is emailed your message and answers through "
            "their private status page; the answer brings it back to the queue.",
            (Status.IN_REVIEW,),
            message="required",
            message_label="Message to the applicant",
            preview_event="application_info_requested",
        ),
        Transition(
            "approve",
            "Approve",
            "The application is approved and a certificate is issued at once: it appears on the verification "
            "page (and in the registry if the holder agreed). The applicant is emailed the certificate.",
            (Status.IN_REVIEW,),
            message="optional",
            message_label="Message to the applicant (optional)",
        ),
        Transition(
            "reject",
            "Reject",
            "The application is rejected. The applicant is emailed your reason, which also appears on their "
            "status page.",
            (Status.IN_REVIEW,),
            message="required",
            message_label="Reason, for the applicant",
            preview_event="application_rejected",
            danger=True,
        ),
        Transition(
            "reopen",
            "Reopen decision",
            "The decision is withdrawn and the application returns to review. An approval's certificate is "
            "revoked. The applicant is emailed your reason.",
            (Status.APPROVED, Status.REJECTED),
            message="required",
            message_label="Reason, for the applicant",
            preview_event="application_reopened",
            permission=services.REOPEN_PERMISSION,
            danger=True,
        ),
    ]
}


def _perform(transition, *, application, user, message):
    if transition.slug == "start-review":
        return services.application_start_review(application=application, reviewer=user)
    if transition.slug == "request-info":
        return services.application_request_info(application=application, reviewer=user, message=message)
    if transition.slug == "approve":
        return services.application_approve(application=application, reviewer=user, message=message)
    if transition.slug == "reject":
        return services.application_reject(application=application, reviewer=user, reason=message)
    return services.application_reopen(application=application, user=user, reason=message)


class TransitionForm(forms.Form):
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 8, "cols": 80}), max_length=5000)
    previewed = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, transition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["message"].label = transition.message_label
        self.fields["message"].required = transition.message == "required"
        self.fields["message"].strip = True


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Add an internal note",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        max_length=5000,
        help_text="Staff only: never shown to the applicant.",
    )


class AssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(queryset=get_user_model().objects.none(), required=False, label="Reviewer")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers()
        self.fields["reviewer"].empty_label = "Nobody (unassigned)"
        self.fields["reviewer"].label_from_instance = lambda user: user.get_full_name() or user.get_username()


def reviewers():
    """Active staff who may work the queue (change applications), by name."""
    permission = Permission.objects.filter(content_type__app_label="certifications", codename="change_application")
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | Q(groups__permissions__in=permission) | Q(user_permissions__in=permission))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


PRIVATE_LINK_SHOWN = "(the applicant's private status link)"


def _digest(text):
    return hashlib.sha256(text.encode()).hexdigest()


INDIVIDUAL_FIELDSETS = [
    (
        "Applicant",
        {
            "fields": [
                "full_name",
                "email",
                "phone",
                ("country", "city"),
                "profession",
                ("credential_type", "credential_number", "credential_issuer"),
                "employer",
                "years_of_practice",
                "populations_display",
                "prior_training",
                "heard_about",
                "motivation",
                "list_in_registry",
                "consent_privacy",
            ]
        },
    ),
]
SITE_FIELDSETS = [
    (
        "Organisation",
        {
            "fields": [
                "organisation_name",
                "organisation_type",
                "website",
                "address_line1",
                "address_line2",
                ("postal_code", "city"),
                ("region", "country"),
                "staff_to_train",
                "populations_display",
                "settings_served",
                "services_description",
                "sustainability_plan",
                "show_on_map",
                "consent_privacy",
            ]
        },
    ),
    (
        "People",
        {
            "fields": [
                ("coordinator_name", "coordinator_role"),
                ("email", "phone"),
                ("sponsor_name", "sponsor_title", "sponsor_email"),
            ]
        },
    ),
]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyHistoryMixin, ExportSelectedMixin, SimpleHistoryAdmin):
    list_display = [
        "reference_display",
        "applicant",
        "program",
        "status",
        "submitted_on",
        "days_waiting_display",
        "reviewer",
    ]
    list_display_links = ["reference_display", "applicant"]
    list_filter = [
        QueueFilter,
        "program",
        "kind",
        CountryFilter,
        ReviewerFilter,
        ("submitted_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["program", "assigned_to"]
    search_fields = ["reference", "full_name", "organisation_name", "email", "coordinator_name"]
    search_help_text = "Reference number, name, organisation or email (part of any)."
    # No date_hierarchy: its two extra scans of the filtered rows cost more than the whole page at
    # 100,000 applications, and the "submitted" filter above answers the same question.
    list_per_page = 50
    # The queue is filtered; counting all 100,000 rows again on every page helps nobody.
    show_full_result_count = False
    actions = ["start_review", "assign_to_me", "export_selected"]
    resource_classes = [ApplicationResource]
    change_form_template = "admin/certifications/application/change_form.html"
    import_export_change_list_template = "admin/certifications/application/change_list.html"

    # Who may see and change what

    def has_add_permission(self, request):
        # Applications come from applicants, through the public forms.
        return False

    def has_delete_permission(self, request, obj=None):
        # Nobody deletes an application in the admin: it is the record of a decision (withdraw instead).
        return False

    def save_model(self, request, obj, form, change):
        """Nothing on the application page is edited through the form (every field is read-only)."""

    # The queue

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("program", "assigned_to")

    def get_ordering(self, request):
        # The queue is first come, first served; other views show the newest first.
        if request.GET.get(QueueFilter.parameter_name, QueueFilter.default) == "awaiting":
            return ["submitted_at", "pk"]
        return ["-submitted_at", "-pk"]

    @admin.display(description="reference", ordering="reference")
    def reference_display(self, obj):
        return obj.reference or "(draft)"

    @admin.display(description="applicant or organisation", ordering=Concat("full_name", "organisation_name"))
    def applicant(self, obj):
        return obj.applicant_name

    @admin.display(description="submitted", ordering="submitted_at")
    def submitted_on(self, obj):
        return timezone.localdate(obj.submitted_at) if obj.submitted_at else "—"

    @admin.display(description="assigned reviewer", ordering="assigned_to__username")
    def reviewer(self, obj):
        user = obj.assigned_to
        return (user.get_full_name() or user.get_username()) if user else "—"

    @admin.display(description="days waiting", ordering="submitted_at")
    def days_waiting_display(self, obj):
        days = obj.days_waiting()
        return "—" if days is None else days

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "dashboard_url": reverse("admin:certifications_dashboard")}
        return super().changelist_view(request, extra_context)

    @admin.action(description="Start review of the selected submitted applications", permissions=["change"])
    def start_review(self, request, queryset):
        done, refused = services.applications_start_review(applications=queryset, reviewer=request.user)
        self._report(request, done, refused, "taken into review")

    @admin.action(description="Assign the selected applications to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        done, refused = services.applications_assign(applications=queryset, reviewer=request.user)
        self._report(request, done, refused, "assigned to you")

    def _report(self, request, done, refused, what):
        if done:
            self.message_user(request, f"{done} application{'s' if done != 1 else ''} {what}.", messages.SUCCESS)
        for reason in refused:
            self.message_user(request, reason, messages.ERROR)

    # The application page: everything read-only, with the timeline, documents and notes

    def get_fieldsets(self, request, obj=None):
        summary = (
            None,
            {
                "fields": [
                    ("reference", "kind", "program"),
                    ("status", "assigned_to"),
                    ("submitted_at", "decided_at", "days_waiting_display"),
                    "certificate_link",
                ]
            },
        )
        details = SITE_FIELDSETS if obj is not None and obj.kind == Kind.SITE else INDIVIDUAL_FIELDSETS
        return [
            summary,
            *details,
            ("Documents", {"fields": ["documents_list"]}),
            ("Timeline (what the applicant sees, with their answers)", {"fields": ["timeline"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        return [
            field
            for name, options in self.get_fieldsets(request, obj)
            for row in options["fields"]
            for field in (row if isinstance(row, tuple) else (row,))
        ]

    @admin.display(description="populations served")
    def populations_display(self, obj):
        return ", ".join(obj.populations or []) or "—"

    @admin.display(description="certificate")
    def certificate_link(self, obj):
        certificate = Certificate.objects.filter(application=obj).first()
        if certificate is None:
            return "—"
        url = reverse("admin:certifications_certificate_change", args=[certificate.pk])
        return format_html(
            '<a href="{}">{}</a> ({})', url, certificate.number, certificate.effective_status().label.lower()
        )

    @admin.display(description="documents")
    def documents_list(self, obj):
        documents = list(obj.documents.all())
        if not documents:
            return "No documents."
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    document_download_url(document),
                    document.original_name,
                    document.get_kind_display(),
                    filesizeformat(document.size),
                    timezone.localtime(document.uploaded_at).strftime("%Y-%m-%d %H:%M"),
                )
                for document in documents
            ),
        )
        return format_html(
            '<table class="application-documents"><thead><tr><th>File (download)</th><th>Kind</th><th>Size</th>'
            "<th>Uploaded</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    @admin.display(description="timeline")
    def timeline(self, obj):
        events = list(obj.events.select_related("actor"))
        if not events:
            return "Nothing yet."
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M"),
                    str(event),
                    (event.actor.get_full_name() or event.actor.get_username()) if event.actor else "Applicant",
                    linebreaksbr(event.message) if event.message else "—",
                )
                for event in events
            ),
        )
        return format_html(
            '<table class="application-timeline"><thead><tr><th>When</th><th>Change</th><th>By</th>'
            "<th>Message</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        application = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if application is not None:
            context.update(self._page_context(request, application))
        return super().change_view(request, object_id, form_url, extra_context=context)

    def _page_context(self, request, application):
        can_change = self.has_change_permission(request, application)
        buttons = [
            {"label": t.label, "url": self._url("transition", application.pk, t.slug), "danger": t.danger}
            for t in TRANSITIONS.values()
            if application.status in t.from_statuses and request.user.has_perm(t.permission) and can_change
        ]
        return {
            "transition_buttons": buttons,
            "assign_url": self._url("assign", application.pk) if can_change and application.submitted_at else None,
            "assigned_to_me": application.assigned_to_id == request.user.pk,
            "notes": list(application.notes.select_related("author")),
            "note_form": NoteForm() if request.user.has_perm("certifications.add_applicationnote") else None,
            "note_url": self._url("note", application.pk),
        }

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # A read-only record: no save buttons (notes and transitions have their own forms).
        context.update({"show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False})
        return super().render_change_form(request, context, add, change, form_url, obj)

    # Custom admin views: transitions, assignment, notes and the dashboard

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("dashboard/", view(self.dashboard_view), name="certifications_dashboard"),
            path(
                "<int:pk>/transition/<slug:slug>/",
                view(self.transition_view),
                name="certifications_application_transition",
            ),
            path("<int:pk>/assign/", view(self.assign_view), name="certifications_application_assign"),
            path("<int:pk>/note/", view(self.note_view), name="certifications_application_note"),
            *super().get_urls(),
        ]

    def _url(self, name, *args):
        return reverse(f"admin:certifications_application_{name}", args=args)

    def _change_url(self, application):
        return reverse("admin:certifications_application_change", args=[application.pk])

    def _get_for_change(self, request, pk):
        application = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, application):
            raise PermissionDenied
        return application

    def transition_view(self, request, pk, slug):
        """Confirmation page of one transition. Messages to the applicant are previewed as the email
        before they can be sent; the service decides, and a refusal changes nothing."""
        transition = TRANSITIONS.get(slug)
        if transition is None:
            raise Http404("No such transition.")
        application = self._get_for_change(request, pk)
        if not request.user.has_perm(transition.permission):
            raise PermissionDenied
        if application.status not in transition.from_statuses and request.method == "GET":
            self.message_user(
                request,
                f"Application {application.reference} is {application.get_status_display().lower()}; "
                f"“{transition.label}” does not apply now.",
                messages.ERROR,
            )
            return redirect(self._change_url(application))
        form = TransitionForm(request.POST or None, transition=transition)
        preview = None
        if request.method == "POST" and form.is_valid():
            message = form.cleaned_data["message"]
            previewed = form.cleaned_data["previewed"]
            wants_preview = transition.preview_event and ("_preview" in request.POST or previewed != _digest(message))
            changed_since_preview = bool(previewed) and previewed != _digest(message)
            if not wants_preview:
                try:
                    _perform(transition, application=application, user=request.user, message=message)
                except services.InvalidTransition as error:
                    self.message_user(request, str(error), messages.ERROR)
                else:
                    self.message_user(
                        request, f"{transition.label}: done for {application.reference}.", messages.SUCCESS
                    )
                return redirect(self._change_url(application))
            subject, body = email_render(
                event=transition.preview_event,
                # The applicant's link is a key to their page: staff see where it goes, not the link itself.
                context={"application": application, "status_url": PRIVATE_LINK_SHOWN, "message": message},
            )
            preview = {"subject": subject, "body": body, "to": application.email, "changed": changed_since_preview}
            form = TransitionForm(initial={"message": message, "previewed": _digest(message)}, transition=transition)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{transition.label}: {application.reference}",
            "application": application,
            "transition": transition,
            "form": form,
            "preview": preview,
            "change_url": self._change_url(application),
        }
        return TemplateResponse(request, "admin/certifications/application/transition.html", context)

    def assign_view(self, request, pk):
        application = self._get_for_change(request, pk)
        if request.method == "POST" and "_me" in request.POST:
            form = AssignForm({"reviewer": request.user.pk})
        else:
            form = AssignForm(request.POST or None, initial={"reviewer": application.assigned_to_id})
        if request.method == "POST" and form.is_valid():
            reviewer = form.cleaned_data["reviewer"]
            try:
                services.application_assign(application=application, reviewer=reviewer)
            except services.InvalidTransition as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                who = (reviewer.get_full_name() or reviewer.get_username()) if reviewer else "nobody"
                self.message_user(request, f"{application.reference} is assigned to {who}.", messages.SUCCESS)
            return redirect(self._change_url(application))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Assign {application.reference}",
            "application": application,
            "form": form,
            "change_url": self._change_url(application),
        }
        return TemplateResponse(request, "admin/certifications/application/assign.html", context)

    def note_view(self, request, pk):
        if request.method != "POST":
            return redirect(self._change_url(get_object_or_404(Application, pk=pk)))
        application = get_object_or_404(self.get_queryset(request), pk=pk)
        if not (
            self.has_view_permission(request, application)
            and request.user.has_perm("certifications.add_applicationnote")
        ):
            raise PermissionDenied
        form = NoteForm(request.POST)
        if form.is_valid():
            services.application_note_add(application=application, author=request.user, text=form.cleaned_data["text"])
            self.message_user(request, "Note added.", messages.SUCCESS)
        else:
            self.message_user(request, "The note was empty or too long; nothing was added.", messages.ERROR)
        return redirect(f"{self._change_url(application)}#notes")

    def dashboard_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Certification dashboard",
            "stats": dashboard_stats(),
            "queue_url": reverse("admin:certifications_application_changelist"),
        }
        return TemplateResponse(request, "admin/certifications/dashboard.html", context)
