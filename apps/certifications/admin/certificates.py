"""Admin of certificates: read, correct the holder's details, change the expiry date, extend the
renewal, revoke, export."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from apps.core.admin_lists import ChangeListRowsMixin
from apps.core.pagination import IndexedPaginator

from .. import services
from ..models import (
    Certificate,
)
from ..resources import CertificateResource
from ..tokens import certificate_path
from .exports import ExportSelectedMixin
from .history import ReadOnlyHistoryMixin

# CERTIFICATES


class CertificateStatusFilter(admin.SimpleListFilter):
    """By status as of today (an active certificate past its date counts as expired)."""

    title = "status"
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return [
            ("active", "Active"),
            ("expiring", "Expiring within 90 days"),
            ("expired", "Expired"),
            ("revoked", "Revoked"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        value = self.value()
        if value == "active":
            return queryset.active(today)
        if value == "expiring":
            return queryset.active(today).filter(expires_on__lte=today + timedelta(days=90))
        if value == "expired":
            return queryset.filter(
                Q(status=Certificate.Status.EXPIRED) | Q(status=Certificate.Status.ACTIVE, expires_on__lt=today)
            )
        if value == "revoked":
            return queryset.filter(status=Certificate.Status.REVOKED)
        return queryset


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        max_length=2000,
        help_text="Emailed to the holder. The public verification page shows only that and when it was revoked.",
    )


class RenewalExtensionForm(forms.Form):
    until = forms.DateField(
        label="New last day to renew",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The holder may start a renewal up to and including this day. "
        "At most a year past the end of the grace period.",
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        max_length=2000,
        help_text="Kept on the certificate for staff. The holder is emailed the new last day, not the reason.",
    )


@admin.register(Certificate)
class CertificateAdmin(ChangeListRowsMixin, ReadOnlyHistoryMixin, ExportSelectedMixin, SimpleHistoryAdmin):
    list_display = [
        "number",
        "holder_name",
        "kind",
        "program",
        "status_display",
        "issued_on",
        "expires_on",
        "listed_publicly",
    ]
    list_filter = [CertificateStatusFilter, "kind", "program", "listed_publicly"]
    list_select_related = ["program"]
    search_fields = ["number", "holder_name", "email", "application__reference"]
    search_help_text = "Certificate number, holder, email or application reference."
    # No date_hierarchy: listing its years reads every certificate on each page view; the list is
    # ordered by issue date, newest first, and the status filter answers what staff ask of it.
    list_per_page = 50
    show_full_result_count = False
    paginator = IndexedPaginator  # a late page reads the index, not the rows it skips
    actions = ["export_selected"]
    resource_classes = [CertificateResource]
    change_form_template = "admin/certifications/certificate/change_form.html"
    fields = [
        ("number", "status_display"),
        "application_link",
        ("kind", "program"),
        "holder_name",
        "email",
        ("country", "city"),
        "listed_publicly",
        ("issued_on", "expires_on"),
        "renewal_state_display",
        ("renewal_opens_on", "grace_ends_on", "renewal_closes_on"),
        "renewal_extension",
        "revocation",
        "reminders",
        "printable_link",
    ]
    readonly_fields = [
        "number",
        "status_display",
        "application_link",
        "kind",
        "program",
        "issued_on",
        "renewal_state_display",
        "renewal_opens_on",
        "grace_ends_on",
        "renewal_closes_on",
        "renewal_extension",
        "revocation",
        "reminders",
        "printable_link",
    ]

    def has_add_permission(self, request):
        # Certificates are issued by approving an application.
        return False

    def has_delete_permission(self, request, obj=None):
        # A certificate number once issued stays verifiable; revoke instead.
        return False

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("program", "application", "revoked_by", "renewal_extended_by")
        )

    def save_model(self, request, obj, form, change):
        # A new expiry date goes through the service, which also restarts the reminders and the status.
        others = [name for name in form.changed_data if name != "expires_on"]
        new_expiry = obj.expires_on
        if others:
            obj.expires_on = form.initial["expires_on"]
            obj.save(update_fields=[*others, "updated_at"])
        if "expires_on" in form.changed_data:
            services.certificate_change_expiry(certificate=obj, expires_on=new_expiry)

    @admin.display(description="status")
    def status_display(self, obj):
        return obj.effective_status().label

    @admin.display(description="application")
    def application_link(self, obj):
        url = reverse("admin:certifications_application_change", args=[obj.application_id])
        return format_html('<a href="{}">{}</a>', url, obj.application.reference)

    @admin.display(description="renewal today")
    def renewal_state_display(self, obj):
        return obj.renewal_state().label

    @admin.display(description="renewal extension")
    def renewal_extension(self, obj):
        if obj.renewal_extended_until is None:
            return "—"
        by = obj.renewal_extended_by.get_username() if obj.renewal_extended_by else "unknown"
        return format_html(
            "until {} by {}: {}", f"{obj.renewal_extended_until:%Y-%m-%d}", by, obj.renewal_extension_reason
        )

    @admin.display(description="revocation")
    def revocation(self, obj):
        if obj.status != Certificate.Status.REVOKED:
            return "—"
        by = obj.revoked_by.get_username() if obj.revoked_by else "unknown"
        return format_html(
            "{} by {}: {}", timezone.localtime(obj.revoked_at).strftime("%Y-%m-%d %H:%M"), by, obj.revoked_reason
        )

    @admin.display(description="renewal reminders sent")
    def reminders(self, obj):
        sent = [
            f"{label}: {timezone.localtime(moment):%Y-%m-%d}"
            for label, moment in [
                ("90 days", obj.reminded_90_at),
                ("30 days", obj.reminded_30_at),
                ("on the day", obj.reminded_0_at),
            ]
            if moment
        ]
        return "; ".join(sent) or "none yet"

    @admin.display(description="holder's printable certificate (private link)")
    def printable_link(self, obj):
        url = certificate_path(obj)
        return format_html('<a href="{}" rel="noreferrer">{}</a>', url, "Open the printable certificate")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        certificate = self.get_object(request, object_id)
        context = dict(extra_context or {})
        revocable = certificate is not None and certificate.status != Certificate.Status.REVOKED
        if revocable and request.user.has_perm(services.REVOKE_PERMISSION):
            context["revoke_url"] = reverse("admin:certifications_certificate_revoke", args=[certificate.pk])
        if revocable and request.user.has_perm(services.EXTEND_RENEWAL_PERMISSION):
            context["extend_renewal_url"] = reverse(
                "admin:certifications_certificate_extend_renewal", args=[certificate.pk]
            )
        return super().change_view(request, object_id, form_url, extra_context=context)

    def get_urls(self):
        return [
            path(
                "<int:pk>/revoke/",
                self.admin_site.admin_view(self.revoke_view),
                name="certifications_certificate_revoke",
            ),
            path(
                "<int:pk>/extend-renewal/",
                self.admin_site.admin_view(self.extend_renewal_view),
                name="certifications_certificate_extend_renewal",
            ),
            *super().get_urls(),
        ]

    def revoke_view(self, request, pk):
        certificate = get_object_or_404(self.get_queryset(request), pk=pk)
        if not request.user.has_perm(services.REVOKE_PERMISSION):
            raise PermissionDenied
        change_url = reverse("admin:certifications_certificate_change", args=[certificate.pk])
        form = RevokeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.certificate_revoke(
                    certificate=certificate, user=request.user, reason=form.cleaned_data["reason"]
                )
            except services.ServiceError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, f"Certificate {certificate.number} is revoked.", messages.SUCCESS)
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Revoke certificate {certificate.number}",
            "certificate": certificate,
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/certifications/certificate/revoke.html", context)

    def extend_renewal_view(self, request, pk):
        certificate = get_object_or_404(self.get_queryset(request), pk=pk)
        if not request.user.has_perm(services.EXTEND_RENEWAL_PERMISSION):
            raise PermissionDenied
        change_url = reverse("admin:certifications_certificate_change", args=[certificate.pk])
        if certificate.status == Certificate.Status.REVOKED:
            self.message_user(
                request, f"Certificate {certificate.number} is revoked; its renewal cannot be extended.", messages.ERROR
            )
            return redirect(change_url)
        form = RenewalExtensionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                certificate = services.certificate_renewal_extend(
                    certificate=certificate,
                    until=form.cleaned_data["until"],
                    reason=form.cleaned_data["reason"],
                    staff=request.user,
                )
            except services.MessageRequired as error:
                form.add_error("reason", str(error))
            except services.ServiceError as error:
                # The service judges the date (after the current last day, within the cap): its
                # refusal is shown beside the date typed, and the form keeps what was typed.
                form.add_error("until", str(error))
            else:
                last_day = f"{certificate.renewal_closes_on:%Y-%m-%d}"
                told = " The holder is emailed." if certificate.email else ""
                self.message_user(
                    request,
                    f"Certificate {certificate.number} may be renewed until {last_day}.{told}",
                    messages.SUCCESS,
                )
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Extend the renewal of certificate {certificate.number}",
            "certificate": certificate,
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/certifications/certificate/extend_renewal.html", context)
