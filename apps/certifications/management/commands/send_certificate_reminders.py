from django.core.management.base import BaseCommand
from django.utils import timezone

from apps.certifications.services import certificates_daily
from apps.certifications.tasks import schedule_certificate_reminders, send_certificate_reminders


class Command(BaseCommand):
    help = (
        "Email certificate holders 90 and 30 days before expiry and on the day (once each) and mark "
        "expired certificates. Run daily from cron, or pass --schedule once to let the worker run it "
        "every day. Safe to run again: nothing is sent twice."
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
            run_after = schedule_certificate_reminders()
            if run_after is None:
                self.stdout.write("A daily run is already scheduled on the worker.")
            else:
                self.stdout.write(
                    f"Scheduled on the worker, first run at {timezone.localtime(run_after):%Y-%m-%d %H:%M %Z}."
                )
            return
        if enqueue:
            send_certificate_reminders.enqueue()
            self.stdout.write("Queued for the worker.")
            return
        summary = certificates_daily()
        self.stdout.write(
            f"Reminders sent: {summary['reminded_90_at']} at 90 days, {summary['reminded_30_at']} at 30 days, "
            f"{summary['reminded_0_at']} on the day. Certificates marked expired: {summary['expired']}."
        )
