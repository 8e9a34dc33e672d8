"""Shared model bases, the site's contact settings, the starter-content ledger, staff's email texts,
the ledger of sent emails and staff's photographs."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .page_cache import content_cached

# The footer is on every page: readers take the row from the cache, under the content version (saving
# it bumps the version after the commit, as for any public content). The timeout retires old versions.
SITE_SETTINGS_CACHE_SECONDS = 3600


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    class Meta:
        abstract = True


class SiteSettings(models.Model):
    """The one row of contact details shown in every page's footer, edited by staff."""

    organisation_name = models.CharField(
        max_length=200,
        default="The Neurosequential Network",
        help_text="Shown in the footer and in emails.",
    )
    contact_email = models.EmailField(
        blank=True,
        help_text="Public address for inquiries. Leave empty to point visitors to the contact form.",
    )
    contact_phone = models.CharField(max_length=40, blank=True, help_text="Public telephone number.")
    postal_address = models.TextField(blank=True, help_text="Shown in the footer, one line per row.")
    footer_note = models.CharField(
        max_length=300,
        blank=True,
        help_text="A short line under the contact details, such as office hours.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="core_sitesettings_singleton"),
        ]

    def __str__(self):
        return "Site settings"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        """The settings row, from the cache when possible; an unsaved default when none exists."""
        return content_cached(
            "core:site-settings",
            lambda: cls.objects.filter(pk=1).first() or cls(pk=1),
            SITE_SETTINGS_CACHE_SECONDS,
        )


class StarterContent(models.Model):
    """A ledger of starter and sample items already loaded, so a reload never recreates or
    overwrites what staff have since edited or deleted."""

    key = models.CharField(max_length=200, unique=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key"]
        verbose_name = "starter content record"

    def __str__(self):
        return self.key


class EmailText(models.Model):
    """Staff's own wording of one email, keyed by the email's file templates.

    Empty fields mean the standard text (`<template>.txt` and `<template>_subject.txt`). Which
    emails have a row, and the placeholders each may use, is declared by the app that sends it
    (`EDITABLE_EMAILS` in its `emails.py`); `emails.py` here renders a text in a sandbox.
    """

    template = models.CharField(
        max_length=100,
        unique=True,
        editable=False,
        help_text="The email's file templates, without the .txt ending.",
    )
    subject = models.CharField(max_length=200, blank=True, help_text="Placeholders work here too.")
    body = models.TextField(
        "text",
        blank=True,
        max_length=10000,
        help_text="Starts from the standard text. Empty both fields to return to the standard wording.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["template"]
        verbose_name = "email text"
        constraints = [
            models.CheckConstraint(condition=~models.Q(template=""), name="email_text_template_named"),
        ]

    def __str__(self):
        from .emails import editable_emails

        email = editable_emails().get(self.template)
        return email.label if email else self.template

    @property
    def is_customised(self):
        return bool(self.subject.strip() or self.body.strip())


class EmailDelivery(models.Model):
    """That the email queued under `key` has been sent: `send_email` claims the key before it talks
    to the mail server, so an email whose task runs twice (a retry, a task requeued after its worker
    died, two workers) goes out once (apps/core/tasks.py says how, and where a crash can still
    send it twice).

    No address and no subject: the row outlives nothing personal, so privacy exports and erasure
    need not know it. `requeue_stalled_tasks` forgets rows older than DELIVERY_KEPT_DAYS, long
    after any task could run again."""

    key = models.UUIDField(editable=False, help_text="The key `email_queue` gave the email when it was queued.")
    sent_at = models.DateTimeField(editable=False, db_index=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = "email delivery"
        verbose_name_plural = "email deliveries"
        constraints = [models.UniqueConstraint(fields=["key"], name="email_delivery_unique_key")]

    def __str__(self):
        return f"Email {self.key}"


ALT_TEXT_REQUIRED = "Describe the photograph for people who cannot see it, or mark it as decorative."


class Photo(TimeStampedModel):
    """A photograph staff uploaded, with the WebP renditions and the JPEG fallback made of it.

    Only `apps.core.services.photo_save` writes the files and the fields derived from them
    (`image`, `width`, `height`, `renditions`); every file of one upload shares a random key
    (`photos/<key>.jpg`, `photos/<key>-960.webp`, ...), and a new upload gets a new key, so the
    files can be cached for a year. Templates show it with `includes/photo.html`.
    """

    title = models.CharField(
        max_length=200,
        help_text="Your name for the photograph, to find it in the admin. Visitors never see it.",
    )
    image = models.FileField(
        "original",
        max_length=200,
        editable=False,
        help_text="The uploaded photograph, re-encoded without its metadata (location, camera, author).",
    )
    alt_text = models.CharField(
        "alt text",
        max_length=300,
        blank=True,
        help_text="What the photograph shows, for people who use a screen reader: one or two plain "
        "sentences about what matters on this page (“A therapist and a young child building a tower "
        "of blocks on the floor”), not “photo of”, not the credit. Leave it empty only "
        "for a decorative photograph.",
    )
    is_decorative = models.BooleanField(
        "decorative",
        default=False,
        help_text="Tick only if the photograph adds nothing the text does not say: screen readers then skip it.",
    )
    credit = models.CharField(
        max_length=200,
        blank=True,
        help_text="Shown under the photograph, for instance “Photo: Jo Smith, CC BY 4.0”.",
    )
    width = models.PositiveIntegerField(editable=False, help_text="Of the original, in pixels.")
    height = models.PositiveIntegerField(editable=False, help_text="Of the original, in pixels.")
    # [{"name": "photos/<key>-480.webp", "width": 480, "height": 320, "format": "webp"}, ...],
    # WebP by increasing width, then the one JPEG fallback.
    renditions = models.JSONField(default=list, editable=False)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = "photograph"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_decorative=True) | ~models.Q(alt_text=""),
                name="core_photo_alt_text_unless_decorative",
                violation_error_message=ALT_TEXT_REQUIRED,
            ),
            models.CheckConstraint(condition=~models.Q(image=""), name="core_photo_has_image"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if not self.is_decorative and not self.alt_text.strip():
            raise ValidationError({"alt_text": ALT_TEXT_REQUIRED})

    @property
    def alt(self):
        """The `alt` attribute: empty for a decorative photograph, so screen readers skip it."""
        return "" if self.is_decorative else self.alt_text

    @property
    def webp_renditions(self):
        return [r for r in self.renditions if r["format"] == "webp"]

    @property
    def fallback(self):
        """The JPEG rendition, for browsers without WebP: {"name", "width", "height", "format"}."""
        return next((r for r in self.renditions if r["format"] == "jpeg"), None)

    @property
    def fallback_url(self):
        return photo_url(self.fallback["name"]) if self.fallback else ""

    @property
    def smallest_url(self):
        return photo_url(self.renditions[0]["name"]) if self.renditions else ""

    def srcset(self):
        """The WebP renditions as a `srcset`: "/media/photos/<key>-480.webp 480w, ..."."""
        return ", ".join(f"{photo_url(r['name'])} {r['width']}w" for r in self.webp_renditions)

    def file_names(self):
        """Every file in storage that belongs to this photograph: the original and its renditions."""
        return [name for name in [self.image.name, *(r["name"] for r in self.renditions)] if name]


def photo_url(name):
    """The address of one of a photograph's files, served by `core:photo` from the default storage."""
    return reverse("core:photo", kwargs={"name": name.rsplit("/", 1)[-1]})
