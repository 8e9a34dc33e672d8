"""Site settings, staff's own wording of the emails the apps declare editable, and photographs."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from . import mfa  # noqa: F401 - registers the authenticators' admin, without their secrets
from .emails import compile_staff_text, editable_emails, email_render, render_staff_text, standard_source
from .models import EmailText, Photo, SiteSettings, photo_url
from .photos import MIN_WIDTH, photo_prepare
from .services import photo_delete, photo_save, photos_delete

# The admin's preview: the smallest rendition shown this wide.
THUMBNAIL_WIDTH = 160


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    list_display = ["organisation_name", "contact_email", "contact_phone", "updated_at"]
    fields = ["organisation_name", "contact_email", "contact_phone", "postal_address", "footer_note"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class EmailTextForm(forms.ModelForm):
    class Meta:
        model = EmailText
        fields = ["subject", "body"]
        widgets = {
            "subject": forms.TextInput(attrs={"size": 90, "class": "vLargeTextField"}),
            "body": forms.Textarea(attrs={"rows": 22, "cols": 90, "class": "vLargeTextField"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        template = self.instance.template
        self.standard_subject = standard_source(template, subject=True)
        self.standard_body = standard_source(template)
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
            compile_staff_text(text, template=self.instance.template)
        return text

    def clean_subject(self):
        return self._clean_text("subject", self.standard_subject)

    def clean_body(self):
        return self._clean_text("body", self.standard_body)

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            template = self.instance.template
            try:
                render_staff_text(
                    subject=cleaned.get("subject", ""),
                    body=cleaned.get("body", ""),
                    template=template,
                    context=editable_emails()[template].sample_context(),
                )
            except Exception as error:  # a filter given a wrong argument, for instance
                raise ValidationError(f"This text cannot be rendered: {error}") from error
        return cleaned


@admin.register(EmailText)
class EmailTextAdmin(SimpleHistoryAdmin):
    """Staff's own wording of the emails the apps declare editable; one row per email."""

    form = EmailTextForm
    list_display = ["__str__", "template", "is_customised", "updated_at", "updated_by"]
    list_select_related = ["updated_by"]
    search_fields = ["template", "subject", "body"]
    fieldsets = [
        (None, {"fields": ["email_display", "subject", "body"]}),
        ("Placeholders", {"fields": ["placeholders"]}),
        ("Preview with an invented applicant (of the saved text)", {"fields": ["preview"]}),
    ]
    readonly_fields = ["email_display", "placeholders", "preview"]

    def get_queryset(self, request):
        # Only emails an app still declares editable (a row left by a removed one is ignored).
        return super().get_queryset(request).filter(template__in=list(editable_emails()))

    def has_add_permission(self, request):
        return False  # one row per editable email, made by the changelist

    def has_delete_permission(self, request, obj=None):
        return False  # emptying both fields returns to the standard text

    def changelist_view(self, request, extra_context=None):
        # A new editable email in a later release, or a database flushed in development, gets its row here.
        EmailText.objects.bulk_create(
            [EmailText(template=template) for template in editable_emails()], ignore_conflicts=True
        )
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(boolean=True, description="customised")
    def is_customised(self, obj):
        return obj.is_customised

    @admin.display(description="email")
    def email_display(self, obj):
        return str(obj)

    @admin.display(description="placeholders you can use")
    def placeholders(self, obj):
        items = format_html_join(
            "", "<li><code>{{{{ {} }}}}</code>: {}</li>", editable_emails()[obj.template].placeholders.items()
        )
        return format_html(
            "<ul>{}</ul><p>Write <code>{{% if message %}}…{{% endif %}}</code> for a part shown only when there "
            "is a message. Other template tags are refused. Empty the subject and the text to return to the "
            "standard wording.</p>",
            items,
        )

    @admin.display(description="preview")
    def preview(self, obj):
        context = editable_emails()[obj.template].sample_context()
        subject, body = email_render(template=obj.template, context=context)
        return format_html('<p><strong>Subject:</strong> {}</p><pre class="email-preview">{}</pre>', subject, body)


class PhotoAdminForm(forms.ModelForm):
    # Not the model field: the upload is checked and its renditions made here (photo_prepare), and
    # the service stores them under a random name. A refused file is a field error, never stored.
    upload = forms.FileField(
        label="photograph",
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png"}),
        help_text=f"JPEG or PNG, at least {MIN_WIDTH} pixels wide, up to 10 MB. Its metadata (location, "
        "camera, author) is removed, and the portal makes the sizes that phones and large screens need. "
        "On a saved photograph, choose a file only to replace it.",
    )

    class Meta:
        model = Photo
        fields = ["title", "alt_text", "is_decorative", "credit"]

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if isinstance(upload, UploadedFile):
            return photo_prepare(upload)
        if not self.instance.image:
            raise ValidationError("Choose a photograph to upload.", code="required")
        return None


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    form = PhotoAdminForm
    list_display = ["title", "preview", "alt_text", "is_decorative", "dimensions", "updated_at"]
    list_filter = ["is_decorative"]
    search_fields = ["title", "alt_text", "credit"]
    date_hierarchy = "updated_at"
    readonly_fields = ["preview", "dimensions", "files", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "upload", "preview", "alt_text", "is_decorative", "credit"]}),
        ("Files the portal made", {"fields": ["dimensions", "files"], "classes": ["collapse"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    # Writes go through the services, which store the files and delete replaced ones after the commit.

    def save_model(self, request, obj, form, change):
        photo_save(photo=obj, upload=form.cleaned_data.get("upload"))

    def delete_model(self, request, obj):
        photo_delete(photo=obj)

    def delete_queryset(self, request, queryset):
        photos_delete(photos=queryset)

    @admin.display(description="preview")
    def preview(self, obj):
        if not obj.renditions:
            return "-"
        smallest = obj.renditions[0]
        return format_html(
            '<img src="{}" alt="" width="{}" height="{}">',
            obj.smallest_url,
            THUMBNAIL_WIDTH,
            round(smallest["height"] * THUMBNAIL_WIDTH / smallest["width"]),
        )

    @admin.display(description="original size")
    def dimensions(self, obj):
        return f"{obj.width} × {obj.height} pixels" if obj.width else "-"

    @admin.display(description="files")
    def files(self, obj):
        if not obj.image:
            return "-"
        rows = [(photo_url(obj.image.name), "Original", f"{obj.width} × {obj.height}")] + [
            (photo_url(r["name"]), r["format"].upper(), f"{r['width']} × {r['height']}") for r in obj.renditions
        ]
        return format_html("<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}</a> {}</li>', rows))
