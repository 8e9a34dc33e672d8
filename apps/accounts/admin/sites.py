"""Site memberships and listing changes in the admin (see apps/accounts/sites.py).

Memberships are read here, never edited: coordinators and staff change them in My NMT. Content
editors approve or reject the listing changes coordinators propose; both go through the services,
and a rejection asks for the reason the coordinator is sent."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import ngettext

from apps.core.admin_filters import WorkQueueFilter

from ..models import ListingChange, SiteMembership
from ..sites import SiteError, listing_change_approve, listing_change_reject, partner_model


@admin.register(SiteMembership)
class SiteMembershipAdmin(admin.ModelAdmin):
    list_display = ["email", "site", "role", "status", "accepted_at", "sharing", "ended_at"]
    list_filter = ["role", "status"]
    list_select_related = ["site", "user"]
    search_fields = ["email", "site__reference", "site__organisation_name"]
    date_hierarchy = "created_at"
    fields = [
        "site",
        "role",
        "status",
        "email",
        "user",
        "invited_by",
        "created_at",
        "accepted_at",
        "consent_at",
        "ended_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="shares records", boolean=True)
    def sharing(self, obj):
        return obj.consent_at is not None


class ListingQueueFilter(WorkQueueFilter):
    """Opens on the changes waiting for a decision."""

    title = "status"
    parameter_name = "status"
    default = ListingChange.Status.PENDING

    def lookups(self, request, model_admin):
        return [*ListingChange.Status.choices, ("all", "All")]

    def filter(self, queryset, value):
        return queryset.filter(status=value) if value in ListingChange.Status.values else queryset


class RejectForm(forms.Form):
    note = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        max_length=2000,
        help_text="Emailed to the site's coordinator.",
        error_messages={"required": "Say why the change is rejected: the coordinator reads it."},
    )


@admin.register(ListingChange)
class ListingChangeAdmin(admin.ModelAdmin):
    list_display = ["partner", "site", "status", "created_at", "proposed_by", "decided_by"]
    list_filter = [ListingQueueFilter]
    list_select_related = ["partner", "site", "proposed_by", "decided_by"]
    search_fields = ["partner__name", "site__reference", "site__organisation_name"]
    date_hierarchy = "created_at"
    fields = [
        "partner",
        "site",
        "proposed_by",
        "created_at",
        "changes_table",
        "status",
        "decided_by",
        "decided_at",
        "decision_note",
    ]
    readonly_fields = fields
    actions = ["approve"]
    change_form_template = "admin/accounts/listingchange/change_form.html"

    def has_add_permission(self, request):
        # Coordinators propose changes from their site's page.
        return False

    def has_delete_permission(self, request, obj=None):
        # The record of a decision.
        return False

    def save_model(self, request, obj, form, change):
        """Nothing is edited through the form (every field is read-only): decisions are the buttons."""

    @admin.display(description="proposed changes")
    def changes_table(self, obj):
        """Each field changed: its wording, the listing's value now, the proposed value."""
        fields = partner_model()._meta
        partner = obj.partner
        rows = format_html_join(
            "",
            "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td></tr>",
            (
                (capfirst(fields.get_field(name).verbose_name), getattr(partner, name, ""), value)
                for name, value in obj.changes.items()
            ),
        )
        return format_html(
            "<table><thead><tr><th scope='col'>Field</th><th scope='col'>On the listing now</th>"
            "<th scope='col'>Proposed</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    @admin.action(description="Approve and publish the selected changes", permissions=["change"])
    def approve(self, request, queryset):
        done = 0
        for change in queryset:
            try:
                listing_change_approve(change=change, editor=request.user)
            except SiteError as error:
                self.message_user(request, f"{change.partner}: {error}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d change published.", "%(count)d changes published.", done) % {"count": done},
                messages.SUCCESS,
            )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/approve/", view(self.approve_view), name="accounts_listingchange_approve"),
            path("<int:pk>/reject/", view(self.reject_view), name="accounts_listingchange_reject"),
            *super().get_urls(),
        ]

    def _change_url(self, change):
        return reverse("admin:accounts_listingchange_change", args=[change.pk])

    def _get_for_decision(self, request, pk):
        change = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, change):
            raise PermissionDenied
        return change

    def change_view(self, request, object_id, form_url="", extra_context=None):
        change = self.get_object(request, object_id)
        # Every field is read-only: the decision buttons replace the form's save buttons.
        context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False}
        pending = change is not None and change.status == ListingChange.Status.PENDING
        if pending and self.has_change_permission(request, change):
            context["approve_url"] = reverse("admin:accounts_listingchange_approve", args=[change.pk])
            context["reject_url"] = reverse("admin:accounts_listingchange_reject", args=[change.pk])
        return super().change_view(request, object_id, form_url, extra_context=context)

    def approve_view(self, request, pk):
        """POST only: the button on the change page."""
        change = self._get_for_decision(request, pk)
        if request.method != "POST":
            return redirect(self._change_url(change))
        try:
            listing_change_approve(change=change, editor=request.user)
        except SiteError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, f"The change to {change.partner} is published.", messages.SUCCESS)
        return redirect(self._change_url(change))

    def reject_view(self, request, pk):
        """The confirmation page of a rejection, with the reason sent to the coordinator."""
        change = self._get_for_decision(request, pk)
        form = RejectForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                listing_change_reject(change=change, editor=request.user, note=form.cleaned_data["note"])
            except SiteError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, f"The change to {change.partner} is rejected.", messages.SUCCESS)
            return redirect(self._change_url(change))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Reject the change to {change.partner}",
            "change": change,
            "changes_table": self.changes_table(change),
            "form": form,
            "change_url": self._change_url(change),
        }
        return TemplateResponse(
            request, "admin/accounts/listingchange/reject.html", context, status=400 if form.errors else 200
        )
