"""Erasure requests in the admin (see apps/accounts/privacy.py): the queue of requests waiting, and
Confirm / Decline, each through a confirmation page that says what the erasure deletes and keeps.
Requests come from the people themselves: nobody adds, edits or deletes one here."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from apps.certifications.services import ServiceError
from apps.core.admin_filters import WorkQueueFilter

from ..models import ErasureRequest
from ..privacy import CERTIFICATE_RETENTION_YEARS, ERASURE_PERMISSION, erasure_confirm, erasure_decline, erasure_plan

SUMMARY_LABELS = {
    "applications_deleted": "applications deleted",
    "applications_anonymised": "applications kept in minimal form",
    "certificates_deleted": "certificates deleted (retention period over)",
    "certificates_anonymised": "certificates kept in minimal form",
    "documents_deleted": "documents deleted",
    "notes_deleted": "internal notes deleted",
    "registrations_deleted": "training registrations deleted",
    "site_memberships_deleted": "site memberships deleted",
    "email_addresses_deleted": "addresses deleted",
    "address_holdings_deleted": "address holdings deleted",
    "history_rows_deleted": "history copies deleted",
    "account_deleted": "account deleted",
}


class ErasureStatusFilter(WorkQueueFilter):
    """Opens on the requests waiting for staff."""

    title = "status"
    parameter_name = "status"
    default = ErasureRequest.Status.REQUESTED

    def lookups(self, request, model_admin):
        return [*ErasureRequest.Status.choices, ("all", "All")]

    def filter(self, queryset, value):
        if value in ErasureRequest.Status.values:
            return queryset.filter(status=value)
        return queryset


class DeclineForm(forms.Form):
    note = forms.CharField(
        label="Why the erasure is declined",
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        max_length=2000,
        help_text="Emailed to the person, and shown on their data page.",
        error_messages={"required": "Say why the erasure is declined: the person is sent this note."},
    )


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin):
    list_display = ["__str__", "person", "status", "created_at", "decided_at", "decided_by"]
    list_filter = [ErasureStatusFilter]
    list_select_related = ["user", "decided_by"]
    search_fields = ["user__email"]
    search_help_text = "The person's email address (erased requests no longer have one)."
    date_hierarchy = "created_at"
    change_form_template = "accounts/privacy/admin/change_form.html"
    fields = ["status", "person", "reason", "created_at", ("decided_by", "decided_at"), "decision_note", "outcome"]
    readonly_fields = [
        "status",
        "person",
        "reason",
        "created_at",
        "decided_by",
        "decided_at",
        "decision_note",
        "outcome",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Read-only: the decision is the Confirm and Decline pages, through the services.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="person", ordering="user__email")
    def person(self, obj):
        return obj.user.email if obj.user else "(erased)"

    @admin.display(description="what was erased")
    def outcome(self, obj):
        if not obj.summary:
            return "—"
        return "; ".join(f"{SUMMARY_LABELS.get(key, key)}: {count}" for key, count in obj.summary.items())

    def change_view(self, request, object_id, form_url="", extra_context=None):
        erasure = self.get_object(request, object_id)
        context = dict(extra_context or {})
        waiting = erasure is not None and erasure.status == ErasureRequest.Status.REQUESTED
        if waiting and request.user.has_perm(ERASURE_PERMISSION):
            context["confirm_url"] = self._url("confirm", erasure.pk)
            context["decline_url"] = self._url("decline", erasure.pk)
        return super().change_view(request, object_id, form_url, extra_context=context)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/confirm/", view(self.confirm_view), name="accounts_erasurerequest_confirm"),
            path("<int:pk>/decline/", view(self.decline_view), name="accounts_erasurerequest_decline"),
            *super().get_urls(),
        ]

    def _url(self, name, pk):
        return reverse(f"admin:accounts_erasurerequest_{name}", args=[pk])

    def _get_waiting(self, request, pk):
        """The request to decide, for staff who may; a decided one sends them back to its page."""
        if not request.user.has_perm(ERASURE_PERMISSION):
            raise PermissionDenied
        erasure = get_object_or_404(self.get_queryset(request), pk=pk)
        if erasure.status != ErasureRequest.Status.REQUESTED or erasure.user is None:
            self.message_user(request, f"{erasure} was already decided.", messages.ERROR)
            return erasure, redirect(self._url("change", erasure.pk))
        return erasure, None

    def confirm_view(self, request, pk):
        erasure, refusal = self._get_waiting(request, pk)
        if refusal:
            return refusal
        if request.method == "POST":
            try:
                erasure_confirm(request=erasure, staff=request.user)
            except ServiceError as error:
                self.message_user(request, str(error), messages.ERROR)
                return redirect(self._url("change", erasure.pk))
            self.message_user(request, f"{erasure}: the person's data is erased.", messages.SUCCESS)
            return redirect(self._url("change", erasure.pk))
        return self._decision_page(request, erasure, action="confirm", form=None)

    def decline_view(self, request, pk):
        erasure, refusal = self._get_waiting(request, pk)
        if refusal:
            return refusal
        form = DeclineForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                erasure_decline(request=erasure, staff=request.user, note=form.cleaned_data["note"])
            except ServiceError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, f"{erasure} is declined; the person is emailed why.", messages.SUCCESS)
            return redirect(self._url("change", erasure.pk))
        return self._decision_page(request, erasure, action="decline", form=form)

    def _decision_page(self, request, erasure, *, action, form):
        plan = erasure_plan(user=erasure.user)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{'Confirm' if action == 'confirm' else 'Decline'} {erasure}",
            "erasure": erasure,
            "action": action,
            "form": form,
            "plan": plan,
            "retention_years": CERTIFICATE_RETENTION_YEARS,
            "change_url": self._url("change", erasure.pk),
        }
        return TemplateResponse(request, "accounts/privacy/admin/decide.html", context)
