from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from apps.core.tasks import send_email

pytestmark = pytest.mark.django_db


def _enqueue(subject):
    return send_email.enqueue(to=["a@example.org"], subject=subject, body="Body")


def test_stalled_running_task_is_requeued_and_then_sent(run_tasks, mailoutbox):
    stalled = _enqueue("Stalled")
    DBTaskResult.objects.filter(pk=stalled.id).update(status="RUNNING", started_at=timezone.now() - timedelta(hours=1))
    fresh = _enqueue("Running now")
    DBTaskResult.objects.filter(pk=fresh.id).update(status="RUNNING", started_at=timezone.now())

    call_command("requeue_stalled_tasks", "--minutes", "15", verbosity=0)
    run_tasks()

    assert [m.subject for m in mailoutbox] == ["Stalled"]
    assert DBTaskResult.objects.get(pk=fresh.id).status == "RUNNING"


def test_send_email_retries_a_failed_delivery_later(settings, run_tasks):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 1},
        }
    }
    _enqueue("Will fail")

    run_tasks()

    results = list(DBTaskResult.objects.order_by("enqueued_at").values_list("status", "args_kwargs"))
    assert [status for status, _ in results] == ["FAILED", "READY"]
    assert results[1][1]["kwargs"]["attempt"] == 2
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after > timezone.now() + timedelta(minutes=1)
