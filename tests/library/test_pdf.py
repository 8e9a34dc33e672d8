import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from apps.library.models import Publication
from tests.factories import make_publication
from tests.files import broken_pdf_bytes, encrypted_pdf_bytes, exe_bytes, html_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {
        "title": "Examining child maltreatment",
        "slug": "examining-child-maltreatment",
        "authors": "Bruce D. Perry",
        "year": "2009",
        "kind": "article",
        "source": "Journal of Loss and Trauma",
        "abstract": "",
        "url": "",
        "doi": "",
        "is_published": "on",
    }
    data.update(overrides)
    return data


def _stored_files():
    try:
        return default_storage.listdir("library")[1]
    except FileNotFoundError:
        return []


def test_admin_stores_a_valid_pdf_under_a_generated_name(admin_client):
    content = pdf_bytes(pages=2)

    response = admin_client.post(
        "/admin/library/publication/add/", {**_form(), "pdf": upload("../../etc/My paper.pdf", content)}
    )

    assert response.status_code == 302
    publication = Publication.objects.get()
    assert publication.pdf.name.startswith("library/")
    assert publication.pdf.name.endswith(".pdf")
    assert "paper" not in publication.pdf.name
    assert publication.pdf_size == len(content)
    with publication.pdf.open("rb") as stored:
        assert stored.read() == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("paper.pdf", exe_bytes(), "“paper” is not a PDF file. Please upload PDF only."),
        ("paper.pdf", html_bytes(), "“paper” is not a PDF file. Please upload PDF only."),
        (
            "locked.pdf",
            encrypted_pdf_bytes(),
            "“locked” is password-protected. Please upload a copy without a password.",
        ),
        (
            "broken.pdf",
            broken_pdf_bytes(),
            "“broken” could not be read as a PDF; it may be damaged. Please export it again.",
        ),
    ],
)
def test_admin_refuses_a_file_that_is_not_a_readable_pdf_and_keeps_nothing(admin_client, name, content, message):
    response = admin_client.post("/admin/library/publication/add/", {**_form(), "pdf": upload(name, content)})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"pdf": [message]}
    assert Publication.objects.count() == 0
    assert _stored_files() == []


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("10.1080/15325020903004350", "10.1080/15325020903004350"),
        ("https://doi.org/10.1080/15325020903004350", "10.1080/15325020903004350"),
        ("doi:10.1080/15325020903004350", "10.1080/15325020903004350"),
    ],
)
def test_admin_normalises_a_doi(admin_client, typed, stored):
    admin_client.post("/admin/library/publication/add/", _form(doi=typed))

    assert Publication.objects.get().doi == stored


@pytest.mark.parametrize("doi", ["12.1080/abc", "10.1/x", "10.1080/with space", "javascript:alert(1)"])
def test_admin_refuses_a_malformed_doi(admin_client, doi):
    response = admin_client.post("/admin/library/publication/add/", _form(doi=doi))

    assert response.context["adminform"].form.errors == {
        "doi": [f"“{doi}” is not a DOI. A DOI looks like 10.1080/15325020903004350."]
    }


def test_replacing_a_pdf_removes_the_old_file(admin_client, django_capture_on_commit_callbacks):
    admin_client.post("/admin/library/publication/add/", {**_form(), "pdf": upload("a.pdf", pdf_bytes())})
    publication = Publication.objects.get()
    old_name = publication.pdf.name

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            f"/admin/library/publication/{publication.pk}/change/",
            {**_form(), "pdf": upload("b.pdf", pdf_bytes(pages=3))},
        )

    publication.refresh_from_db()
    assert publication.pdf.name != old_name
    assert _stored_files() == [publication.pdf.name.split("/")[-1]]


def test_pdf_download_is_an_inert_attachment(client):
    content = pdf_bytes()
    publication = make_publication(slug="examining-child-maltreatment")
    publication.pdf.save("x.pdf", ContentFile(content))

    response = client.get("/library/examining-child-maltreatment.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="examining-child-maltreatment.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert b"".join(response.streaming_content) == content
    page = client.get(f"/library/{publication.slug}/").content.decode()
    assert 'href="/library/examining-child-maltreatment.pdf"' in page


def test_pdf_download_of_a_publication_without_pdf_or_unpublished_is_not_found(client):
    without = make_publication()
    hidden = make_publication(is_published=False)
    hidden.pdf.save("x.pdf", ContentFile(pdf_bytes()))

    assert client.get(f"/library/{without.slug}.pdf").status_code == 404
    assert client.get(f"/library/{hidden.slug}.pdf").status_code == 404


def test_pdf_missing_from_storage_is_not_found_not_an_error(client):
    publication = make_publication()
    publication.pdf.save("x.pdf", ContentFile(pdf_bytes()))
    default_storage.delete(publication.pdf.name)

    assert client.get(f"/library/{publication.slug}.pdf").status_code == 404
