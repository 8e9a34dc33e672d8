from django.contrib import admin, messages
from django.utils.translation import ngettext

from apps.core.admin_filters import WorkQueueFilter
from apps.core.admin_lists import ChangeListRowsMixin

from .models import Inquiry
from .services import inquiries_mark_handled, inquiries_mark_open


class HandledFilter(WorkQueueFilter):
    """Opens on the open inquiries: the inbox is the work queue."""

    title = "state"
    parameter_name = "state"
    default = "open"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("handled", "Handled"), ("all", "All")]

    def filter(self, queryset, value):
        if value == "open":
            return queryset.open()
        if value == "handled":
            return queryset.filter(handled_at__isnull=False)
        return queryset


@admin.register(Inquiry)
class InquiryAdmin(ChangeListRowsMixin, admin.ModelAdmin):
    list_display = ["name", "topic", "organisation", "email", "created_at", "is_handled", "handled_by"]
    list_filter = [HandledFilter, "topic", "created_at"]
    list_select_related = ["handled_by"]
    search_fields = ["name", "email", "organisation", "message"]
    date_hierarchy = "created_at"
    readonly_fields = ["name", "email", "organisation", "topic", "message", "created_at", "handled_at", "handled_by"]
    fields = readonly_fields
    actions = ["mark_handled", "mark_open"]

    def has_add_permission(self, request):
        return False

    @admin.display(boolean=True, description="handled")
    def is_handled(self, obj):
        return obj.is_handled

    @admin.action(description="Mark selected inquiries as handled", permissions=["change"])
    def mark_handled(self, request, queryset):
        count = inquiries_mark_handled(inquiries=queryset, user=request.user)
        self.message_user(
            request,
            ngettext("%(count)d inquiry marked as handled.", "%(count)d inquiries marked as handled.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description="Reopen selected inquiries", permissions=["change"])
    def mark_open(self, request, queryset):
        count = inquiries_mark_open(inquiries=queryset)
        self.message_user(
            request,
            ngettext("%(count)d inquiry reopened.", "%(count)d inquiries reopened.", count) % {"count": count},
            messages.SUCCESS,
        )
