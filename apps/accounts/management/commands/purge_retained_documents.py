from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from apps.accounts.privacy import privacy_daily
from apps.accounts.tasks import purge_retained_documents, schedule_purge_retained_documents


class Command(BaseCommand):
    help = (
        "Delete the documents of rejected and withdrawn applications older than DOCUMENT_RETENTION_MONTHS, "
        "the certificates of erased people past their retention period, and accounts nobody confirmed. "
        "Run daily from cron, or pass --schedule once to let the worker run it every day. Safe to run again."
    )

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--enqueue", action="store_true", help="Hand today's run to the background worker.")
        mode.add_argument(
            "--schedule",
            action="store_true",
            help="Queue the daily run on the worker (it re-queues itself each day); does nothing if one waits.",
        )

    def handle(self, *args, enqueue=False, schedule=False, **options):
        if schedule:
            run_after = schedule_purge_retained_documents()
            if run_after is None:
                self.stdout.write("A daily run is already scheduled on the worker.")
            else:
                self.stdout.write(
                    f"Scheduled on the worker, first run at {timezone.localtime(run_after):%Y-%m-%d %H:%M %Z}."
                )
            return
        if enqueue:
            purge_retained_documents.enqueue()
            self.stdout.write("Queued for the worker.")
            return
        summary = privacy_daily()
        self.stdout.write(
            f"Deleted {summary['documents']} documents of applications ended more than "
            f"{settings.DOCUMENT_RETENTION_MONTHS} months ago, {summary['certificates']} erased certificates "
            f"past their retention period and {summary['accounts']} unconfirmed accounts."
        )
