"""The end of CE records (issue 16): the daily privacy job deletes the CE records of events that
ended more than CESettings.retention_years ago; the registrations stay."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from apps.accounts.privacy import privacy_daily
from apps.events.models import Registration
from apps.faq.trust_pages import PRIVACY
from apps.learning.models import (
    DEFAULT_RETENTION_YEARS,
    AttendanceImport,
    AttendanceSession,
    CECertificate,
    CERecord,
    CESettings,
    CreditAward,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationResponse,
    PostTestAttempt,
)
from apps.learning.retention import PURGED, purge_expired_ce_records
from tests.learning.ce_builders import make_ce_certificate, make_ended_registration

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def _ce_records(*, ended_at):
    """A registration with one of every CE record, for an event that ended at `ended_at`."""
    registration = make_ended_registration(ended_at=ended_at)
    event = registration.event
    make_ce_certificate(registration=registration)
    CERecord.objects.create(registration=registration, licence_number="PSY 1")
    question = EvaluationQuestion.objects.create(event=event, text="How useful was it?")
    response = EvaluationResponse.objects.create(registration=registration)
    EvaluationAnswer.objects.create(response=response, question=question, rating=5)
    PostTestAttempt.objects.create(
        registration=registration, number=1, correct=4, total=4, score_percent=100, passed=True
    )
    upload = AttendanceImport.objects.create(event=event, filename="zoom.csv", rows_read=1, rows_matched=1)
    AttendanceSession.objects.create(
        registration=registration, attendance_import=upload, joined_at=event.starts_at, left_at=event.ends_at
    )
    return registration


def _counts(registration):
    return {
        "ce_certificates": CECertificate.objects.filter(registration=registration).count(),
        "ce_records": CERecord.objects.filter(registration=registration).count(),
        "evaluation_answers": EvaluationAnswer.objects.filter(response__registration=registration).count(),
        "evaluations": EvaluationResponse.objects.filter(registration=registration).count(),
        "post_test_attempts": PostTestAttempt.objects.filter(registration=registration).count(),
        "credit_awards": CreditAward.objects.filter(registration=registration).count(),
        "attendance_sessions": AttendanceSession.objects.filter(registration=registration).count(),
        "attendance_imports": AttendanceImport.objects.filter(event=registration.event).count(),
    }


ONE_EACH = {name: 1 for name, _, _ in PURGED}
NONE = {name: 0 for name, _, _ in PURGED}


def test_records_of_an_event_ended_more_than_the_period_ago_are_deleted_and_the_registration_kept():
    exactly = _ce_records(ended_at=NOW - relativedelta(years=DEFAULT_RETENTION_YEARS))
    one_day_more = _ce_records(ended_at=NOW - relativedelta(years=DEFAULT_RETENTION_YEARS, days=1))
    recent = _ce_records(ended_at=NOW - timedelta(days=30))

    deleted = purge_expired_ce_records(now=NOW)

    assert deleted == ONE_EACH
    assert _counts(one_day_more) == NONE
    assert _counts(exactly) == ONE_EACH
    assert _counts(recent) == ONE_EACH
    assert set(Registration.objects.values_list("pk", flat=True)) == {exactly.pk, one_day_more.pk, recent.pk}
    assert EvaluationQuestion.objects.count() == 3  # the event's questions are not personal: they stay


def test_the_period_is_the_one_staff_set():
    CESettings.objects.create(retention_years=2)
    kept = _ce_records(ended_at=NOW - relativedelta(years=2))
    purged = _ce_records(ended_at=NOW - relativedelta(years=2, days=1))

    assert purge_expired_ce_records(now=NOW) == ONE_EACH
    assert (_counts(kept), _counts(purged)) == (ONE_EACH, NONE)


def test_a_second_run_deletes_nothing_more():
    _ce_records(ended_at=NOW - relativedelta(years=DEFAULT_RETENTION_YEARS, days=1))

    purge_expired_ce_records(now=NOW)

    assert purge_expired_ce_records(now=NOW) == NONE


def test_the_query_count_does_not_grow_with_the_rows(django_assert_max_num_queries):
    long_ago = NOW - relativedelta(years=DEFAULT_RETENTION_YEARS, days=1)
    _ce_records(ended_at=long_ago)
    with django_assert_max_num_queries(24) as few:
        purge_expired_ce_records(now=NOW)
    for _ in range(4):
        _ce_records(ended_at=long_ago)

    with django_assert_max_num_queries(len(few.captured_queries)):
        deleted = purge_expired_ce_records(now=NOW)

    assert deleted == dict.fromkeys(ONE_EACH, 4)


def test_the_daily_privacy_job_purges_them_and_reports_the_counts():
    registration = _ce_records(ended_at=NOW - relativedelta(years=DEFAULT_RETENTION_YEARS, days=1))

    summary = privacy_daily(now=NOW)

    assert summary["ce"] == ONE_EACH
    assert _counts(registration) == NONE


def test_the_privacy_notice_states_the_default_period():
    assert f"kept for {DEFAULT_RETENTION_YEARS} years after the training ends, then deleted" in PRIVACY
