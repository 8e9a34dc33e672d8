"""The individual application form, end to end with real files."""

import hashlib

import pytest
from django.utils import timezone

from apps.certifications.models import Application, ApplicationDocument, ApplicationEvent, Status
from tests.factories import (
    individual_form_data,
    journey_pages,
    make_phase_one,
    make_program,
    private_files,
    queued_emails,
    stored_bytes,
)
from tests.files import (
    bomb_png_bytes,
    broken_pdf_bytes,
    encrypted_pdf_bytes,
    exe_bytes,
    html_bytes,
    jpeg_bytes,
    pdf_bytes,
    png_bytes,
    svg_bytes,
    upload,
)
from tests.html import elements, labels, text_of

pytestmark = pytest.mark.django_db

URL = "/apply/individual/"
# The first section's page: where the blank form of the journey starts.
SECTION = "/apply/individual/sections/program/"
YEAR = timezone.localdate().year


def _files(**overrides):
    files = {"document_cv": upload("cv.pdf", pdf_bytes()), "document_licence": upload("licence.png", png_bytes())}
    files.update(overrides)
    return {k: v for k, v in files.items() if v is not None}


def test_each_section_page_renders_its_labelled_fields(client):
    program = make_phase_one()

    pages = journey_pages(client, individual_form_data(program, **_files()))

    assert {slug: [text for _, _, text in elements(html, "h1")] for slug, html in pages.items()} == {
        "program": ["Program"],
        "about-you": ["About you"],
        "credential": ["Licence or credential"],
        "practice": ["Practice"],
        "motivation": ["Motivation"],
        "documents": ["Documents"],
        "check": ["Check your answers before submitting your application"],
    }
    assert [text for html in pages.values() for _, _, text in elements(html, "legend")] == [
        "Program or level*",
        "Populations served*",
    ]
    found = {k: v for html in pages.values() for k, v in labels(html).items()}
    assert found["id_full_name"] == "Full name*"
    assert found["id_email"] == "Email*"
    assert found["id_credential_type"] == "Type of licence or credential*"
    assert found["id_credential_number"] == "Licence or credential number"
    assert found["id_document_cv"] == "CV / résumé"
    assert found["id_document_licence"] == "Licence or credential"
    assert found["id_document_training_certificate"] == "Training certificate"
    assert found["id_other_documents"] == "Other supporting documents"
    assert found["id_consent_privacy"] == "I have read the privacy notice above and agree to it.*"
    assert found["id_program_0"] == "NMT Phase I"
    assert found["id_populations_0"] == "Children"
    about, documents = pages["about-you"], pages["documents"]
    assert elements(about, "input", name="email")[0][1]["autocomplete"] == "email"
    assert elements(about, "input", name="full_name")[0][1]["autocomplete"] == "name"
    assert elements(about, "select", name="country")[0][1]["autocomplete"] == "country"
    assert elements(documents, "input", name="other_documents")[0][1]["multiple"] is None
    assert elements(documents, "input", name="document_cv")[0][1]["accept"] == (
        "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
    )
    assert text_of(documents, "div", id="id_document_licence_helptext") == (
        "Required for NMT Phase I. PDF, JPEG or PNG, at most 10.0 MB."
    )
    for html in pages.values():
        assert len(elements(html, "input", type="hidden", name="submission_key")) == 1
        assert 'name="csrfmiddlewaretoken"' in html
    assert [a["value"] for _, a, _ in elements(pages["program"], "button", type="submit")] == ["continue"]
    assert [a["value"] for _, a, _ in elements(pages["motivation"], "button", type="submit")] == ["continue", "later"]
    assert [a["value"] for _, a, _ in elements(pages["check"], "button", type="submit")] == ["submit"]


def test_only_open_individual_programs_are_offered_and_one_can_be_preselected(client):
    phase_one = make_phase_one()
    mentor = make_program(name="NMT Mentor", slug="nmt-mentor", order=30)
    make_program(name="Closed level", slug="closed", is_open=False)
    make_program(name="Site", slug="site", kind="site")

    html = client.get(f"{SECTION}?program=nmt-mentor").content.decode()

    radios = elements(html, "input", name="program")
    assert [a["value"] for _, a, _ in radios] == [str(phase_one.pk), str(mentor.pk)]
    assert [("checked" in a) for _, a, _ in radios] == [False, True]


def test_closed_applications_say_so_instead_of_showing_a_form(client):
    make_program(name="Closed level", slug="closed", is_open=False)

    response = client.get(URL)

    assert response.status_code == 200
    assert text_of(response.content.decode(), "h1") == "Individual applications are closed at the moment"
    assert response.context.get("form") is None


def test_valid_application_with_a_pdf_and_a_png_is_submitted_with_its_documents(client, settings):
    program = make_phase_one()
    cv = pdf_bytes()
    data = individual_form_data(program, **_files(document_cv=upload("My CV.pdf", cv)))

    response = client.post(URL, data)

    assert response.status_code == 302
    assert response["Location"] == "/apply/received/"
    application = Application.objects.get()
    assert application.status == Status.SUBMITTED
    assert application.reference == f"NMT-I-{YEAR}-00001"
    assert application.kind == "individual"
    assert application.program == program
    assert (application.full_name, application.email, application.country.code, application.years_of_practice) == (
        "Dana Whitfield",
        "dana@example.org",
        "US",
        8,
    )
    assert application.populations == ["children", "families"]
    assert (application.consent_privacy, application.list_in_registry) == (True, True)
    assert str(application.submission_key) == data["submission_key"]
    documents = list(application.documents.order_by("kind"))
    assert [(d.kind, d.original_name, d.content_type) for d in documents] == [
        ("cv", "My CV.pdf", "application/pdf"),
        ("licence", "licence.png", "image/png"),
    ]
    assert documents[0].sha256 == hashlib.sha256(cv).hexdigest()
    assert stored_bytes(documents[0]) == cv
    # Generated names in private storage: nothing of the uploaded name, nothing under MEDIA_ROOT.
    assert private_files() == sorted(d.file.name for d in documents)
    for document in documents:
        assert document.file.name.startswith(f"applications/{timezone.now():%Y/%m}/")
        assert "CV" not in document.file.name and "licence" not in document.file.name
    assert list(ApplicationEvent.objects.values_list("from_status", "to_status")) == [("draft", "submitted")]


def test_confirmation_page_shows_the_reference_without_personal_data_in_its_url(client):
    program = make_phase_one()
    response = client.post(URL, individual_form_data(program, **_files()), follow=True)

    assert response.redirect_chain == [("/apply/received/", 302)]
    html = response.content.decode()
    assert text_of(html, "strong", id="reference") == f"NMT-I-{YEAR}-00001"
    assert text_of(html, "h1") == "Thank you: we have received your application"
    assert "What happens next" in html
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"


def test_confirmation_page_without_a_submission_in_the_session_shows_nothing_private(client):
    make_phase_one()

    html = client.get("/apply/received/").content.decode()

    assert text_of(html, "h1") == "Application confirmation"
    assert "NMT-I-" not in html


def test_applicant_and_staff_are_emailed_by_the_worker(client, send_queued, mailoutbox, settings):
    settings.STAFF_NOTIFICATION_EMAIL = "certification@example.org"
    program = make_phase_one()

    with send_queued():
        client.post(URL, individual_form_data(program, **_files()))

    application = Application.objects.get()
    by_recipient = {tuple(m.to): m for m in mailoutbox}
    assert sorted(by_recipient) == [("certification@example.org",), ("dana@example.org",)]
    applicant = by_recipient[("dana@example.org",)]
    assert applicant.subject == f"Application NMT-I-{YEAR}-00001 received"
    assert f"Reference: NMT-I-{YEAR}-00001" in applicant.body
    assert f"{settings.SITE_URL}/applications/" in applicant.body
    staff = by_recipient[("certification@example.org",)]
    assert staff.subject == f"New application NMT-I-{YEAR}-00001: Dana Whitfield (NMT Phase I)"
    assert staff.reply_to == ["dana@example.org"]
    assert f"/admin/certifications/application/{application.pk}/change/" in staff.body
    assert "Documents: 2" in staff.body


def test_no_email_is_sent_inside_the_request(client, mailoutbox, settings):
    settings.STAFF_NOTIFICATION_EMAIL = "certification@example.org"
    program = make_phase_one()

    client.post(URL, individual_form_data(program, **_files()))

    # The applicant's confirmation and the staff notice, queued in the request's own transaction.
    assert queued_emails() == [
        (["certification@example.org"], f"New application NMT-I-{YEAR}-00001: Dana Whitfield (NMT Phase I)"),
        (["dana@example.org"], f"Application NMT-I-{YEAR}-00001 received"),
    ]
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("full_name", "", "Enter your full name."),
        ("email", "not-an-email", "Enter an email address in the correct format, like name@example.org."),
        ("email", "", "Enter an email address."),
        ("country", "", "Choose a country."),
        ("country", "XX", "Choose a country from the list."),
        ("profession", "", "Enter your profession."),
        ("credential_type", "", "Enter the type of your licence or credential."),
        ("credential_issuer", "", "Enter the body that issued your licence or credential."),
        ("city", "", "Enter the city or town."),
        ("years_of_practice", "", "Enter your years of practice as a whole number from 0 to 70."),
        ("years_of_practice", "-1", "Enter your years of practice as a whole number from 0 to 70."),
        ("years_of_practice", "71", "Enter your years of practice as a whole number from 0 to 70."),
        ("years_of_practice", "8.5", "Enter your years of practice as a whole number from 0 to 70."),
        ("populations", None, "Choose at least one population served."),
        ("populations", ["pets"], "Choose one of the options listed."),
        ("motivation", "", "Enter your statement of motivation."),
        ("motivation", "x" * 5001, "Shorten this to 5,000 characters or fewer."),
        ("consent_privacy", None, "Tick the box to agree to the privacy notice."),
        ("phone", "call me maybe", "Enter a telephone number with digits, spaces and an optional leading +."),
        ("heard_about", "radio", "Choose one of the options listed."),
    ],
)
def test_invalid_input_is_refused_at_the_field_and_nothing_typed_is_lost(client, field, value, message):
    program = make_phase_one()
    data = individual_form_data(program, **{field: value}, **_files())

    response = client.post(URL, data)

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    html = response.content.decode()
    assert 'value="Harbor Child Center"' in html
    assert 'value="PSY-12345"' in html
    assert elements(html, "input", name="submission_key")[0][1]["value"] == data["submission_key"]
    assert text_of(html, "p", class_="mb-0 files-lost") == (
        "Files are not kept when the form has errors: please choose your documents again. "
        "Everything you typed is still here."
    )
    assert Application.objects.count() == 0
    assert ApplicationDocument.objects.count() == 0
    assert private_files() == []


def test_a_program_that_is_closed_or_of_the_other_kind_is_refused(client):
    make_phase_one()
    closed = make_program(name="Closed", slug="closed", is_open=False)
    site = make_program(name="Site", slug="site", kind="site")

    for program in [closed, site]:
        response = client.post(URL, individual_form_data(program, **_files()))

        assert response.context["form"].errors == {
            "program": ["That program is not open for applications. Please choose one of those listed."]
        }
    assert Application.objects.count() == 0


def test_documents_the_program_requires_must_be_chosen(client):
    program = make_phase_one()

    response = client.post(URL, individual_form_data(program))

    assert response.context["form"].errors == {
        "document_cv": ["NMT Phase I asks for this document. Please choose a file."],
        "document_licence": ["NMT Phase I asks for this document. Please choose a file."],
    }
    assert Application.objects.count() == 0


def test_every_individual_program_requires_a_cv_even_if_it_lists_none(client):
    program = make_program(name="Mentor", slug="mentor")

    response = client.post(URL, individual_form_data(program))

    assert response.context["form"].errors == {"document_cv": ["Mentor asks for this document. Please choose a file."]}


@pytest.mark.parametrize(
    ("name", "content", "stored_type", "stored_name"),
    [
        ("scan.pdf", pdf_bytes(), "application/pdf", "scan.pdf"),
        ("scan.png", png_bytes(), "image/png", "scan.png"),
        ("photo.jpeg", jpeg_bytes(exif_comment="home address"), "image/jpeg", "photo.jpg"),
        ("really-a-pdf.png", pdf_bytes(), "application/pdf", "really-a-pdf.pdf"),
    ],
)
def test_files_are_typed_by_their_content(client, name, content, stored_type, stored_name):
    program = make_phase_one()

    client.post(URL, individual_form_data(program, **_files(document_licence=upload(name, content))))

    document = ApplicationDocument.objects.get(kind="licence")
    assert (document.content_type, document.original_name) == (stored_type, stored_name)
    assert document.file.name.endswith("." + stored_name.rsplit(".", 1)[1])


def test_images_are_stored_re_encoded_without_their_metadata(client):
    program = make_phase_one()
    jpeg = jpeg_bytes(exif_comment="Private note")

    client.post(URL, individual_form_data(program, **_files(document_licence=upload("id.jpg", jpeg))))

    stored = stored_bytes(ApplicationDocument.objects.get(kind="licence"))
    assert stored != jpeg
    assert b"Private note" not in stored and b"Secret Author" not in stored


ELEVEN_MB = 11 * 1024 * 1024


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.pdf", exe_bytes(), "“setup” is not a PDF, JPEG or PNG file. Please upload PDF, JPEG or PNG only."),
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
        ("huge.pdf", pdf_bytes(padding=ELEVEN_MB), "“huge” is 11.0\xa0MB; each file may be at most 10.0\xa0MB."),
        ("bomb.png", bomb_png_bytes(), "“bomb” is too large to process. Please upload a smaller image."),
        ("logo.svg", svg_bytes(), "“logo” is not a PDF, JPEG or PNG file. Please upload PDF, JPEG or PNG only."),
        ("page.pdf", html_bytes(), "“page” is not a PDF, JPEG or PNG file. Please upload PDF, JPEG or PNG only."),
    ],
)
def test_hostile_and_broken_files_are_refused_and_nothing_is_kept(client, name, content, message):
    program = make_phase_one()
    data = individual_form_data(
        program, **_files(document_licence=upload(name, content), other_documents=[upload("extra.pdf", pdf_bytes())])
    )

    response = client.post(URL, data)

    assert response.status_code == 200
    assert response.context["form"].errors == {"document_licence": [message]}
    assert Application.objects.count() == 0
    assert ApplicationDocument.objects.count() == 0
    assert private_files() == []


def test_several_other_documents_are_kept_in_one_input(client):
    program = make_phase_one()
    others = [upload("a.pdf", pdf_bytes()), upload("b.png", png_bytes())]

    client.post(URL, individual_form_data(program, **_files(other_documents=others)))

    assert sorted(ApplicationDocument.objects.values_list("kind", "original_name")) == [
        ("cv", "cv.pdf"),
        ("licence", "licence.png"),
        ("other", "a.pdf"),
        ("other", "b.png"),
    ]


def test_more_than_eight_documents_are_refused(client):
    program = make_phase_one()
    others = [upload(f"extra-{n}.pdf", pdf_bytes()) for n in range(7)]

    response = client.post(URL, individual_form_data(program, **_files(other_documents=others)))

    assert response.context["form"].errors == {
        "other_documents": [
            "An application holds at most 8 documents; you have 9. Please combine some into one PDF or leave some out."
        ]
    }
    assert Application.objects.count() == 0


def test_a_post_without_its_submission_key_is_a_bad_request(client):
    program = make_phase_one()

    response = client.post(URL, individual_form_data(program, submission_key="not-a-uuid", **_files()))

    assert response.status_code == 400
    assert Application.objects.count() == 0


def test_a_double_click_or_resubmitted_post_makes_one_application(client, send_queued, mailoutbox):
    program = make_phase_one()
    data = individual_form_data(program)

    with send_queued():
        first = client.post(URL, {**data, **_files()})
        second = client.post(URL, {**data, **_files()})

    assert (first["Location"], second["Location"]) == ("/apply/received/", "/apply/received/")
    assert Application.objects.count() == 1
    assert ApplicationDocument.objects.count() == 2
    assert len(private_files()) == 2
    assert len(mailoutbox) == 2  # one confirmation and one staff notice, not two of each


def test_the_form_page_queries_do_not_grow_with_the_number_of_programs(client, settings, django_assert_max_num_queries):
    # A real render each time: the test settings switch the form's fragment off (and the programs'
    # new rows are never committed, so a fragment would not see them).
    assert settings.PUBLIC_PAGE_CACHE_SECONDS == 0
    make_phase_one()
    client.get("/")  # warm the cached site settings
    with django_assert_max_num_queries(8) as small:
        html = client.get(SECTION).content.decode()
    assert len(elements(html, "input", name="program")) == 1

    for n in range(10):
        make_phase_one(name=f"Level {n}", slug=f"level-{n}")
    with django_assert_max_num_queries(8) as large:
        html = client.get(SECTION).content.decode()

    assert len(elements(html, "input", name="program")) == 11
    assert len(large) == len(small) > 0


def test_application_posts_are_rate_limited_per_ip(client):
    program = make_phase_one()
    data = {**individual_form_data(program), "email": "not-an-email"}
    for _ in range(30):
        assert client.post(URL, data, REMOTE_ADDR="203.0.113.50").status_code == 200

    response = client.post(URL, data, REMOTE_ADDR="203.0.113.50")

    assert response.status_code == 429
    assert client.post(URL, data, REMOTE_ADDR="203.0.113.51").status_code == 200
