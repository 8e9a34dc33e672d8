"""The status lookup's background task.

The /status/ form only queues this task, whatever was typed, so the answer page looks and takes
the same whether or not the reference and email match; the worker decides and emails a fresh
private link on a match only.
"""

from django.tasks import task

from apps.core.emails import email_queue

from .models import Application
from .tokens import STATUS_MAX_AGE, status_url


@task
def send_status_link(*, reference, email, key=None):
    """Email a fresh status link when `reference` and `email` name the same submitted application.

    `key` (made when the lookup was queued) becomes the email's idempotency key, so a lookup run
    twice sends one link."""
    application = Application.objects.submitted().filter(reference=reference).select_related("program").first()
    if application is None or application.email.casefold() != email.casefold():
        return False
    # In the worker, outside any transaction: the email is queued at once, as its own task, which
    # retries a failed delivery.
    email_queue(
        to=[application.email],
        template="certifications/email/application_status_link",
        context={"application": application, "status_url": status_url(application), "valid_days": STATUS_MAX_AGE.days},
        key=key,
    )
    return True
