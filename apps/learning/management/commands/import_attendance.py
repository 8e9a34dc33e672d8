"""manage.py import_attendance <event-slug> <file.csv> [--dry-run]: a webinar participant export in."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.events.models import Event
from apps.learning.attendance import attendance_import, decode_export


class Command(BaseCommand):
    help = (
        "Import a webinar platform's participant export (CSV) for an event: attendance, CE credit per "
        "credit type and the attended mark. --dry-run shows what it would do and writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The event's slug.")
        parser.add_argument("path", help="The participant export, a CSV file.")
        parser.add_argument("--dry-run", action="store_true", help="Show the result; write nothing.")

    def handle(self, *args, slug, path, dry_run, **options):
        try:
            event = Event.objects.get(slug=slug)
        except Event.DoesNotExist:
            raise CommandError(f"No event has the slug “{slug}”.") from None
        try:
            text = decode_export(Path(path).read_bytes())
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        summary = attendance_import(event=event, text=text, filename=Path(path).name, dry_run=dry_run)
        if summary.fatal:
            raise CommandError("; ".join(error["message"] for error in summary.errors))
        write = self.stdout.write
        write(f"{'Dry run: nothing written. ' if dry_run else ''}{event.title}: {Path(path).name}")
        write(f"Rows read: {summary.rows_read}; matched: {summary.rows_matched}; attendees: {len(summary.attendees)}")
        for row in summary.unmatched:
            write(f"Unmatched, line {row['line']}: {row['email']}" + (f" ({row['name']})" if row["name"] else ""))
        for error in summary.errors:
            write(f"Error, line {error['line']}: {error['message']}")
        for attendee in summary.attendees:
            write(f"{attendee.name} <{attendee.email}>: {attendee.reason}")
            for credit in attendee.credits:
                write(f"  {credit.offer.name}: {credit.hours} ({credit.reason})")
        if not dry_run:
            self.stdout.write(self.style.SUCCESS(f"Imported {summary.rows_matched} rows."))
