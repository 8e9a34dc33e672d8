"""Every write to inquiries."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.core.emails import email_queue

from .models import Inquiry


@transaction.atomic
def inquiry_create(*, name, email, organisation, topic, message):
    """Store an inquiry and queue the staff notification for after the commit."""
    inquiry = Inquiry.objects.create(name=name, email=email, organisation=organisation, topic=topic, message=message)
    email_queue(
        to=[settings.STAFF_NOTIFICATION_EMAIL],
        reply_to=[email],
        template="inquiries/email/inquiry_received",
        context={"inquiry": inquiry},
    )
    return inquiry


def inquiries_mark_handled(*, inquiries, user):
    """Mark the open ones among `inquiries` handled by `user`; return how many changed."""
    return inquiries.open().update(handled_at=timezone.now(), handled_by=user)


def inquiries_mark_open(*, inquiries):
    return inquiries.filter(handled_at__isnull=False).update(handled_at=None, handled_by=None)
