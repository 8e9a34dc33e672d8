"""Background tasks shared by every app: sending email, once, and the daily jobs' schedule.

Every task may run more than once: a worker killed mid-task leaves it running, and
`requeue_stalled_tasks` hands it to another worker. So every task is idempotent: `send_email`
through its key (below), the daily jobs through marks they claim (a reminder's `reminded_*_at`)
or by deleting only what is still there.
"""

import logging
import smtplib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .mail import PortalEmail, email_html
from .models import EmailDelivery

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5

# How long a sent email's key is remembered: far longer than its last retry (backoff of 2, 4, 8
# and 16 minutes) or a requeue of its task (after 15 minutes) can come.
DELIVERY_KEPT_DAYS = 30


@task
def send_email(*, to, subject, body, reply_to=None, attachments=None, attempt=1, key=None):
    """Send one email: its plain text, with the branded HTML copy of the same words; return whether
    it went now (False: its key was sent already). A transient SMTP failure (or a process started
    without EMAIL_URL) queues a retry with backoff (up to MAX_ATTEMPTS) and fails this run, so the
    failure stays visible in the task results.

    `key` (a UUID string, made by `email_queue`) makes the email idempotent: however many times its
    task, or its retries, run, it is sent once (`_send_once`). A task queued before keys existed
    has none and sends as it did."""
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
        sent = _send_once(message, key=key) if key else bool(message.send())
    except (smtplib.SMTPException, OSError, ImproperlyConfigured) as error:  # the last: EMAIL_URL unset
        # Outside the claim's transaction, which the failure rolled back: the retry is queued for good.
        if attempt < MAX_ATTEMPTS:
            send_email.using(run_after=timezone.now() + timedelta(minutes=2**attempt)).enqueue(
                to=to,
                subject=subject,
                body=body,
                reply_to=reply_to,
                attachments=attachments,
                attempt=attempt + 1,
                key=key,
            )
        # Neither the subject nor the error's text: both can name the applicant or their address.
        logger.warning("Email failed on attempt %d of %d (%s)", attempt, MAX_ATTEMPTS, type(error).__name__)
        raise
    if not sent:
        logger.info("Email %s was sent already; not sending it again", key)
    return sent


def _send_once(message, *, key):
    """Send `message` unless the email `key` has been sent; return whether it was sent now.

    The key is claimed by inserting its EmailDelivery row in a transaction of its own, kept open
    while the mail server takes the message and committed right after. Another run of the same
    email waits on that row (the unique key) and then finds it sent; a send that fails rolls the
    claim back with it, so the retry sends.

    The window left is a worker dying after the server accepted the message and before the commit,
    a round trip of milliseconds: its claim rolls back with its connection, and the requeued task
    sends the email again. That is deliberate: at least once. Committing the claim before sending
    (at most once) would instead lose the email, silently and for good, whenever a worker died
    during the send itself, which takes seconds (connection, TLS, the message) rather than
    milliseconds. A queued email must never be lost; a second copy in that rare case is the lesser
    harm."""
    with transaction.atomic():
        _, claimed = EmailDelivery.objects.get_or_create(key=key, defaults={"sent_at": timezone.now()})
        if claimed:
            message.send()
    return claimed


def email_deliveries_prune(*, now=None):
    """Forget the keys of emails sent more than DELIVERY_KEPT_DAYS ago; return how many
    (`requeue_stalled_tasks` calls it)."""
    cutoff = (now or timezone.now()) - timedelta(days=DELIVERY_KEPT_DAYS)
    deleted, _ = EmailDelivery.objects.filter(sent_at__lt=cutoff).delete()
    return deleted


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
