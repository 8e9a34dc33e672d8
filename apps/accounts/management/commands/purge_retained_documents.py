from django.conf import settings

from apps.accounts.privacy import privacy_daily
from apps.accounts.tasks import purge_retained_documents, schedule_purge_retained_documents
from apps.core.management.daily_job import DailyJobCommand


class Command(DailyJobCommand):
    help = (
        "Delete the documents of rejected and withdrawn applications older than DOCUMENT_RETENTION_MONTHS, "
        "the certificates of erased people past their retention period, and accounts nobody confirmed. "
        "Run daily from cron, or pass --schedule once to let the worker run it every day. Safe to run again."
    )
    task = purge_retained_documents
    schedule = staticmethod(schedule_purge_retained_documents)

    def run(self):
        return privacy_daily()

    def report(self, summary):
        return (
            f"Deleted {summary['documents']} documents of applications ended more than "
            f"{settings.DOCUMENT_RETENTION_MONTHS} months ago, {summary['certificates']} erased certificates "
            f"past their retention period and {summary['accounts']} unconfirmed accounts."
        )
