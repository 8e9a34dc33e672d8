"""The learning admin: progress. Each program's requirements, edited inline on the program (the
certifications app knows nothing of learning, so its program admin is extended and registered again
here, as events.py does for events), and the confirmations staff record for a person."""

from django import forms
from django.contrib import admin

from apps.certifications.admin.programs import ProgramAdmin
from apps.certifications.models import Program

from ..models import Requirement, RequirementConfirmation


class RequirementInline(admin.TabularInline):
    """The countable requirements people see their progress toward, as “3 of 4”."""

    model = Requirement
    extra = 0
    fields = ["position", "title", "description", "kind", "target", "event_kind", "credit_type"]
    verbose_name = "requirement counted toward certification"
    verbose_name_plural = "requirements counted toward certification"


class ProgramWithRequirementsAdmin(ProgramAdmin):
    inlines = [*ProgramAdmin.inlines, RequirementInline]


@admin.register(Requirement)
class RequirementAdmin(admin.ModelAdmin):
    list_display = ["title", "program", "kind", "target", "position"]
    list_filter = ["program", "kind"]
    list_select_related = ["program"]
    search_fields = ["title", "program__name"]  # also what the confirmations' autocomplete searches
    fields = ["program", "position", "title", "description", "kind", "target", "event_kind", "credit_type"]


class RequirementConfirmationForm(forms.ModelForm):
    class Meta:
        model = RequirementConfirmation
        fields = ["requirement", "email", "count", "completed_on", "note"]

    def clean_email(self):
        # Progress matches addresses case-insensitively; stored in lower case, they read the same
        # in the list and the search.
        return self.cleaned_data["email"].strip().lower()


@admin.register(RequirementConfirmation)
class RequirementConfirmationAdmin(admin.ModelAdmin):
    form = RequirementConfirmationForm
    list_display = ["email", "requirement", "count", "completed_on", "confirmed_by"]
    list_filter = ["requirement__program", "requirement"]
    list_select_related = ["requirement__program", "confirmed_by"]
    search_fields = ["email"]
    date_hierarchy = "completed_on"
    autocomplete_fields = ["requirement"]
    fields = ["requirement", "email", "count", "completed_on", "note", "confirmed_by", "created_at"]
    readonly_fields = ["confirmed_by", "created_at"]

    def save_model(self, request, obj, form, change):
        """Whoever saves the confirmation vouches for it as it now stands."""
        obj.confirmed_by = request.user
        super().save_model(request, obj, form, change)


admin.site.unregister(Program)
admin.site.register(Program, ProgramWithRequirementsAdmin)
