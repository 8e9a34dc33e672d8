"""Admin of certification programs and the documents each asks for."""

from django.contrib import admin

from ..models import (
    Program,
    ProgramDocument,
    RenewalDocument,
)

# PROGRAMS


class ProgramDocumentInline(admin.TabularInline):
    model = ProgramDocument
    fields = ["kind", "required", "help_text"]
    extra = 0
    verbose_name = "document asked for with an application"
    verbose_name_plural = "documents asked for with an application"


class RenewalDocumentInline(admin.TabularInline):
    model = RenewalDocument
    fields = ["kind", "required", "help_text"]
    extra = 0
    verbose_name = "document asked for with a renewal"
    verbose_name_plural = "documents asked for with a renewal"


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "order", "validity_months", "is_open", "updated_at"]
    list_filter = ["kind", "is_open"]
    search_fields = ["name", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "updated_at"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "kind",
                    "order",
                    "summary",
                    "description",
                    "requirements",
                    "fee_text",
                    "validity_months",
                    "is_open",
                ]
            },
        ),
        (
            "Renewal",
            {
                "fields": [
                    "renewal_window_days",
                    "renewal_grace_days",
                    "renewal_audit_percent",
                    "renewal_audit_days",
                    "renewal_attestations",
                ],
                "description": "Shown on the programs page as they are set here.",
            },
        ),
    ]
    inlines = [ProgramDocumentInline, RenewalDocumentInline]
