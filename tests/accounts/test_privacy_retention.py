"""The daily privacy job: documents of ended applications past DOCUMENT_RETENTION_MONTHS, erased
certificates past CERTIFICATE_RETENTION_YEARS, unconfirmed accounts; the command, its --schedule,
and the privacy notice that states the same rules."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from apps.accounts.privacy import (
    CERTIFICATE_RETENTION_YEARS,
    certificates_erased_purge,
    documents_retention_purge,
    erasure_confirm,
)
from apps.accounts.tasks import purge_retained_documents
from apps.certifications import services
from apps.certifications.models import Application, ApplicationDocument, ApplicationEvent, Certificate
from apps.core.roles import SITE_ADMINISTRATORS
from apps.faq.trust_pages import PRIVACY
from apps.learning.retention import PURGED
from tests.factories import make_application, make_document, make_person, make_staff, private_files
from tests.html import elements

pytestmark = pytest.mark.django_db


def _ended(status, *, months_ago):
    """An application that became `status` that many months ago, with one document."""
    application = make_application(status=status)
    make_document(application)
    ApplicationEvent.objects.filter(application=application, to_status=status).update(
        created_at=timezone.now() - relativedelta(months=months_ago)
    )
    return application


def test_documents_of_applications_ended_before_the_cutoff_are_deleted_after_commit(
    django_capture_on_commit_callbacks,
):
    old_rejected = _ended("rejected", months_ago=13)
    old_withdrawn = _ended("withdrawn", months_ago=13)
    recent_rejected = _ended("rejected", months_ago=11)
    old_approved = _ended("approved", months_ago=30)
    pending = make_application(status="in_review")
    make_document(pending)
    ApplicationEvent.objects.filter(application=pending).update(created_at=timezone.now() - relativedelta(months=30))
    gone = [d.file.name for d in ApplicationDocument.objects.filter(application__in=[old_rejected, old_withdrawn])]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        deleted = documents_retention_purge(older_than=timezone.now() - relativedelta(months=12))
    assert set(gone) <= set(private_files())
    for callback in callbacks:
        callback()

    assert deleted == 2
    assert sorted(ApplicationDocument.objects.values_list("application", flat=True)) == sorted(
        [recent_rejected.pk, old_approved.pk, pending.pk]
    )
    assert set(gone) & set(private_files()) == set()
    # The applications themselves stay.
    assert Application.objects.filter(pk__in=[old_rejected.pk, old_withdrawn.pk]).count() == 2


def test_a_reopened_and_rejected_again_application_counts_from_the_new_decision():
    application = _ended("rejected", months_ago=20)
    admin = make_staff(role=SITE_ADMINISTRATORS)
    application = services.application_reopen(application=application, reviewer=admin, message="New evidence.")
    services.application_reject(application=application, reviewer=admin, message="Still not complete.")

    assert documents_retention_purge(older_than=timezone.now() - relativedelta(months=12)) == 0
    assert application.documents.count() == 1


def _erased_certificate(*, ended_years_ago, revoked=False):
    person = make_person(f"holder{ended_years_ago}{revoked}@example.org")
    application = make_application(status="approved", email=person.email)
    certificate = application.certificate
    ended = timezone.localdate() - relativedelta(years=ended_years_ago, days=1)
    if revoked:
        services.certificate_revoke(certificate=certificate, user=make_staff(role=SITE_ADMINISTRATORS), reason="Void.")
        Certificate.objects.filter(pk=certificate.pk).update(
            revoked_at=timezone.now() - relativedelta(years=ended_years_ago, days=1)
        )
    else:
        Certificate.objects.filter(pk=certificate.pk).update(
            issued_on=ended - timedelta(days=730), expires_on=ended, status="expired"
        )
    erasure = person.erasure_requests.create()
    # Erased while still within the retention period: kept in minimal form.
    erasure_confirm(request=erasure, staff=make_staff(role=SITE_ADMINISTRATORS))
    return Certificate.objects.get(pk=certificate.pk)


def test_erased_certificates_are_deleted_once_their_retention_period_is_over():
    years = CERTIFICATE_RETENTION_YEARS
    within = _erased_certificate(ended_years_ago=years - 1)
    within_revoked = _erased_certificate(ended_years_ago=years - 1, revoked=True)
    kept_by_its_holder = make_application(status="approved").certificate
    Certificate.objects.filter(pk=kept_by_its_holder.pk).update(
        issued_on=timezone.localdate() - relativedelta(years=years + 3),
        expires_on=timezone.localdate() - relativedelta(years=years + 1),
    )
    later = timezone.localdate() + relativedelta(years=1, days=2)

    assert certificates_erased_purge() == 0
    deleted = certificates_erased_purge(today=later)

    assert deleted == 2
    assert list(Certificate.objects.all()) == [kept_by_its_holder]
    assert Application.objects.filter(pk__in=[within.application_id, within_revoked.application_id]).exists() is False
    assert Certificate.history.filter(id__in=[within.pk, within_revoked.pk]).exists() is False
    assert Application.history.filter(id__in=[within.application_id, within_revoked.application_id]).exists() is False


def test_the_command_runs_the_daily_job_and_reports(capsys, settings):
    _ended("withdrawn", months_ago=settings.DOCUMENT_RETENTION_MONTHS + 1)

    call_command("purge_retained_documents")

    assert capsys.readouterr().out == (
        "Deleted 1 documents of applications ended more than 12 months ago, 0 erased certificates past "
        "their retention period and 0 unconfirmed accounts.\n"
    )
    assert ApplicationDocument.objects.count() == 0


def test_the_setting_sets_the_document_retention(settings):
    settings.DOCUMENT_RETENTION_MONTHS = 24
    _ended("withdrawn", months_ago=13)

    call_command("purge_retained_documents")

    assert ApplicationDocument.objects.count() == 1


def test_the_daily_job_removes_unconfirmed_accounts(django_user_model, settings):
    from apps.accounts.services import account_for_address

    stale = account_for_address(email="never@example.org")
    django_user_model.objects.filter(pk=stale.pk).update(
        date_joined=timezone.now() - timedelta(hours=settings.ACCOUNTS_UNCONFIRMED_HOURS + 1)
    )

    no_ce_records = {name: 0 for name, _, _ in PURGED}
    assert purge_retained_documents.call() == {
        "documents": 0,
        "certificates": 0,
        "accounts": 1,
        "ce": no_ce_records,
        "ce_invited": 0,
    }
    assert django_user_model.objects.filter(pk=stale.pk).exists() is False


def test_schedule_queues_one_daily_run_on_the_worker(capsys):
    call_command("purge_retained_documents", "--schedule")
    call_command("purge_retained_documents", "--schedule")

    waiting = DBTaskResult.objects.filter(task_path=purge_retained_documents.module_path, status=TaskResultStatus.READY)
    assert waiting.count() == 1
    assert capsys.readouterr().out.splitlines()[1] == "A daily run is already scheduled on the worker."
    run_after = timezone.localtime(waiting.get().run_after)
    assert (run_after.hour, run_after.minute) == (6, 45)


# THE PRIVACY NOTICE STATES THE SAME RULES


def test_the_privacy_notice_states_the_retention_rules_of_the_code(settings):
    assert f"deleted {settings.DOCUMENT_RETENTION_MONTHS} months\n  after the decision or the withdrawal" in PRIVACY
    assert f"for {CERTIFICATE_RETENTION_YEARS} years after it expires or is\n  revoked" in PRIVACY
    assert f"deleted after {settings.ACCOUNTS_UNCONFIRMED_HOURS} hours" in PRIVACY


def test_the_privacy_notice_explains_download_and_erasure(client, starter_content):
    html = client.get("/pages/privacy/").content.decode()

    assert "Your data, yourself" in [text for _, _, text in elements(html, "h2")]
    assert elements(html, "a", href="/my/") != []
