from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from apps.core.tasks import DELIVERY_KEPT_DAYS, email_deliveries_prune


class Command(BaseCommand):
    help = (
        "Put tasks back in the queue that a worker claimed but never finished (it was killed, or "
        "stopped between claiming and running). Tasks here take seconds, so a task running for longer "
        "than --minutes has lost its worker; every task is idempotent, so running it again does nothing "
        f"twice. Also forgets the keys of emails sent more than {DELIVERY_KEPT_DAYS} days ago. Run it on "
        "deploy before starting workers, and from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=15, help="Age of a RUNNING task that counts as stalled.")

    def handle(self, *args, minutes, **options):
        cutoff = timezone.now() - timedelta(minutes=minutes)
        count = DBTaskResult.objects.running().filter(started_at__lte=cutoff).update(status="READY", started_at=None)
        forgotten = email_deliveries_prune()
        self.stdout.write(f"Requeued {count} stalled task(s). Forgot {forgotten} email delivery key(s).")
