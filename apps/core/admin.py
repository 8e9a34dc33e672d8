from django.contrib import admin

from .models import SiteSettings


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    list_display = ["organisation_name", "contact_email", "contact_phone", "updated_at"]
    fields = ["organisation_name", "contact_email", "contact_phone", "postal_address", "footer_note"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
