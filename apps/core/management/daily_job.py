"""The command of a daily job: run it now, hand one run to the worker (--enqueue), or let the worker
run it every day (--schedule, keeping exactly one future run waiting)."""

from django.core.management.base import BaseCommand
from django.utils import timezone


class DailyJobCommand(BaseCommand):
    """Subclasses name the job's `task` and `schedule` (its apps.core.tasks.daily_schedule call),
    and say how to `run` it in this process and `report` what it did."""

    task = None
    schedule = None

    def run(self):
        raise NotImplementedError

    def report(self, summary):
        raise NotImplementedError

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
            run_after = self.schedule()
            if run_after is None:
                self.stdout.write("A daily run is already scheduled on the worker.")
            else:
                self.stdout.write(
                    f"Scheduled on the worker, first run at {timezone.localtime(run_after):%Y-%m-%d %H:%M %Z}."
                )
            return
        if enqueue:
            self.task.enqueue()
            self.stdout.write("Queued for the worker.")
            return
        self.stdout.write(self.report(self.run()))
