"""Staff's own wording of the emails to applicants and certificate holders."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from ..emails import VARIABLES, compile_custom, default_source, email_render, render_custom, sample_context
from ..models import (
    EmailTemplate,
)

# EMAIL TEXTS


class EmailTemplateForm(forms.ModelForm):
    class Meta:
        model = EmailTemplate
        fields = ["subject", "body"]
        widgets = {
            "subject": forms.TextInput(attrs={"size": 90, "class": "vLargeTextField"}),
            "body": forms.Textarea(attrs={"rows": 22, "cols": 90, "class": "vLargeTextField"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        event = self.instance.event
        self.standard_subject = default_source(event, subject=True)
        self.standard_body = default_source(event)
        # Start from the standard text, so staff edit it rather than write from nothing.
        if not self.instance.subject:
            self.initial["subject"] = self.standard_subject
        if not self.instance.body:
            self.initial["body"] = self.standard_body

    def _clean_text(self, name, standard):
        text = self.cleaned_data.get(name, "")
        if text.strip() == standard.strip():
            return ""  # unchanged from the standard text: keep following it
        if text.strip():
            compile_custom(text, event=self.instance.event)
        return text

    def clean_subject(self):
        return self._clean_text("subject", self.standard_subject)

    def clean_body(self):
        return self._clean_text("body", self.standard_body)

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                render_custom(
                    subject=cleaned.get("subject", ""),
                    body=cleaned.get("body", ""),
                    event=self.instance.event,
                    context=sample_context(self.instance.event),
                )
            except Exception as error:  # a filter given a wrong argument, for instance
                raise ValidationError(f"This text cannot be rendered: {error}") from error
        return cleaned


@admin.register(EmailTemplate)
class EmailTemplateAdmin(SimpleHistoryAdmin):
    form = EmailTemplateForm
    list_display = ["__str__", "event", "is_customised", "updated_at", "updated_by"]
    list_select_related = ["updated_by"]
    search_fields = ["event", "subject", "body"]
    fieldsets = [
        (None, {"fields": ["event_display", "subject", "body"]}),
        ("Placeholders", {"fields": ["placeholders"]}),
        ("Preview with an invented applicant (of the saved text)", {"fields": ["preview"]}),
    ]
    readonly_fields = ["event_display", "placeholders", "preview"]

    def has_add_permission(self, request):
        return False  # one row per event, made by the migration and kept by the changelist

    def has_delete_permission(self, request, obj=None):
        return False  # emptying both fields returns to the standard text

    def changelist_view(self, request, extra_context=None):
        # A new event in a later release, or a database flushed in development, gets its row here.
        EmailTemplate.objects.bulk_create([EmailTemplate(event=event) for event in VARIABLES], ignore_conflicts=True)
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(boolean=True, description="customised")
    def is_customised(self, obj):
        return obj.is_customised

    @admin.display(description="email")
    def event_display(self, obj):
        return obj.get_event_display()

    @admin.display(description="placeholders you can use")
    def placeholders(self, obj):
        items = format_html_join("", "<li><code>{{{{ {} }}}}</code>: {}</li>", VARIABLES.get(obj.event, {}).items())
        return format_html(
            "<ul>{}</ul><p>Write <code>{{% if message %}}…{{% endif %}}</code> for a part shown only when there "
            "is a message. Other template tags are refused. Empty the subject and the text to return to the "
            "standard wording.</p>",
            items,
        )

    @admin.display(description="preview")
    def preview(self, obj):
        subject, body = email_render(event=obj.event, context=sample_context(obj.event))
        return format_html('<p><strong>Subject:</strong> {}</p><pre class="email-preview">{}</pre>', subject, body)
