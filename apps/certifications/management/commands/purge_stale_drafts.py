from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from apps.certifications.services import application_drafts_purge, documents_orphaned_delete
from apps.certifications.tokens import DRAFT_MAX_AGE


class Command(BaseCommand):
    help = (
        "Delete drafts whose private link has expired (untouched for as long as a draft link lasts), "
        "with their documents, and stored files no document row names any more. Run it daily."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        drafts = application_drafts_purge(older_than=now - DRAFT_MAX_AGE)
        files = documents_orphaned_delete(older_than=now - timedelta(days=1))
        self.stdout.write(f"Deleted {drafts} stale drafts and {files} orphaned files.")
