from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.core.starter import load_from_apps


class Command(BaseCommand):
    help = (
        "Load clearly labelled sample data (partners, trainings, applications in review) so every "
        "page shows something. Only on the embedded development database, never in production."
    )

    def handle(self, *args, **options):
        if not (settings.USING_EMBEDDED_DATABASE and settings.DEBUG):
            raise CommandError(
                "Sample data is only loaded into the embedded development database "
                "(DATABASE_URL unset and DJANGO_DEBUG=true)."
            )
        ledger = load_from_apps("sample", prefix="sample")
        self.stdout.write(f"Sample data: {ledger.created} created, {ledger.skipped} already present.")
