"""Applicant documents on an S3-compatible store, against a real SeaweedFS (tests/s3.py): stored
under generated names in the private bucket, streamed to staff, never readable anonymously, never
left behind by a refused or failed submission, deleted by the purges."""

import re
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import botocore.auth
import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.utils import timezone

from apps.accounts.privacy import documents_retention_purge
from apps.certifications import services
from apps.certifications.models import Application, ApplicationDocument, ApplicationEvent, Status
from apps.core.storage import PrivateS3Storage, private_storage
from tests.factories import individual_form_data, make_application, make_document, make_phase_one
from tests.files import pdf_bytes, png_bytes, upload
from tests.s3 import PRIVATE_BUCKET, PUBLIC_BUCKET, free_port, new_server
from tests.staff import admin_login

pytestmark = pytest.mark.django_db

GENERATED_NAME = re.compile(r"applications/\d{4}/\d{2}/[0-9a-f]{32}\.(pdf|png)")
STORE_DOWN = "Your documents could not be stored just now, so nothing was saved. Please try again in a few minutes."


@pytest.fixture
def reviewer(django_user_model):
    user = django_user_model.objects.create_user(username="reviewer", password="pw-reviewer-123456", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_applicationdocument"))
    return user


def _get(url):
    """(status, headers, body) of an unauthenticated GET."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - the test server's http URL
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


def _submit(client, **files):
    program = make_phase_one()
    files = files or {
        "document_cv": upload("Dana CV.pdf", pdf_bytes()),
        "document_licence": upload("l.png", png_bytes()),
    }
    return client.post("/apply/individual/", individual_form_data(program, **files))


def test_a_submitted_application_stores_its_documents_in_the_private_bucket_under_generated_names(client, s3_storages):
    response = _submit(client)

    assert response.status_code == 302
    application = Application.objects.get()
    names = sorted(application.documents.values_list("file", flat=True))
    assert s3_storages.keys(PRIVATE_BUCKET) == names
    assert s3_storages.keys(PUBLIC_BUCKET) == []
    assert [bool(GENERATED_NAME.fullmatch(name)) for name in names] == [True, True]
    cv = application.documents.get(kind="cv")
    stored = s3_storages.client().get_object(Bucket=PRIVATE_BUCKET, Key=cv.file.name)
    assert stored["Body"].read() == pdf_bytes()
    assert stored["ContentType"] == "application/pdf"


def test_staff_download_streams_the_object_with_the_sandbox_headers(client, reviewer, s3_storages):
    document = make_document(make_application(status=Status.SUBMITTED), content=pdf_bytes(2), name="Dana CV.pdf")
    admin_login(client, reviewer)

    response = client.get(f"/staff/documents/{document.pk}/download/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes(2)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(pdf_bytes(2)))
    assert response["Content-Disposition"] == 'attachment; filename="Dana CV.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["Cache-Control"] == "private, no-store"


def test_staff_without_the_permission_get_nothing_from_the_store(client, staff_user, s3_storages):
    document = make_document(make_application(status=Status.SUBMITTED))
    admin_login(client, staff_user)

    assert client.get(f"/staff/documents/{document.pk}/download/").status_code == 403


def test_a_document_missing_from_the_bucket_is_not_found(client, reviewer, s3_storages):
    document = make_document(make_application(status=Status.SUBMITTED))
    s3_storages.client().delete_object(Bucket=PRIVATE_BUCKET, Key=document.file.name)
    admin_login(client, reviewer)

    assert client.get(f"/staff/documents/{document.pk}/download/").status_code == 404


def test_a_download_while_the_store_is_down_is_a_503_with_a_message(client, reviewer, s3_storages, settings):
    document = make_document(make_application(status=Status.SUBMITTED))
    settings.STORAGES = {**settings.STORAGES, **s3_storages.storages(endpoint_url=f"http://127.0.0.1:{free_port()}")}
    admin_login(client, reviewer)

    response = client.get(f"/staff/documents/{document.pk}/download/")

    assert response.status_code == 503
    assert (
        response.content.decode() == "The document store is not answering just now. Please try again in a few minutes."
    )


def test_a_presigned_download_lasts_a_minute_at_most_and_is_an_attachment(s3_storages):
    document = make_document(make_application(status=Status.SUBMITTED), name="Dana CV.pdf")

    url = private_storage().download_url(
        document.file.name, filename="Dana CV.pdf", content_type="application/pdf", expire=3600
    )

    assert parse_qs(urlsplit(url).query)["X-Amz-Expires"] == ["60"]
    status, headers, body = _get(url)
    assert (status, body) == (200, pdf_bytes())
    assert headers["Content-Disposition"] == 'attachment; filename="Dana CV.pdf"'
    assert headers["Content-Type"] == "application/pdf"


def test_a_presigned_download_signed_over_a_minute_ago_is_refused_by_the_store(s3_storages, monkeypatch):
    document = make_document(make_application(status=Status.SUBMITTED))
    signed_at = timezone.now().replace(tzinfo=None) - timedelta(seconds=61)
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda remove_tzinfo=True: signed_at)

    url = private_storage().download_url(document.file.name, filename="cv.pdf")

    assert _get(url)[0] == 403


def test_anonymous_requests_for_private_objects_are_refused_by_the_store_itself(s3_storages):
    document = make_document(make_application(status=Status.SUBMITTED))
    s3_storages.client().put_object(Bucket=PUBLIC_BUCKET, Key="photos/public.jpg", Body=b"public")
    endpoint = s3_storages.endpoint_url

    assert _get(f"{endpoint}/{PRIVATE_BUCKET}/{document.file.name}")[0] == 403
    assert _get(f"{endpoint}/{PRIVATE_BUCKET}/")[0] == 403
    # The same request for the public bucket is answered: the refusal is the private bucket's rule.
    assert _get(f"{endpoint}/{PUBLIC_BUCKET}/photos/public.jpg")[:3:2] == (200, b"public")


def test_the_private_storage_gives_no_url(s3_storages):
    document = make_document(make_application(status=Status.SUBMITTED))

    assert isinstance(private_storage()._wrapped, PrivateS3Storage)
    with pytest.raises(ValueError, match="Private files have no URL"):
        private_storage().url(document.file.name)
    with pytest.raises(ValueError, match="Private files have no URL"):
        document.file.url  # noqa: B018


def test_a_refused_upload_leaves_no_object(client, s3_storages):
    response = _submit(
        client,
        document_cv=upload("cv.pdf", b"MZ\x90\x00 this is a program, not a PDF"),
        document_licence=upload("licence.png", png_bytes()),
    )

    assert response.status_code == 200
    assert "“cv” is not a PDF" in response.content.decode()
    assert Application.objects.count() == 0
    assert s3_storages.keys(PRIVATE_BUCKET) == []


def test_a_failure_after_the_documents_were_stored_removes_their_objects(client, s3_storages, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("the database went away mid-submission")

    monkeypatch.setattr(services.transitions, "application_submit", fail)

    with pytest.raises(RuntimeError):
        _submit(client)

    assert Application.objects.count() == 0
    assert ApplicationDocument.objects.count() == 0
    assert s3_storages.keys(PRIVATE_BUCKET) == []


def test_the_stale_draft_purge_deletes_the_objects(s3_storages, django_capture_on_commit_callbacks):
    program = make_phase_one()
    stale = make_application(status=Status.DRAFT, program=program)
    make_document(stale)
    fresh = make_application(status=Status.DRAFT, program=program)
    kept = make_document(fresh)
    Application.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - timedelta(days=31))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_stale_drafts", verbosity=0)

    assert list(Application.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert s3_storages.keys(PRIVATE_BUCKET) == [kept.file.name]


def test_the_orphan_sweep_finds_objects_no_document_names(s3_storages):
    kept = make_document(make_application(status=Status.SUBMITTED))
    s3_storages.client().put_object(Bucket=PRIVATE_BUCKET, Key="applications/2020/01/orphan.pdf", Body=pdf_bytes())

    deleted = services.documents_orphaned_delete(older_than=timezone.now() + timedelta(minutes=1))

    assert deleted == 1
    assert s3_storages.keys(PRIVATE_BUCKET) == [kept.file.name]


def test_the_retention_purge_deletes_the_objects(s3_storages, django_capture_on_commit_callbacks):
    old = make_application(status=Status.REJECTED)
    make_document(old)
    ApplicationEvent.objects.filter(application=old, to_status=Status.REJECTED).update(
        created_at=timezone.now() - relativedelta(months=13)
    )
    recent = make_document(make_application(status=Status.REJECTED))

    with django_capture_on_commit_callbacks(execute=True):
        deleted = documents_retention_purge(older_than=timezone.now() - relativedelta(months=12))

    assert deleted == 1
    assert s3_storages.keys(PRIVATE_BUCKET) == [recent.file.name]


def _assert_refused_and_nothing_kept(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert STORE_DOWN in response.content.decode()
    assert Application.objects.count() == 0
    assert ApplicationDocument.objects.count() == 0


def test_a_submission_while_the_store_is_down_is_refused_clearly_and_keeps_nothing(client, s3_storages, settings):
    settings.STORAGES = {**settings.STORAGES, **s3_storages.storages(endpoint_url=f"http://127.0.0.1:{free_port()}")}

    response = _submit(client)

    _assert_refused_and_nothing_kept(response)
    assert s3_storages.keys(PRIVATE_BUCKET) == []


@pytest.fixture
def own_seaweedfs(seaweedfs, tmp_path, settings):
    """A SeaweedFS of this test alone, which it may stop and start again on the same ports."""
    server = new_server(seaweedfs.weed, tmp_path)
    assert server.start()
    settings.STORAGES = {**settings.STORAGES, **server.storages()}
    yield server
    server.stop()


def test_the_store_stopping_mid_submission_keeps_no_row_and_the_sweep_removes_the_written_object(
    client, own_seaweedfs, monkeypatch
):
    saved = []
    save = PrivateS3Storage._save

    def save_then_stop(storage, name, content):
        saved.append(save(storage, name, content))
        own_seaweedfs.stop()  # SeaweedFS goes down after the first document is written
        return saved[-1]

    monkeypatch.setattr(PrivateS3Storage, "_save", save_then_stop)

    response = _submit(client)

    _assert_refused_and_nothing_kept(response)
    # The store was down when the service tried to take the first object back: once it is up again,
    # the daily sweep (purge_stale_drafts) deletes it.
    monkeypatch.setattr(PrivateS3Storage, "_save", save)
    own_seaweedfs.restart()
    assert own_seaweedfs.keys(PRIVATE_BUCKET) == saved
    assert services.documents_orphaned_delete(older_than=timezone.now() + timedelta(minutes=1)) == 1
    assert own_seaweedfs.keys(PRIVATE_BUCKET) == []
