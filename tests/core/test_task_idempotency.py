"""Every task may run twice (a retry, a task requeued after its worker died, two workers): each
run twice has the outcome of one run, one email, one certificate, nothing deleted twice."""

import threading
import time
import uuid
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import connection, transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from apps.accounts.services import account_for_address
from apps.accounts.tasks import purge_retained_documents
from apps.certifications.lookup import send_status_link
from apps.certifications.models import ApplicationDocument, ApplicationEvent, Certificate
from apps.certifications.services import certificate_issue
from apps.certifications.tasks import send_certificate_reminders
from apps.core.emails import email_queue, email_queue_text
from apps.core.models import EmailDelivery
from apps.core.tasks import DELIVERY_KEPT_DAYS, send_email
from tests.factories import make_application, make_certificate, make_document

pytestmark = pytest.mark.django_db

FAILING_SMTP = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 1},
    }
}


def _email(**overrides):
    return {"to": ["a@example.org"], "subject": "Hello", "body": "Body", "key": str(uuid.uuid4()), **overrides}


def _results(task):
    return list(DBTaskResult.objects.filter(task_path=task.module_path).order_by("enqueued_at"))


# SEND_EMAIL


def test_send_email_run_twice_sends_one_email(mailoutbox):
    email = _email()

    first = send_email.call(**email)
    second = send_email.call(**email)

    assert (first, second) == (True, False)
    assert [m.subject for m in mailoutbox] == ["Hello"]
    assert list(EmailDelivery.objects.values_list("key", flat=True)) == [uuid.UUID(email["key"])]


def test_two_emails_with_their_own_keys_both_go(mailoutbox):
    send_email.call(**_email(subject="One"))
    send_email.call(**_email(subject="Two"))

    assert [m.subject for m in mailoutbox] == ["One", "Two"]


def test_send_email_enqueued_twice_is_sent_once_by_the_worker(run_tasks, mailoutbox):
    email = _email()
    send_email.enqueue(**email)
    send_email.enqueue(**email)

    run_tasks()

    assert [m.subject for m in mailoutbox] == ["Hello"]
    results = _results(send_email)
    assert [r.status for r in results] == [TaskResultStatus.SUCCESSFUL, TaskResultStatus.SUCCESSFUL]
    assert [r.return_value for r in results] == [True, False]


def test_send_email_requeued_after_its_worker_died_is_not_sent_again(run_tasks, mailoutbox):
    send_email.enqueue(**_email())
    run_tasks()
    # The worker sent the email and died before marking the task done: it is left running.
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, started_at=timezone.now() - timedelta(hours=1))

    call_command("requeue_stalled_tasks", verbosity=0)
    run_tasks()

    assert [m.subject for m in mailoutbox] == ["Hello"]
    assert [r.return_value for r in _results(send_email)] == [False]


def test_a_failed_send_releases_its_key_and_the_retry_sends_once(settings, run_tasks, mailoutbox):
    locmem = settings.MAILERS
    settings.MAILERS = FAILING_SMTP
    email = _email()
    send_email.enqueue(**email)

    run_tasks()

    assert EmailDelivery.objects.count() == 0
    failed, retry = _results(send_email)
    assert (failed.status, retry.status) == (TaskResultStatus.FAILED, TaskResultStatus.READY)
    assert retry.args_kwargs["kwargs"]["key"] == email["key"]
    assert retry.args_kwargs["kwargs"]["attempt"] == 2

    settings.MAILERS = locmem
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    # The retry, and a stray second delivery of it, send the email once.
    send_email.enqueue(**{**email, "attempt": 2})
    run_tasks()

    assert [m.subject for m in mailoutbox] == ["Hello"]
    assert [r.status for r in _results(send_email)] == [TaskResultStatus.FAILED] + [TaskResultStatus.SUCCESSFUL] * 2
    assert EmailDelivery.objects.count() == 1


def test_an_email_queued_without_a_key_still_sends(mailoutbox):
    # Tasks queued before keys existed carry none.
    assert send_email.call(to=["a@example.org"], subject="Old", body="Body") is True

    assert [m.subject for m in mailoutbox] == ["Old"]
    assert EmailDelivery.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_the_same_email_at_once_send_it_once(monkeypatch):
    mail.outbox = []
    sending = threading.Event()
    send_messages = EmailBackend.send_messages

    def slow_send(self, messages):
        sending.set()
        time.sleep(0.5)  # the other worker reaches the key meanwhile, and waits on it
        return send_messages(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", slow_send)
    email = _email()
    returned = {}

    def worker(name):
        try:
            returned[name] = send_email.call(**email)
        finally:
            connection.close()

    first = threading.Thread(target=worker, args=["first"])
    first.start()
    assert sending.wait(timeout=10)
    second = threading.Thread(target=worker, args=["second"])
    second.start()
    first.join(timeout=20)
    second.join(timeout=20)

    assert returned == {"first": True, "second": False}
    assert [m.subject for m in mail.outbox] == ["Hello"]
    assert EmailDelivery.objects.count() == 1


def test_each_queued_email_gets_its_own_key(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email_queue_text(to=["a@example.org"], subject="One", body="Body")
        email_queue_text(to=["a@example.org"], subject="Two", body="Body")
        email_queue_text(to=["a@example.org"], subject="Three", body="Body", key="6f1c2f7e-5a4b-4c1d-9e3f-2a1b0c9d8e7f")

    keys = [r.args_kwargs["kwargs"]["key"] for r in _results(send_email)]
    assert len(set(keys)) == 3
    assert keys[2] == "6f1c2f7e-5a4b-4c1d-9e3f-2a1b0c9d8e7f"
    assert all(uuid.UUID(key) for key in keys)


def test_requeue_stalled_tasks_forgets_old_delivery_keys(capsys):
    now = timezone.now()
    old = EmailDelivery.objects.create(key=uuid.uuid4(), sent_at=now - timedelta(days=DELIVERY_KEPT_DAYS, minutes=1))
    recent = EmailDelivery.objects.create(key=uuid.uuid4(), sent_at=now - timedelta(days=DELIVERY_KEPT_DAYS - 1))

    call_command("requeue_stalled_tasks")

    assert capsys.readouterr().out == "Requeued 0 stalled task(s). Forgot 1 email delivery key(s).\n"
    assert list(EmailDelivery.objects.all()) == [recent]
    assert EmailDelivery.objects.filter(pk=old.pk).exists() is False


# TASKS THAT QUEUE EMAIL


def test_status_lookup_run_twice_sends_one_link(send_queued, mailoutbox):
    application = make_application(status="submitted")
    lookup = {"reference": application.reference, "email": application.email, "key": str(uuid.uuid4())}

    with send_queued():
        assert send_status_link.call(**lookup) is True
        assert send_status_link.call(**lookup) is True

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [application.email]


def test_status_lookup_queued_twice_by_the_worker_sends_one_link(send_queued, mailoutbox):
    application = make_application(status="submitted")
    lookup = {"reference": application.reference, "email": application.email, "key": str(uuid.uuid4())}

    with send_queued():
        send_status_link.enqueue(**lookup)
        send_status_link.enqueue(**lookup)

    assert len(mailoutbox) == 1
    assert [r.status for r in _results(send_status_link)] == [TaskResultStatus.SUCCESSFUL] * 2


def test_an_email_queued_twice_under_one_key_is_sent_once(send_queued, mailoutbox):
    application = make_application(status="submitted")
    context = {"application": application, "status_url": "https://example.org/s/", "valid_days": 30}

    with send_queued():
        for _ in range(2):
            email_queue(
                to=[application.email],
                template="certifications/email/application_status_link",
                context=context,
                key="0b7e1c2d-3f4a-4b5c-8d6e-7f8091a2b3c4",
            )

    assert len(mailoutbox) == 1


def test_reminders_run_twice_send_one_reminder(send_queued, mailoutbox):
    today = timezone.localdate()
    certificate = make_certificate(issued_on=today - timedelta(days=700), expires_on=today + timedelta(days=30))

    with send_queued():
        first = send_certificate_reminders.call()
        second = send_certificate_reminders.call()

    assert first["reminded_30_at"] == 1
    assert second == {**first, "reminded_30_at": 0}
    assert [m.subject for m in mailoutbox] == [f"Your NMT certificate {certificate.number} expires in 30 days"]


def test_reminders_enqueued_twice_send_one_reminder_and_expire_once(send_queued, mailoutbox):
    today = timezone.localdate()
    due = make_certificate(issued_on=today - timedelta(days=700), expires_on=today + timedelta(days=30))
    lapsed = make_certificate(issued_on=today - timedelta(days=800), expires_on=today - timedelta(days=3))

    with send_queued():
        send_certificate_reminders.enqueue()
        send_certificate_reminders.enqueue()

    summaries = [r.return_value for r in _results(send_certificate_reminders)]
    assert [(s["reminded_30_at"], s["reminded_0_at"], s["expired"]) for s in summaries] == [(1, 1, 1), (0, 0, 0)]
    assert sorted(m.subject for m in mailoutbox) == [
        f"Your NMT certificate {due.number} expires in 30 days",
        f"Your NMT certificate {lapsed.number} has reached its expiry date",
    ]
    lapsed.refresh_from_db()
    assert lapsed.status == Certificate.Status.EXPIRED


@pytest.mark.parametrize("daily_task", [send_certificate_reminders, purge_retained_documents])
def test_a_daily_run_delivered_twice_keeps_one_next_run_waiting(daily_task):
    daily_task.call(reschedule=True)
    daily_task.call(reschedule=True)

    waiting = DBTaskResult.objects.filter(task_path=daily_task.module_path, status=TaskResultStatus.READY)
    assert waiting.count() == 1


# CERTIFICATES AND PURGES


def test_issuing_the_certificate_of_an_application_twice_keeps_one():
    application = make_application(status="approved")
    number = application.certificate.number

    with transaction.atomic():
        certificate_issue(application=application)
        again = certificate_issue(application=application)

    assert list(Certificate.objects.filter(application=application).values_list("number", flat=True)) == [number]
    assert again.number == number


def _zeroed(summary):
    return {name: _zeroed(count) if isinstance(count, dict) else 0 for name, count in summary.items()}


def test_privacy_run_twice_deletes_once_and_then_nothing(
    settings, django_user_model, django_capture_on_commit_callbacks
):
    ended = make_application(status="rejected")
    make_document(ended)
    ApplicationEvent.objects.filter(application=ended).update(
        created_at=timezone.now() - relativedelta(months=settings.DOCUMENT_RETENTION_MONTHS + 1)
    )
    kept = make_application(status="rejected")
    make_document(kept)
    stale = account_for_address(email="never@example.org")
    django_user_model.objects.filter(pk=stale.pk).update(
        date_joined=timezone.now() - timedelta(hours=settings.ACCOUNTS_UNCONFIRMED_HOURS + 1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        first = purge_retained_documents.call()
    with django_capture_on_commit_callbacks(execute=True):
        second = purge_retained_documents.call()

    assert (first["documents"], first["accounts"]) == (1, 1)
    assert second == _zeroed(first)
    assert list(ApplicationDocument.objects.values_list("application", flat=True)) == [kept.pk]
    assert django_user_model.objects.filter(pk=stale.pk).exists() is False
