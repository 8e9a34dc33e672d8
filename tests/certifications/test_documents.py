"""Applicant documents: private storage, all-or-nothing saving, and the staff-only download."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.storage import storages

from apps.certifications import services
from apps.certifications.models import Application, ApplicationDocument, Status
from apps.core.uploads import clean_upload
from tests.factories import (
    individual_form_data,
    make_application,
    make_document,
    make_phase_one,
    private_files,
)
from tests.files import pdf_bytes, png_bytes, upload
from tests.staff import admin_login

pytestmark = pytest.mark.django_db


def _download_url(document):
    return f"/staff/documents/{document.pk}/download/"


@pytest.fixture
def document():
    return make_document(make_application(status=Status.SUBMITTED), kind="cv", content=pdf_bytes(), name="Dana CV.pdf")


@pytest.fixture
def reviewer(django_user_model):
    user = django_user_model.objects.create_user(username="reviewer", password="pw-reviewer-123456", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_applicationdocument"))
    return user


def test_anonymous_visitors_are_sent_to_the_staff_login(client, document):
    response = client.get(_download_url(document))

    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next=/staff/documents/{document.pk}/download/"


def test_signed_in_users_who_are_not_staff_are_refused(client, django_user_model, document):
    user = django_user_model.objects.create_user(username="visitor", password="pw-visitor-123456")
    user.user_permissions.add(Permission.objects.get(codename="view_applicationdocument"))
    client.force_login(user)

    assert client.get(_download_url(document)).status_code == 403


def test_staff_without_the_permission_are_refused(client, staff_user, document):
    admin_login(client, staff_user)

    assert client.get(_download_url(document)).status_code == 403


def test_staff_with_the_permission_get_the_file_as_a_sandboxed_attachment(client, reviewer, document):
    admin_login(client, reviewer)

    response = client.get(_download_url(document))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Dana CV.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["Cache-Control"] == "private, no-store"


def test_superusers_may_download(client, superuser, document):
    admin_login(client, superuser)

    response = client.get(_download_url(document))

    assert response.status_code == 200
    response.close()


def test_the_download_answers_only_get_and_head(client, reviewer, document):
    admin_login(client, reviewer)

    assert client.post(_download_url(document)).status_code == 405


def test_an_unknown_or_missing_document_is_not_found(client, reviewer, document):
    admin_login(client, reviewer)
    assert client.get("/staff/documents/999999/download/").status_code == 404

    storages["private"].delete(document.file.name)

    assert client.get(_download_url(document)).status_code == 404


def test_documents_are_stored_outside_media_root_and_served_by_no_url(client, document, settings):
    from pathlib import Path

    storage = document.file.storage
    assert Path(storage.location) == Path(settings.PRIVATE_MEDIA_ROOT)
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / document.file.name).is_file()
    assert not Path(storage.location).is_relative_to(Path(settings.MEDIA_ROOT))
    for path in [f"/media/{document.file.name}", f"/private/{document.file.name}", f"/{document.file.name}"]:
        assert client.get(path).status_code == 404


def test_a_failure_after_files_were_stored_leaves_no_row_and_no_file(client, monkeypatch):
    """The database rolls back; the service takes back the files it wrote."""
    program = make_phase_one()

    def fail(**kwargs):
        raise RuntimeError("the database went away mid-submission")

    monkeypatch.setattr(services.transitions, "application_submit", fail)
    data = individual_form_data(
        program,
        document_cv=upload("cv.pdf", pdf_bytes()),
        document_licence=upload("licence.png", png_bytes()),
    )

    with pytest.raises(RuntimeError):
        client.post("/apply/individual/", data)

    assert Application.objects.count() == 0
    assert ApplicationDocument.objects.count() == 0
    assert private_files() == []


def test_answering_with_documents_adds_them_to_the_application():
    application = make_application(status=Status.INFO_REQUESTED)

    services.application_answer(
        application=application,
        message="Here is my licence.",
        documents=[("licence", clean_upload(upload("licence.pdf", pdf_bytes())))],
    )

    assert list(application.documents.values_list("kind", "original_name")) == [("licence", "licence.pdf")]
