"""The learning admin: CE certificates (read-only snapshots staff can revoke with a reason), the CE
settings (one row), and read-only lists of the CE records and the credit awarded."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from ..models import CECertificate, CERecord, CESettings, CreditAward
from ..release import CECertificateRevokeError, ce_certificate_revoke

# Revoking a CE certificate changes it: change permission, which content editors and site
# administrators hold and reviewers (who read CE certificates) do not.
REVOKE_PERMISSION = "learning.change_cecertificate"


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        max_length=CECertificate._meta.get_field("revoked_reason").max_length,
        help_text="Kept with the certificate for staff. The public verification page shows that and when it was "
        "revoked.",
    )


class RevokedFilter(admin.SimpleListFilter):
    title = "validity"
    parameter_name = "revoked"

    def lookups(self, request, model_admin):
        return [("no", "Valid"), ("yes", "Revoked")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.valid()
        if self.value() == "yes":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


class ReadOnlyAdminMixin:
    """Rows the portal writes and staff only read: no add, no change, no delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CECertificate)
class CECertificateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A CE certificate is a snapshot of what it prints, issued by the release (release.py): nothing
    is added or edited here. Delete only for superusers (a certificate issued in error that was never
    sent); otherwise revoke, which keeps the number verifiable."""

    list_display = ["number", "participant_name", "event_title", "credit_type", "hours", "issued_at", "revoked"]
    list_filter = ["credit_type", RevokedFilter, "issued_at"]
    search_fields = ["number", "participant_name", "registration__email", "event_title"]
    search_help_text = "Certificate number, participant's name or email, or event title."
    list_per_page = 50
    show_full_result_count = False
    change_form_template = "admin/learning/cecertificate/change_form.html"
    fields = [
        ("number", "issued_at"),
        "revocation",
        "registration_link",
        ("participant_name", "licence_number"),
        "event_title",
        ("event_starts_on", "event_ends_on", "event_format"),
        ("credit_type", "hours"),
        ("provider_name", "provider_number"),
        "approval_statement",
        ("signatory_name", "signatory_title"),
    ]
    readonly_fields = [
        "number",
        "issued_at",
        "revocation",
        "registration_link",
        "participant_name",
        "licence_number",
        "event_title",
        "event_starts_on",
        "event_ends_on",
        "event_format",
        "credit_type",
        "hours",
        "provider_name",
        "provider_number",
        "approval_statement",
        "signatory_name",
        "signatory_title",
    ]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("registration")

    @admin.display(description="revoked", boolean=True, ordering="revoked_at")
    def revoked(self, obj):
        return obj.is_revoked

    @admin.display(description="revocation")
    def revocation(self, obj):
        if not obj.is_revoked:
            return "Valid: not revoked"
        return format_html("Revoked {}: {}", f"{timezone.localtime(obj.revoked_at):%Y-%m-%d %H:%M}", obj.revoked_reason)

    @admin.display(description="registration")
    def registration_link(self, obj):
        url = reverse("admin:events_registration_change", args=[obj.registration_id])
        return format_html('<a href="{}">{} &lt;{}&gt;</a>', url, obj.registration.name, obj.registration.email)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = dict(extra_context or {})
        certificate = self.get_object(request, object_id)
        if certificate is not None and not certificate.is_revoked and request.user.has_perm(REVOKE_PERMISSION):
            context["revoke_url"] = reverse("admin:learning_cecertificate_revoke", args=[certificate.pk])
        return super().change_view(request, object_id, form_url, extra_context=context)

    def get_urls(self):
        return [
            path(
                "<int:pk>/revoke/",
                self.admin_site.admin_view(self.revoke_view),
                name="learning_cecertificate_revoke",
            ),
            *super().get_urls(),
        ]

    def revoke_view(self, request, pk):
        if not request.user.has_perm(REVOKE_PERMISSION):
            raise PermissionDenied
        certificate = get_object_or_404(self.get_queryset(request), pk=pk)
        change_url = reverse("admin:learning_cecertificate_change", args=[certificate.pk])
        if certificate.is_revoked:
            self.message_user(request, f"CE certificate {certificate.number} is already revoked.", messages.WARNING)
            return redirect(change_url)
        form = RevokeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                certificate = ce_certificate_revoke(certificate=certificate, reason=form.cleaned_data["reason"])
            except CECertificateRevokeError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.log_change(request, certificate, f"Revoked: {certificate.revoked_reason}")
                self.message_user(request, f"CE certificate {certificate.number} is revoked.", messages.SUCCESS)
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Revoke CE certificate {certificate.number}",
            "certificate": certificate,
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/learning/cecertificate/revoke.html", context)


@admin.register(CESettings)
class CESettingsAdmin(admin.ModelAdmin):
    """One row (CESettings.save keeps pk 1): added once, never deleted; the list opens the row."""

    list_display = ["provider_name", "signatory_name", "retention_years", "updated_at"]
    fields = ["provider_name", ("signatory_name", "signatory_title"), "retention_years"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not CESettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        row = CESettings.objects.first()
        if row is not None:
            return redirect("admin:learning_cesettings_change", row.pk)
        if self.has_add_permission(request):
            return redirect("admin:learning_cesettings_add")
        return super().changelist_view(request, extra_context)


@admin.register(CERecord)
class CERecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "email", "event", "licence_number", "invited_at", "released_at"]
    list_filter = ["registration__event", "released_at"]
    list_select_related = ["registration__event"]
    search_fields = ["registration__name", "registration__email", "licence_number"]
    search_help_text = "Name, email or licence number."
    fields = ["registration", "licence_number", "invited_at", "released_at", "created_at"]
    show_full_result_count = False

    @admin.display(description="name", ordering="registration__name")
    def name(self, obj):
        return obj.registration.name

    @admin.display(description="email", ordering="registration__email")
    def email(self, obj):
        return obj.registration.email

    @admin.display(description="event", ordering="registration__event__starts_at")
    def event(self, obj):
        return obj.registration.event.title


@admin.register(CreditAward)
class CreditAwardAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The credit the attendance import computed; change it by importing again."""

    list_display = ["name", "email", "event", "offer", "minutes_attended", "hours", "reason"]
    list_filter = ["registration__event", "offer__credit_type"]
    list_select_related = ["registration__event", "offer"]
    search_fields = ["registration__name", "registration__email"]
    search_help_text = "Name or email."
    fields = ["registration", "offer", "minutes_attended", "hours", "reason", "updated_at"]
    show_full_result_count = False

    @admin.display(description="name", ordering="registration__name")
    def name(self, obj):
        return obj.registration.name

    @admin.display(description="email", ordering="registration__email")
    def email(self, obj):
        return obj.registration.email

    @admin.display(description="event", ordering="registration__event__starts_at")
    def event(self, obj):
        return obj.registration.event.title
