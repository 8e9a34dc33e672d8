"""Messages sent through the public contact form, worked through by staff in the admin."""

from django.conf import settings
from django.db import models

from apps.core.models import TimeStampedModel


class InquiryQuerySet(models.QuerySet):
    def open(self):
        return self.filter(handled_at__isnull=True)


class Inquiry(TimeStampedModel):
    class Topic(models.TextChoices):
        SPECIAL_PROGRAM = "special_program", "Special program project"
        TRAINING = "training", "Training"
        GENERAL = "general", "General inquiry"

    name = models.CharField(max_length=120)
    email = models.EmailField()
    organisation = models.CharField(max_length=200, blank=True)
    topic = models.CharField(max_length=20, choices=Topic, default=Topic.GENERAL)
    message = models.TextField(max_length=5000)
    handled_at = models.DateTimeField(null=True, blank=True, editable=False)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="handled_inquiries",
    )

    objects = InquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "inquiries"
        indexes = [models.Index(fields=["handled_at", "-created_at"], name="inquiry_queue_idx")]

    def __str__(self):
        return f"{self.get_topic_display()} from {self.name}"

    @property
    def is_handled(self):
        return self.handled_at is not None
