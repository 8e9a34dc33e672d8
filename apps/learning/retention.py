"""The end of CE records: once an event ended more than CESettings.retention_years ago, the daily
privacy job (apps/accounts/privacy.py) deletes what its attendees' CE left behind. The
registrations themselves stay, under the registrations' own rules."""

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from .models import (
    AttendanceImport,
    AttendanceSession,
    CECertificate,
    CERecord,
    CESettings,
    CreditAward,
    EvaluationAnswer,
    EvaluationResponse,
    PostTestAttempt,
)

# What is deleted, in an order that leaves no row pointing at a deleted one: the count's name, the
# model, and the lookup from the model to its event.
PURGED = [
    ("ce_certificates", CECertificate, "registration__event"),
    ("ce_records", CERecord, "registration__event"),
    ("evaluation_answers", EvaluationAnswer, "response__registration__event"),
    ("evaluations", EvaluationResponse, "registration__event"),
    ("post_test_attempts", PostTestAttempt, "registration__event"),
    ("credit_awards", CreditAward, "registration__event"),
    ("attendance_sessions", AttendanceSession, "registration__event"),
    ("attendance_imports", AttendanceImport, "event"),
]


def ce_retention_cutoff(now=None):
    """Events that ended before this moment are past their CE records' retention."""
    return (now or timezone.now()) - relativedelta(years=CESettings.load().retention_years)


@transaction.atomic
def purge_expired_ce_records(*, now=None):
    """Delete the CE certificates, CE records, evaluations (with their answers), post-test attempts,
    credit awards, attendance sessions and attendance imports of every event that ended more than
    the retention period ago (an event that ended exactly that long ago is kept one more day).
    Returns the count of each, by name. A few queries per kind of row, however many rows."""
    cutoff = ce_retention_cutoff(now)
    counts = {}
    for name, model, event in PURGED:
        _, deleted = model.objects.filter(**{f"{event}__ends_at__lt": cutoff}).delete()
        counts[name] = deleted.get(model._meta.label, 0)
    return counts
