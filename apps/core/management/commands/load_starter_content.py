from django.core.management.base import BaseCommand

from apps.core.starter import load_from_apps


class Command(BaseCommand):
    help = (
        "Load the portal's starter content (FAQ, information pages, programs, contact details). "
        "Safe to run again: nothing loaded before is recreated or overwritten."
    )

    def handle(self, *args, **options):
        ledger = load_from_apps("starter", prefix="starter")
        self.stdout.write(f"Starter content: {ledger.created} created, {ledger.skipped} already present.")
