"""Who held which address when."""

from django.contrib import admin

from ..models import EmailHolding


@admin.register(EmailHolding)
class EmailHoldingAdmin(admin.ModelAdmin):
    list_display = ["email", "user", "since", "until"]
    list_select_related = ["user"]
    search_fields = ["email", "user__email"]
    date_hierarchy = "since"
    readonly_fields = ["user", "email", "since", "until", "claims_from"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
