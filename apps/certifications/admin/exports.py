"""CSV and XLSX exports of the changelists, for staff who may view the rows (django-import-export)."""

from django.contrib import admin
from import_export.admin import ExportActionMixin
from import_export.formats.base_formats import CSV, XLSX


class ExportSelectedMixin(ExportActionMixin):
    """The changelist's "Export" button (the filtered rows) and an action for the selected rows.

    Exports are limited to staff who may view the model, so a role without access to applications
    cannot export them either. django-import-export's own `get_actions` lacks Django 6.1's
    `action_location` argument (deprecated), so the action is declared the ordinary way instead.
    """

    export_formats = [CSV, XLSX]
    show_change_form_export = False

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        return admin.ModelAdmin.get_actions(self, request, action_location)

    @admin.action(description="Export the selected rows (CSV or Excel)", permissions=["export"])
    def export_selected(self, request, queryset):
        return self.export_admin_action(request, queryset)

    def get_valid_export_item_pks(self, request):
        # Only the rows posted and shown by this admin (the library's default lists every row of the table).
        posted = [pk for pk in request.POST.getlist("export_items") if pk.isdigit()]
        return self.get_queryset(request).filter(pk__in=posted).values_list("pk", flat=True)
