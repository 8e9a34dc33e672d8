"""Hostile uploads on every form that takes a file: both application forms, the answer to an
information request, partner logos and library PDFs (admin). A refused file is refused at its
field, nothing is half-saved, and no file stays behind in the public or the private media folder."""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django_tasks_db.models import DBTaskResult

from apps.certifications.models import Application, ApplicationDocument, ApplicationEvent, Status
from apps.certifications.tokens import make_token
from apps.library.models import Publication
from apps.partners.models import Partner
from tests.factories import individual_form_data, make_application, make_phase_one, make_site_program, site_form_data
from tests.files import bomb_png_bytes, exe_bytes, html_bytes, pdf_bytes, png_bytes, svg_bytes, upload
from tests.html import elements
from tests.security.hostile import stored_files

pytestmark = pytest.mark.django_db

ELEVEN_MB = 11 * 1024 * 1024


@dataclass
class Target:
    """A form that takes a file: `post(file)` sends a submission that is complete but for `file`."""

    post: Callable
    field: str
    types: str
    limit: str
    errors: Callable  # the re-rendered form's errors, from the response


def _public_errors(response):
    return dict(response.context["form"].errors)


def _answer_errors(response):
    return dict(response.context["respond_form"].errors)


def _admin_errors(response):
    return dict(response.context["adminform"].form.errors)


PARTNER_FORM = {
    "name": "Harbor Family Services",
    "slug": "harbor",
    "kind": "site",
    "is_published": "on",
    "city": "Houston",
    "country": "US",
    "latitude": "29.760427",
    "longitude": "-95.369803",
    "_save": "Save",
}
PUBLICATION_FORM = {
    "title": "Examining child maltreatment",
    "slug": "examining-child-maltreatment",
    "authors": "Bruce D. Perry",
    "year": "2009",
    "kind": "article",
    "is_published": "on",
}


def _target(name, client, admin_client):
    if name == "individual":
        program = make_phase_one()

        def post(file, **fields):
            licence = upload("licence.png", png_bytes())
            data = individual_form_data(program, document_cv=file, document_licence=licence, **fields)
            return client.post("/apply/individual/", data)

        return Target(post, "document_cv", "PDF, JPEG or PNG", "10.0\xa0MB", _public_errors)
    if name == "site":
        program = make_site_program()

        def post(file, **fields):
            letter = upload("letter.pdf", pdf_bytes())
            data = site_form_data(
                program, document_organisation_chart=file, document_letter_of_support=letter, **fields
            )
            return client.post("/apply/site/", data)

        return Target(post, "document_organisation_chart", "PDF, JPEG or PNG", "10.0\xa0MB", _public_errors)
    if name == "answer":
        application = make_application(status=Status.INFO_REQUESTED)
        path = f"/applications/{make_token(application)}/"

        def post(file, **fields):
            data = {"action": "respond", "message": "Here is my licence.", "document_licence": file}
            return client.post(path, {**data, **fields})

        return Target(post, "document_licence", "PDF, JPEG or PNG", "10.0\xa0MB", _answer_errors)
    if name == "logo":

        def post(file, **fields):
            return admin_client.post("/admin/partners/partner/add/", {**PARTNER_FORM, "logo": file, **fields})

        return Target(post, "logo", "PNG or JPEG", "5.0\xa0MB", _admin_errors)

    def post(file, **fields):
        return admin_client.post("/admin/library/publication/add/", {**PUBLICATION_FORM, "pdf": file, **fields})

    return Target(post, "pdf", "PDF", "10.0\xa0MB", _admin_errors)


TARGETS = ["individual", "site", "answer", "logo", "library"]


def _rows():
    """Everything a submission could have written."""
    return {
        "applications": Application.objects.count(),
        "submitted": Application.objects.submitted().count(),
        "documents": ApplicationDocument.objects.count(),
        "events": ApplicationEvent.objects.count(),
        "partners": Partner.objects.count(),
        "publications": Publication.objects.count(),
        "queued emails": DBTaskResult.objects.count(),
    }


def _assert_refused(target, file, message):
    rows, files = _rows(), stored_files()

    response = target.post(file)

    assert response.status_code == 200
    assert target.errors(response) == {target.field: [message]}
    assert _rows() == rows
    assert stored_files() == files


@pytest.mark.parametrize("name", TARGETS)
def test_an_eleven_megabyte_file_is_refused_at_its_field(client, admin_client, name):
    target = _target(name, client, admin_client)

    _assert_refused(
        target,
        upload("big.pdf", pdf_bytes(padding=ELEVEN_MB)),
        f"“big” is 11.0\xa0MB; each file may be at most {target.limit}.",
    )


@pytest.mark.parametrize("name", TARGETS)
def test_a_program_renamed_pdf_is_refused_by_its_content(client, admin_client, name):
    target = _target(name, client, admin_client)

    _assert_refused(
        target,
        upload("invoice.pdf", exe_bytes(), "application/pdf"),
        f"“invoice” is not a {target.types} file. Please upload {target.types} only.",
    )


@pytest.mark.parametrize("name", TARGETS)
def test_an_svg_with_a_script_is_refused(client, admin_client, name):
    target = _target(name, client, admin_client)

    _assert_refused(
        target,
        upload("drawing.svg", svg_bytes(), "image/svg+xml"),
        f"“drawing” is not a {target.types} file. Please upload {target.types} only.",
    )


@pytest.mark.parametrize("name", TARGETS)
def test_an_html_page_named_like_an_image_is_refused(client, admin_client, name):
    target = _target(name, client, admin_client)

    _assert_refused(
        target,
        upload("photo.png", html_bytes(), "image/png"),
        f"“photo” is not a {target.types} file. Please upload {target.types} only.",
    )


@pytest.mark.parametrize("name", ["individual", "site", "answer", "logo"])
def test_an_image_bomb_is_refused_before_it_is_decoded(client, admin_client, name):
    target = _target(name, client, admin_client)

    _assert_refused(
        target,
        upload("bomb.png", bomb_png_bytes(), "image/png"),
        "“bomb” is too large to process. Please upload a smaller image.",
    )


@pytest.mark.parametrize("name", ["individual", "answer"])
def test_a_pdf_renamed_png_is_kept_as_a_pdf(client, admin_client, name):
    target = _target(name, client, admin_client)
    content = pdf_bytes()

    response = target.post(upload("scan.png", content, "image/png"))

    assert response.status_code == 302
    document = ApplicationDocument.objects.get(original_name="scan.pdf")
    assert (document.content_type, document.size) == ("application/pdf", len(content))
    assert re.fullmatch(r"applications/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", document.file.name)


def test_a_png_named_pdf_becomes_a_png_logo(admin_client):
    response = admin_client.post(
        "/admin/partners/partner/add/", {**PARTNER_FORM, "logo": upload("logo.pdf", png_bytes())}
    )

    assert response.status_code == 302
    assert re.fullmatch(r"partners/logos/[0-9a-f]{32}\.png", Partner.objects.get().logo.name)


def test_a_pdf_named_png_becomes_the_library_pdf(admin_client):
    content = pdf_bytes()

    response = admin_client.post(
        "/admin/library/publication/add/", {**PUBLICATION_FORM, "pdf": upload("paper.png", content, "image/png")}
    )

    assert response.status_code == 302
    publication = Publication.objects.get()
    assert re.fullmatch(r"library/[0-9a-f]{32}\.pdf", publication.pdf.name)
    assert publication.pdf_size == len(content)


HOSTILE_NAMES = [
    ("../../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\windows\\system.ini.pdf", "system.ini.pdf"),
    ("cv\x00.exe.pdf", "cv.exe.pdf"),
    ("/var/www/index.pdf", "index.pdf"),
    ("<script>alert(1)</script>.pdf", "script_.pdf"),
    ("cv.pdf\r\nContent-Type: text/html", "html.pdf"),
]


@pytest.mark.parametrize(("uploaded", "shown"), HOSTILE_NAMES)
def test_an_applicants_file_name_is_cleaned_for_display_and_never_used_for_storage(client, uploaded, shown):
    target = _target("individual", client, None)

    response = target.post(upload(uploaded, pdf_bytes()))

    assert response.status_code == 302
    document = ApplicationDocument.objects.get(kind="cv")
    assert document.original_name == shown
    assert re.fullmatch(r"applications/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", document.file.name)
    assert stored_files() == sorted(f"private/{d.file.name}" for d in ApplicationDocument.objects.all())
    status_page = client.get(f"/applications/{make_token(document.application)}/").content.decode()
    assert [text for _, _, text in elements(status_page, "li") if text.startswith("CV")] == [
        f"CV / résumé: {shown} ({document.size} bytes, {document.uploaded_at:%-d %B %Y})"
    ]


@pytest.mark.parametrize(("uploaded", "shown"), HOSTILE_NAMES[:3])
def test_a_file_name_sent_with_an_answer_is_cleaned_too(client, uploaded, shown):
    target = _target("answer", client, None)

    response = target.post(upload(uploaded, pdf_bytes()))

    assert response.status_code == 302
    document = ApplicationDocument.objects.get()
    assert (document.original_name, document.kind) == (shown, "licence")
    assert re.fullmatch(r"applications/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", document.file.name)


@pytest.mark.parametrize("uploaded", ["../../../static/js/portal.png", "logo\x00.png", "..\\..\\logo.png"])
def test_a_logo_is_stored_under_a_generated_name_whatever_it_was_called(admin_client, uploaded):
    response = admin_client.post(
        "/admin/partners/partner/add/", {**PARTNER_FORM, "logo": upload(uploaded, png_bytes())}
    )

    assert response.status_code == 302
    name = Partner.objects.get().logo.name
    assert re.fullmatch(r"partners/logos/[0-9a-f]{32}\.png", name)
    assert stored_files() == [f"media/{name}"]


def test_a_library_pdf_with_a_null_byte_in_its_name_is_stored_under_a_generated_name(admin_client):
    response = admin_client.post(
        "/admin/library/publication/add/", {**PUBLICATION_FORM, "pdf": upload("paper\x00.exe.pdf", pdf_bytes())}
    )

    assert response.status_code == 302
    name = Publication.objects.get().pdf.name
    assert re.fullmatch(r"library/[0-9a-f]{32}\.pdf", name)
    assert stored_files() == [f"media/{name}"]


@pytest.mark.parametrize(
    ("name", "fields", "field"),
    [
        ("individual", {"email": "not-an-address"}, "email"),
        ("site", {"country": "XX"}, "country"),
        ("answer", {"message": ""}, "message"),
        ("logo", {"latitude": "123"}, "latitude"),
        ("library", {"doi": "not a doi"}, "doi"),
    ],
)
def test_a_valid_file_with_an_invalid_field_keeps_no_file_and_no_row(client, admin_client, name, fields, field):
    target = _target(name, client, admin_client)
    valid = upload("good.png", png_bytes()) if name == "logo" else upload("good.pdf", pdf_bytes())
    rows, files = _rows(), stored_files()

    response = target.post(valid, **fields)

    assert response.status_code == 200
    assert list(target.errors(response)) == [field]
    assert _rows() == rows
    assert stored_files() == files


def test_more_files_than_the_server_accepts_is_a_bad_request_that_saves_nothing(client):
    target = _target("individual", client, None)
    rows = _rows()

    response = target.post(
        upload("cv.pdf", pdf_bytes()), other_documents=[upload(f"extra{i}.pdf", pdf_bytes()) for i in range(10)]
    )

    assert response.status_code == 400
    assert _rows() == rows
    assert stored_files() == []


def test_a_form_body_beyond_the_memory_limit_is_a_bad_request_that_saves_nothing(client):
    target = _target("individual", client, None)

    response = target.post(upload("cv.pdf", pdf_bytes()), motivation="x" * 3_000_000)

    assert response.status_code == 400
    assert Application.objects.count() == 0
    assert stored_files() == []
