"""Shared model bases, the site's contact settings, the starter-content ledger and staff's email texts."""

from django.conf import settings
from django.core.cache import cache
from django.db import models
from simple_history.models import HistoricalRecords

from .page_cache import content_version

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
        return cache.get_or_set(
            f"core:site-settings:{content_version()}",
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
