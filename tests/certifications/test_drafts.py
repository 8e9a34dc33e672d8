"""Save and continue later: drafts, their private links, completing and purging them."""

import re
import time
import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.certifications.models import Application, ApplicationDocument, Status
from apps.certifications.tokens import DRAFT_SALT, make_token
from tests.factories import (
    individual_form_data,
    make_application,
    make_document,
    make_phase_one,
    private_files,
)
from tests.files import pdf_bytes, png_bytes, upload
from tests.html import elements, labels, text_of

pytestmark = pytest.mark.django_db

URL = "/apply/individual/"


def _draft_post(program, **fields):
    return {"submission_key": str(uuid.uuid4()), "action": "draft", "program": str(program.pk), **fields}


def _resume_path(application):
    return f"/apply/resume/{make_token(application, salt=DRAFT_SALT)}/"


def _make_draft(program, **overrides):
    return make_application(status=Status.DRAFT, program=program, submission_key=uuid.uuid4(), **overrides)


def test_a_draft_needs_only_an_email_and_the_program(client, send_queued, mailoutbox, settings):
    program = make_phase_one()

    with send_queued():
        response = client.post(URL, _draft_post(program, email="dana@example.org", full_name="Dana"))

    assert response["Location"] == "/apply/saved/"
    draft = Application.objects.get()
    assert (draft.status, draft.reference, draft.email, draft.full_name, draft.city) == (
        Status.DRAFT,
        None,
        "dana@example.org",
        "Dana",
        "",
    )
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["dana@example.org"]
    assert email.subject == "Your draft application for NMT Phase I"
    link = re.search(r"http\S+/apply/resume/\S+/", email.body).group(0)
    assert link.startswith(f"{settings.SITE_URL}/apply/resume/")
    assert "it works for 30 days" in email.body


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"email": "not-an-email"},
            {"email": ["Enter an email address in the correct format, like name@example.org."]},
        ),
        ({"email": ""}, {"email": ["Enter an email address."]}),
        ({"email": "dana@example.org", "program": ""}, {"program": ["Choose the program you are applying for."]}),
        (
            {"email": "dana@example.org", "years_of_practice": "many"},
            {"years_of_practice": ["Enter your years of practice as a whole number from 0 to 70."]},
        ),
    ],
)
def test_a_draft_still_needs_a_valid_email_and_well_formed_fields(client, fields, errors):
    program = make_phase_one()

    response = client.post(URL, {**_draft_post(program), **fields})

    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert Application.objects.count() == 0


def test_the_start_page_says_that_answers_are_saved_and_the_link_emailed(client):
    make_phase_one()

    html = client.get(URL).content.decode()

    assert (
        "Your answers are saved each time you continue, and once you give your email address we email you a "
        "private link to finish within 30 days, on any device."
    ) in html


def test_the_draft_saved_page_says_where_the_link_went_and_offers_to_continue(client):
    program = make_phase_one()
    client.post(URL, _draft_post(program, email="dana@example.org"))

    response = client.get("/apply/saved/")

    html = response.content.decode()
    assert text_of(html, "h1") == "Your draft is saved"
    continue_link = elements(html, "a", class_="btn btn-primary")[0][1]["href"]
    assert continue_link.startswith("/apply/resume/")
    assert client.get(continue_link)["Location"] == URL
    assert client.get(URL).status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_a_draft_keeps_its_valid_documents(client):
    program = make_phase_one()

    client.post(URL, _draft_post(program, email="dana@example.org", document_cv=upload("cv.pdf", pdf_bytes())))

    draft = Application.objects.get()
    assert list(draft.documents.values_list("kind", "original_name")) == [("cv", "cv.pdf")]
    assert len(private_files()) == 1


def test_resuming_shows_each_section_filled_in_with_the_documents_already_uploaded(client):
    program = make_phase_one()
    draft = _make_draft(program)
    cv = make_document(draft, kind="cv", name="Dana CV.pdf")

    response = client.get(_resume_path(draft))

    assert (response.status_code, response["Location"]) == (302, URL)
    assert response["Referrer-Policy"] == "strict-origin"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex"
    about = client.get("/apply/individual/sections/about-you/").content.decode()
    assert elements(about, "input", name="full_name")[0][1]["value"] == "Dana Whitfield"
    assert elements(about, "input", name="submission_key")[0][1]["value"] == str(draft.submission_key)
    html = client.get("/apply/individual/sections/documents/").content.decode()
    # Listed as kept with the draft, each with a way to remove it: not as a list of pending uploads.
    assert text_of(html, "h2", id="kept-documents-heading") == "Kept with your draft"
    assert [text for _, _, text in elements(html, "li", class_="kept-document")] == [
        f"Kept CV / résumé: Dana CV.pdf ({cv.size} bytes, uploaded {cv.uploaded_at:%-d %b %Y}) Remove Dana CV.pdf"
    ]
    assert labels(html)["id_remove_documents_0"] == "Remove Dana CV.pdf"
    assert elements(html, "input", name="remove_documents")[0][1]["value"] == str(cv.pk)
    assert "Documents you have already uploaded are kept with your application: you need not choose them again." in (
        html
    )


def test_a_kept_document_can_be_removed_on_the_documents_page(client, django_capture_on_commit_callbacks):
    program = make_phase_one()
    draft = _make_draft(program)
    cv = make_document(draft, kind="cv", name="cv.pdf")
    extra = make_document(draft, kind="other", name="extra.pdf")
    client.get(_resume_path(draft))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/apply/individual/sections/documents/",
            {
                "submission_key": str(draft.submission_key),
                "action": "continue",
                "remove_documents": [str(extra.pk)],
                "document_licence": upload("licence.png", png_bytes()),
            },
        )

    assert response["Location"] == URL  # every section complete
    assert sorted(draft.documents.values_list("kind", "original_name")) == [
        ("cv", "cv.pdf"),
        ("licence", "licence.png"),
    ]
    assert extra.file.name not in private_files()
    assert cv.file.name in private_files()


def test_submitting_an_incomplete_draft_is_refused_and_changes_nothing(client):
    program = make_phase_one()
    draft = _make_draft(program, city="", motivation="")
    make_document(draft, kind="cv")

    response = client.post(
        _resume_path(draft), individual_form_data(program, city="", motivation="", submission_key=draft.submission_key)
    )

    assert response.context["form"].errors == {
        "city": ["Enter the city or town."],
        "motivation": ["Enter your statement of motivation."],
        "document_licence": ["NMT Phase I asks for this document. Please choose a file."],
    }
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert draft.documents.count() == 1


def test_a_complete_draft_is_submitted_with_its_stored_and_new_documents(client, send_queued, mailoutbox):
    program = make_phase_one()
    draft = _make_draft(program)
    make_document(draft, kind="cv", name="cv.pdf")

    with send_queued():
        response = client.post(
            _resume_path(draft),
            individual_form_data(
                program,
                submission_key=draft.submission_key,
                document_licence=upload("licence.png", png_bytes()),
            ),
        )

    assert response["Location"] == "/apply/received/"
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert draft.reference == f"NMT-I-{timezone.localdate().year}-00001"
    assert sorted(draft.documents.values_list("kind", "original_name")) == [
        ("cv", "cv.pdf"),
        ("licence", "licence.png"),
    ]
    assert Application.objects.count() == 1
    assert sorted(m.subject.split(":")[0] for m in mailoutbox) == [
        f"Application NMT-I-{timezone.localdate().year}-00001 received",
        f"New application NMT-I-{timezone.localdate().year}-00001",
    ]


def test_a_stored_document_can_be_removed_or_replaced(client, django_capture_on_commit_callbacks):
    program = make_phase_one()
    draft = _make_draft(program)
    cv = make_document(draft, kind="cv", name="old-cv.pdf")
    extra = make_document(draft, kind="other", name="extra.pdf")
    old_files = {cv.file.name, extra.file.name}

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            _resume_path(draft),
            _draft_post(
                program,
                email=draft.email,
                remove_documents=[str(extra.pk)],
                document_cv=upload("new-cv.pdf", pdf_bytes(pages=2)),
            ),
        )

    assert list(draft.documents.values_list("kind", "original_name")) == [("cv", "new-cv.pdf")]
    assert private_files() == [draft.documents.get().file.name]
    assert not old_files & set(private_files())


def test_saving_the_same_form_twice_keeps_one_draft(client):
    program = make_phase_one()
    data = _draft_post(program, email="dana@example.org")

    client.post(URL, data)
    client.post(URL, {**data, "full_name": "Dana Whitfield"})

    draft = Application.objects.get()
    assert draft.full_name == "Dana Whitfield"


def test_a_draft_saved_then_submitted_from_the_same_page_becomes_one_application(client):
    program = make_phase_one()
    data = individual_form_data(program)
    client.post(URL, {**data, "action": "draft", "document_cv": upload("cv.pdf", pdf_bytes())})

    response = client.post(URL, {**data, "document_licence": upload("licence.pdf", pdf_bytes())})

    assert response["Location"] == "/apply/received/"
    application = Application.objects.get()
    assert application.status == Status.SUBMITTED
    assert sorted(application.documents.values_list("kind", flat=True)) == ["cv", "licence"]


def test_a_draft_link_of_a_submitted_application_leads_to_its_status_page(client):
    application = make_application(status=Status.SUBMITTED)

    response = client.get(_resume_path(application))

    assert response.status_code == 302
    assert response["Location"].startswith("/applications/")
    assert client.get(response["Location"]).status_code == 200


def test_an_expired_draft_link_explains_itself(client, monkeypatch):
    draft = _make_draft(make_phase_one())
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() - timedelta(days=31).total_seconds())
    path = _resume_path(draft)
    monkeypatch.setattr(time, "time", real_time)

    response = client.get(path)

    assert response.status_code == 410
    assert text_of(response.content.decode(), "h1") == "This link has expired"
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("tamper", ["flip", "status-salt", "revoked", "garbage"])
def test_a_tampered_unknown_or_revoked_draft_link_is_not_found(client, tamper):
    draft = _make_draft(make_phase_one())
    token = make_token(draft, salt=DRAFT_SALT)
    if tamper == "flip":
        token = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    elif tamper == "status-salt":
        token = make_token(draft)
    elif tamper == "revoked":
        Application.objects.filter(pk=draft.pk).update(token_version=2)
    else:
        token = "x" * 40

    response = client.get(f"/apply/resume/{token}/")

    assert response.status_code == 404
    assert text_of(response.content.decode(), "h1") == "This link does not work"


def test_a_draft_whose_program_closed_cannot_be_submitted(client):
    program = make_phase_one()
    draft = _make_draft(program)
    make_document(draft, kind="cv")
    program.is_open = False
    program.save()
    make_phase_one(name="NMT Phase I (2027)", slug="phase-one-2027")

    response = client.post(_resume_path(draft), individual_form_data(program, submission_key=draft.submission_key))

    assert response.context["form"].errors["program"] == [
        "That program is not open for applications. Please choose one of those listed."
    ]


def test_stale_drafts_are_purged_with_their_files_and_history(django_capture_on_commit_callbacks):
    program = make_phase_one()
    stale = _make_draft(program)
    make_document(stale, kind="cv")
    fresh = _make_draft(program)
    make_document(fresh, kind="cv")
    submitted = make_application(status=Status.SUBMITTED, program=program)
    Application.objects.filter(pk__in=[stale.pk, submitted.pk]).update(updated_at=timezone.now() - timedelta(days=31))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_stale_drafts", verbosity=0)

    assert sorted(Application.objects.values_list("pk", flat=True)) == sorted([fresh.pk, submitted.pk])
    assert private_files() == [fresh.documents.get().file.name]
    assert Application.history.filter(id=stale.pk).count() == 0


def test_orphaned_files_older_than_a_day_are_swept(settings):
    import os
    from pathlib import Path

    kept = make_document(_make_draft(make_phase_one()), kind="cv")
    orphan = Path(settings.PRIVATE_MEDIA_ROOT) / "applications/2020/01/orphan.pdf"
    recent = Path(settings.PRIVATE_MEDIA_ROOT) / "applications/2020/01/in-flight.pdf"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(pdf_bytes())
    recent.write_bytes(pdf_bytes())
    two_days_ago = time.time() - 2 * 86400
    os.utime(orphan, (two_days_ago, two_days_ago))
    os.utime(Path(settings.PRIVATE_MEDIA_ROOT) / kept.file.name, (two_days_ago, two_days_ago))

    call_command("purge_stale_drafts", verbosity=0)

    assert private_files() == sorted([kept.file.name, "applications/2020/01/in-flight.pdf"])
    assert ApplicationDocument.objects.count() == 1
