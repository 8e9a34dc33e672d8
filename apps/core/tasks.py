"""Background tasks shared by every app: sending email."""

import logging
import smtplib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .mail import PortalEmail, email_html

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


@task
def send_email(*, to, subject, body, reply_to=None, attachments=None, attempt=1):
    """Send one email: its plain text, with the branded HTML copy of the same words. A transient
    SMTP failure (or a process started without EMAIL_URL) queues a retry with backoff (up to
    MAX_ATTEMPTS) and fails this run, so the failure stays visible in the task results."""
    message = PortalEmail(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=reply_to or None,
    )
    message.attach_alternative(email_html(subject=subject, body=body), "text/html")
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    try:
        message.send()
    except (smtplib.SMTPException, OSError, ImproperlyConfigured) as error:  # the last: EMAIL_URL unset
        if attempt < MAX_ATTEMPTS:
            send_email.using(run_after=timezone.now() + timedelta(minutes=2**attempt)).enqueue(
                to=to,
                subject=subject,
                body=body,
                reply_to=reply_to,
                attachments=attachments,
                attempt=attempt + 1,
            )
        # Neither the subject nor the error's text: both can name the applicant or their address.
        logger.warning("Email failed on attempt %d of %d (%s)", attempt, MAX_ATTEMPTS, type(error).__name__)
        raise


# DAILY JOBS: a task that re-enqueues itself for the next day, keeping exactly one future run waiting.


def next_daily_run(after, *, at):
    """The first time of day `at` (in the portal's time zone) strictly after `after`."""
    local = timezone.localtime(after)
    candidate = timezone.make_aware(datetime.combine(local.date(), at))
    return candidate if candidate > after else candidate + timedelta(days=1)


def daily_schedule(daily_task, *, at, after=None):
    """Queue the next daily run of `daily_task` (called with reschedule=True) on the worker unless
    one is already waiting; return when it runs, or None."""
    waiting = DBTaskResult.objects.filter(
        task_path=daily_task.module_path, status=TaskResultStatus.READY, run_after__gt=timezone.now()
    )
    if waiting.exists():
        return None
    run_after = next_daily_run(after or timezone.now(), at=at)
    daily_task.using(run_after=run_after).enqueue(reschedule=True)
    return run_after
