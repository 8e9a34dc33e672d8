"""Admin of certification programs and the documents each asks for."""

from django.contrib import admin

from ..models import (
    Program,
    ProgramDocument,
)

# PROGRAMS


class ProgramDocumentInline(admin.TabularInline):
    model = ProgramDocument
    fields = ["kind", "required", "help_text"]
    extra = 0


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "order", "validity_months", "is_open", "updated_at"]
    list_filter = ["kind", "is_open"]
    search_fields = ["name", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "updated_at"
    fields = [
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
    inlines = [ProgramDocumentInline]
