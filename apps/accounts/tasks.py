"""Scheduled work of the accounts app: the daily privacy run (apps/accounts/privacy.py).

Run it daily in one of two ways (README, "Privacy: download and erase"):
- cron calls `manage.py purge_retained_documents` once a day; or
- `manage.py purge_retained_documents --schedule` once: the task then re-enqueues itself for the
  next day at RUN_AT on the `db_worker`, keeping exactly one future run waiting.
Running it twice, or twice at once, deletes nothing twice.
"""

import logging
from datetime import time

from django.tasks import task
from django.utils import timezone

from apps.core.tasks import daily_schedule, next_daily_run

from .privacy import privacy_daily

logger = logging.getLogger(__name__)

# When the self-scheduling run happens, in the portal's time zone: after the certificate reminders.
RUN_AT = time(6, 45)


@task
def purge_retained_documents(*, reschedule=False):
    """Delete what the retention rules no longer keep (documents of ended applications, erased
    certificates past their period) and accounts nobody confirmed; return the counts.

    With `reschedule`, queue the next day's run first, so a failure today does not end the chain."""
    if reschedule:
        schedule_purge_retained_documents(after=timezone.now())
    summary = privacy_daily()
    logger.info("Privacy retention: %s", summary)
    return summary


def next_run_at(after):
    """The first RUN_AT strictly after `after`."""
    return next_daily_run(after, at=RUN_AT)


def schedule_purge_retained_documents(*, after=None):
    """Queue the next daily run on the worker unless one is already waiting; return when it runs, or None."""
    return daily_schedule(purge_retained_documents, at=RUN_AT, after=after)
