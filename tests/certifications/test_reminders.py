"""Renewal reminders at 90 and 30 days and on the day, once each, and expiry, by the daily task."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from apps.certifications import services
from apps.certifications.models import Certificate
from apps.certifications.tasks import next_run_at, send_certificate_reminders
from apps.core.roles import SITE_ADMINISTRATORS
from tests.factories import discard_queued_emails, make_certificate, make_staff

pytestmark = pytest.mark.django_db


def _expiring_in(days, **overrides):
    today = timezone.localdate()
    return make_certificate(issued_on=today - timedelta(days=700), expires_on=today + timedelta(days=days), **overrides)


@pytest.fixture
def daily(send_queued):
    """Run the daily work as of `today` and return the subjects of what it emailed."""

    def run(today=None):
        from django.core import mail

        before = len(mail.outbox)
        with send_queued():
            summary = services.certificates_daily(today=today)
        return summary, [message.subject for message in mail.outbox[before:]]

    return run


@pytest.mark.parametrize(
    ("days_left", "field", "subject"),
    [
        (90, "reminded_90_at", "Your NMT certificate {} expires in three months"),
        (45, "reminded_90_at", "Your NMT certificate {} expires in three months"),
        (30, "reminded_30_at", "Your NMT certificate {} expires in 30 days"),
        (1, "reminded_30_at", "Your NMT certificate {} expires in 30 days"),
        (0, "reminded_0_at", "Your NMT certificate {} has reached its expiry date"),
    ],
)
def test_reminder_is_sent_in_its_window(daily, mailoutbox, days_left, field, subject):
    certificate = _expiring_in(days_left)

    summary, subjects = daily()

    assert subjects == [subject.format(certificate.number)]
    assert mailoutbox[0].to == ["dana@example.org"]
    assert f"certificate {certificate.number}" in mailoutbox[0].body
    certificate.refresh_from_db()
    assert getattr(certificate, field) is not None
    assert summary[field] == 1


@pytest.mark.parametrize("days_left", [91, 365])
def test_nothing_is_sent_before_90_days(daily, days_left):
    _expiring_in(days_left)

    assert daily()[1] == []


def test_a_certificate_without_an_address_is_not_reminded(daily):
    """A certificate kept after its holder asked to be erased has no address left."""
    certificate = _expiring_in(30)
    Certificate.objects.filter(pk=certificate.pk).update(email="")

    summary, subjects = daily()

    assert subjects == []
    assert summary["reminded_30_at"] == 0


def test_running_twice_sends_nothing_twice(daily):
    _expiring_in(90)
    _expiring_in(30)

    first = daily()[1]
    second = daily()[1]

    assert len(first) == 2
    assert second == []


def test_a_certificates_whole_life_gets_three_reminders_then_expires(daily):
    certificate = _expiring_in(120)
    today = timezone.localdate()
    sent = []

    for offset in range(125):
        sent += daily(today=today + timedelta(days=offset))[1]

    number = certificate.number
    assert sent == [
        f"Your NMT certificate {number} expires in three months",
        f"Your NMT certificate {number} expires in 30 days",
        f"Your NMT certificate {number} has reached its expiry date",
    ]
    certificate.refresh_from_db()
    assert certificate.status == "expired"


def test_a_missed_day_is_caught_up_but_an_old_expiry_is_not_reminded(daily):
    yesterday = _expiring_in(-1)
    long_ago = _expiring_in(-20)

    summary, subjects = daily()

    assert subjects == [f"Your NMT certificate {yesterday.number} has reached its expiry date"]
    assert summary["expired"] == 2
    assert set(Certificate.objects.values_list("status", flat=True)) == {"expired"}
    long_ago.refresh_from_db()
    assert long_ago.reminded_0_at is None


def test_revoked_certificates_get_no_reminders_and_stay_revoked(daily):
    certificate = _expiring_in(30)
    services.certificate_revoke(certificate=certificate, user=make_staff(role=SITE_ADMINISTRATORS), reason="Fraud.")
    discard_queued_emails()  # the revocation notice

    summary, subjects = daily(today=timezone.localdate() + timedelta(days=31))

    certificate.refresh_from_db()
    assert (subjects, summary["expired"], certificate.status) == ([], 0, "revoked")


def test_expiry_is_recorded_in_the_field_history():
    certificate = _expiring_in(-1)

    services.certificates_expire()

    assert list(certificate.history.values_list("status", flat=True)[:2]) == ["expired", "active"]


def test_command_runs_the_daily_work_and_reports(capsys, send_queued, mailoutbox):
    soon = _expiring_in(90)
    lapsed = _expiring_in(-2)

    with send_queued():
        call_command("send_certificate_reminders")

    assert capsys.readouterr().out.strip() == (
        "Reminders sent: 1 at 90 days, 0 at 30 days, 1 on the day. Certificates marked expired: 1. "
        "Overdue renewal audits returned to review: 0."
    )
    assert sorted(message.subject for message in mailoutbox) == sorted(
        [
            f"Your NMT certificate {soon.number} expires in three months",
            f"Your NMT certificate {lapsed.number} has reached its expiry date",
        ]
    )


def test_command_schedules_one_daily_run_on_the_worker(capsys):
    call_command("send_certificate_reminders", "--schedule")
    call_command("send_certificate_reminders", "--schedule")

    waiting = DBTaskResult.objects.filter(task_path=send_certificate_reminders.module_path, status="READY")
    assert waiting.count() == 1
    assert waiting.get().run_after == next_run_at(timezone.now())
    run_at = timezone.localtime(next_run_at(timezone.now()))
    assert capsys.readouterr().out.splitlines() == [
        f"Scheduled on the worker, first run at {run_at:%Y-%m-%d %H:%M %Z}.",
        "A daily run is already scheduled on the worker.",
    ]


def test_next_run_is_the_coming_six_oclock():
    morning = timezone.now().replace(hour=5, minute=0, second=0, microsecond=0)
    evening = morning.replace(hour=18)

    assert next_run_at(morning) == morning.replace(hour=6)
    assert next_run_at(evening) == (morning + timedelta(days=1)).replace(hour=6)


def test_the_worker_runs_the_task_and_it_schedules_the_next_day(
    run_tasks, django_capture_on_commit_callbacks, mailoutbox
):
    _expiring_in(30)
    send_certificate_reminders.enqueue(reschedule=True)

    with django_capture_on_commit_callbacks(execute=True):
        run_tasks()
    run_tasks()

    assert [message.subject.endswith("expires in 30 days") for message in mailoutbox] == [True]
    waiting = DBTaskResult.objects.filter(task_path=send_certificate_reminders.module_path, status="READY")
    assert waiting.count() == 1
    assert waiting.get().run_after > timezone.now()


# THE REMINDER IN THE GRACE PERIOD


@pytest.mark.parametrize(
    ("days_since_expiry", "sent"),
    [(29, False), (30, True), (90, True), (91, False)],
)
def test_grace_reminder_goes_once_from_30_days_after_expiry_until_the_grace_period_ends(
    daily, mailoutbox, days_since_expiry, sent
):
    certificate = _expiring_in(-days_since_expiry)
    Certificate.objects.filter(pk=certificate.pk).update(
        reminded_90_at=timezone.now(), reminded_30_at=timezone.now(), reminded_0_at=timezone.now()
    )
    closes = certificate.expires_on + timedelta(days=90)

    summary, subjects = daily()

    expected = [
        f"Your NMT certificate {certificate.number} has expired: you can still renew it until {closes:%-d %B %Y}"
    ]
    assert subjects == (expected if sent else [])
    assert summary["reminded_grace_at"] == (1 if sent else 0)
    if sent:
        body = mailoutbox[0].body
        assert f"expired {days_since_expiry} days ago" in body
        assert daily()[1] == []


def test_grace_reminder_of_a_short_grace_period_goes_at_its_middle(daily):
    certificate = _expiring_in(-10)
    certificate.program.renewal_grace_days = 20
    certificate.program.save()

    summary, subjects = daily()

    # Ten days after expiry, the middle of a 20-day grace period (the day-of reminder's week is over).
    assert summary["reminded_grace_at"] == 1
    assert subjects == [
        f"Your NMT certificate {certificate.number} has expired: you can still renew it until "
        f"{certificate.expires_on + timedelta(days=20):%-d %B %Y}"
    ]
    assert Certificate.objects.get(pk=certificate.pk).reminded_grace_at is not None


def test_no_grace_reminder_for_a_revoked_certificate(daily):
    certificate = _expiring_in(-40)
    Certificate.objects.filter(pk=certificate.pk).update(
        status=Certificate.Status.REVOKED, revoked_reason="Licence withdrawn.", revoked_at=timezone.now()
    )

    assert daily()[1] == []
