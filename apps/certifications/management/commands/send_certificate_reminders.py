from apps.certifications.services import certificates_daily
from apps.certifications.tasks import schedule_certificate_reminders, send_certificate_reminders
from apps.core.management.daily_job import DailyJobCommand


class Command(DailyJobCommand):
    help = (
        "Email certificate holders 90 and 30 days before expiry and on the day (once each) and mark "
        "expired certificates. Run daily from cron, or pass --schedule once to let the worker run it "
        "every day. Safe to run again: nothing is sent twice."
    )
    task = send_certificate_reminders
    schedule = staticmethod(schedule_certificate_reminders)

    def run(self):
        return certificates_daily()

    def report(self, summary):
        return (
            f"Reminders sent: {summary['reminded_90_at']} at 90 days, {summary['reminded_30_at']} at 30 days, "
            f"{summary['reminded_0_at']} on the day. Certificates marked expired: {summary['expired']}. "
            f"Overdue renewal audits returned to review: {summary['audits_overdue']}."
        )
