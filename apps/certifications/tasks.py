"""Scheduled work of certification: the daily renewal reminders and expiry of certificates.

Run it daily in one of two ways (README, "Staff review, roles and certificates"):
- cron calls `manage.py send_certificate_reminders` once a day; or
- `manage.py send_certificate_reminders --schedule` once: the task then re-enqueues itself for
  the next day at RUN_AT on the `db_worker`, keeping exactly one future run waiting.
Running it more often than daily, or twice at once, sends nothing twice.
"""

import logging
from datetime import time

from django.tasks import task
from django.utils import timezone

from apps.core.tasks import daily_schedule, next_daily_run

from .services import certificates_daily

logger = logging.getLogger(__name__)

# When the self-scheduling run happens, in the portal's time zone: early, before staff start.
RUN_AT = time(6, 0)


@task
def send_certificate_reminders(*, reschedule=False):
    """Send the renewal reminders due today and mark expired certificates; return the counts.

    With `reschedule`, queue the next day's run first, so a failure today does not end the chain."""
    if reschedule:
        schedule_certificate_reminders(after=timezone.now())
    summary = certificates_daily()
    logger.info("Certificate reminders and expiry: %s", summary)
    return summary


def next_run_at(after):
    """The first RUN_AT strictly after `after`."""
    return next_daily_run(after, at=RUN_AT)


def schedule_certificate_reminders(*, after=None):
    """Queue the next daily run on the worker unless one is already waiting; return when it runs, or None."""
    return daily_schedule(send_certificate_reminders, at=RUN_AT, after=after)
