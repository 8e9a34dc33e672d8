"""The review queue and the application page: filters, the read-only record, exports and the
dashboard. The transitions, assignment and notes are `transitions.ReviewActionsMixin`'s; every
status change goes through the services."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models.functions import Concat
from django.template.defaultfilters import filesizeformat, linebreaksbr
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from apps.core.admin_filters import WorkQueueFilter
from apps.core.admin_lists import ChangeListRowsMixin
from apps.core.countries import country_name
from apps.core.page_cache import content_version
from apps.core.pagination import IndexedPaginator

from ..dashboard import dashboard_stats
from ..models import (
    Application,
    Certificate,
    Kind,
    Status,
    answered_first,
)
from ..resources import ApplicationResource, audit_label
from ..sections import answer, label, renewal_sections_of, sections_of
from ..services.renewals import renewal_changes
from .exports import ExportSelectedMixin
from .history import ReadOnlyHistoryMixin
from .transitions import ReviewActionsMixin

# APPLICATIONS: the review queue


class QueueFilter(WorkQueueFilter):
    """Opens on what awaits review (answered, submitted and in review); every status and "all" one
    click away."""

    title = "status"
    parameter_name = "status"
    default = "awaiting"

    def lookups(self, request, model_admin):
        return [("awaiting", "Awaiting review"), *Status.choices, ("all", "All")]

    def filter(self, queryset, value):
        if value == "awaiting":
            # An overdue audit is among these: the daily job returns it to review.
            return queryset.awaiting_review()
        if value in Status.values:
            return queryset.filter(status=value)
        return queryset


class ApplicationTypeFilter(admin.SimpleListFilter):
    """New applications or renewals, and the renewals' audits."""

    title = "type"
    parameter_name = "type"

    def lookups(self, request, model_admin):
        return [
            ("new", "New applications"),
            ("renewal", "Renewals"),
            ("audited", "Renewals drawn for audit"),
            ("audit-overdue", "Audits overdue"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "new":
            return queryset.filter(renews__isnull=True)
        if value == "renewal":
            return queryset.renewals()
        if value == "audited":
            return queryset.filter(audit_selected=True)
        if value == "audit-overdue":
            return queryset.audits_overdue()
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
        return sorted(((code, country_name(code)) for code in codes if code), key=lambda item: item[1])

    def queryset(self, request, queryset):
        return queryset.filter(country=self.value()) if self.value() else queryset


def document_download_url(document):
    """The permission-checked download (an attachment, never a public URL of the file)."""
    return reverse("certifications:document-download", args=[document.pk])


# The application's answers in the admin, where sections.py's field needs a display of its own.
ADMIN_DISPLAY = {"populations": "populations_display"}


def answer_fieldsets(kind, sections=None):
    """One fieldset per section of `kind` (sections.py), in order; the documents' section lists them."""
    fieldsets = []
    for section in sections or sections_of(kind):
        fields = ["documents_list"] if section.documents else [ADMIN_DISPLAY.get(n, n) for n in section.field_names]
        fieldsets.append((section.heading, {"fields": fields}))
    return fieldsets


def renewal_answer_fieldsets(kind):
    return answer_fieldsets(kind, renewal_sections_of(kind))


@admin.register(Application)
class ApplicationAdmin(
    ChangeListRowsMixin, ReviewActionsMixin, ReadOnlyHistoryMixin, ExportSelectedMixin, SimpleHistoryAdmin
):
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
        ApplicationTypeFilter,
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
    paginator = IndexedPaginator  # a late page reads the index, not the rows it skips
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
        # The queue is first come, first served, answers to information requests first (they have
        # waited once already); other views show the newest first.
        if request.GET.get(QueueFilter.parameter_name, QueueFilter.default) == "awaiting":
            return [answered_first().asc(), "submitted_at", "pk"]
        return ["-submitted_at", "-pk"]

    @admin.display(description="reference", ordering="reference")
    def reference_display(self, obj):
        return obj.reference or "(draft)"

    @admin.display(description="applicant or organisation", ordering=Concat("full_name", "organisation_name"))
    def applicant(self, obj):
        """The name, and under it for a renewal its type and audit (the queue's narrow columns stay as they are)."""
        if not obj.is_renewal:
            return obj.applicant_name
        audit = audit_label(obj)
        kind = f"Renewal, {audit}" if audit and audit != "not drawn" else "Renewal"
        return format_html('{}<br><span class="queue-type">{}</span>', obj.applicant_name, kind)

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

    # The application page: everything read-only, with the timeline, documents and notes

    def get_fieldsets(self, request, obj=None):
        summary = (
            None,
            {
                "fields": [
                    ("reference", "kind"),
                    ("status", "assigned_to"),
                    ("submitted_at", "decided_at", "days_waiting_display"),
                    "certificate_link",
                ]
            },
        )
        kind = obj.kind if obj is not None else Kind.INDIVIDUAL
        renewal = []
        if obj is not None and obj.is_renewal:
            renewal = [
                (
                    "Renewal",
                    {"fields": ["renewed_certificate", "certificate_line", "audit_display", "attested", "changes"]},
                )
            ]
        return [
            summary,
            *renewal,
            *(renewal_answer_fieldsets(kind) if renewal else answer_fieldsets(kind)),
            ("Timeline (what the applicant sees, with their answers)", {"fields": ["timeline"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        return [
            field
            for name, options in self.get_fieldsets(request, obj)
            for row in options["fields"]
            for field in (row if isinstance(row, tuple) else (row,))
        ]

    @admin.display(description=label("populations"))
    def populations_display(self, obj):
        return answer(obj, "populations") or "—"

    @admin.display(description="certificate")
    def certificate_link(self, obj):
        certificate = Certificate.objects.filter(application=obj).first()
        if certificate is None:
            return "—"
        url = reverse("admin:certifications_certificate_change", args=[certificate.pk])
        return format_html(
            '<a href="{}">{}</a> ({})', url, certificate.number, certificate.effective_status().label.lower()
        )

    # A renewal: the certificate it renews, that certificate's line, the audit, what changed

    @admin.display(description="renewal of")
    def renewed_certificate(self, obj):
        certificate = obj.renews
        url = reverse("admin:certifications_certificate_change", args=[certificate.pk])
        return format_html(
            '<a href="{}">{}</a> ({}, valid {} to {}; renewal {}) · <a href="{}">its history</a>',
            url,
            certificate.number,
            certificate.effective_status().label.lower(),
            certificate.issued_on,
            certificate.expires_on,
            certificate.renewal_state().label.lower(),
            reverse("admin:certifications_certificate_history", args=[certificate.pk]),
        )

    @admin.display(description="certificates so far")
    def certificate_line(self, obj):
        line = []
        certificate = obj.renews
        while certificate is not None and len(line) < 50:
            line.append(certificate)
            certificate = certificate.renews
        return format_html_join(
            "",
            '<p class="mb-1"><a href="{}">{}</a>: {} to {}, {} (application {})</p>',
            (
                (
                    reverse("admin:certifications_certificate_change", args=[c.pk]),
                    c.number,
                    c.issued_on,
                    c.expires_on,
                    c.effective_status().label.lower(),
                    c.application.reference,
                )
                for c in line
            ),
        )

    @admin.display(description="audit")
    def audit_display(self, obj):
        if obj.audit_selected is None:
            return "Not drawn yet (drawn when the renewal is submitted)."
        if not obj.audit_selected:
            return f"Not drawn for audit ({obj.program.renewal_audit_percent}% of renewals are)."
        due = f" Evidence due {obj.audit_due_on}." if obj.audit_due_on else ""
        overdue = (
            " OVERDUE: no evidence by the deadline; returned to review "
            f"{timezone.localtime(obj.audit_overdue_at):%Y-%m-%d}."
            if obj.audit_overdue_at
            else ""
        )
        return f"Drawn for audit on {timezone.localtime(obj.audit_drawn_at):%Y-%m-%d}.{due}{overdue}"

    @admin.display(description="attested")
    def attested(self, obj):
        if not obj.attestations:
            return "—"
        return format_html_join("", '<p class="mb-1">✓ {}</p>', ((statement,) for statement in obj.attestations))

    @admin.display(description="changed since the last certificate")
    def changes(self, obj):
        rows = renewal_changes(obj)
        if not rows:
            return "Nothing: the details are as before."
        body = format_html_join(
            "",
            '<tr><th scope="row">{}</th><td>{}</td><td>{}</td></tr>',
            ((name, linebreaksbr(before) or "—", linebreaksbr(after) or "—") for name, before, after in rows),
        )
        return format_html(
            '<table class="renewal-changes"><thead><tr><th>Detail</th><th>Before</th><th>Now</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            body,
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

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # A read-only record: no save buttons (notes and transitions have their own forms).
        context.update({"show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False})
        return super().render_change_form(request, context, add, change, form_url, obj)

    # The dashboard (the transition, assignment and note views are ReviewActionsMixin's)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("dashboard/", view(self.dashboard_view), name="certifications_dashboard"),
            *super().get_urls(),
        ]

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
