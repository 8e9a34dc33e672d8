"""The site application form, end to end with real files."""

import pytest
from django.utils import timezone

from apps.certifications.models import Application, ApplicationDocument, Status
from tests.factories import (
    individual_form_data,
    journey_pages,
    make_phase_one,
    make_site_program,
    private_files,
    site_form_data,
)
from tests.files import bomb_png_bytes, encrypted_pdf_bytes, exe_bytes, pdf_bytes, png_bytes, upload
from tests.html import elements, labels

pytestmark = pytest.mark.django_db

URL = "/apply/site/"
YEAR = timezone.localdate().year


def _files(**overrides):
    files = {
        "document_organisation_chart": upload("chart.png", png_bytes()),
        "document_letter_of_support": upload("support.pdf", pdf_bytes()),
    }
    files.update(overrides)
    return {k: v for k, v in files.items() if v is not None}


def test_each_site_section_page_renders_its_fields(client):
    program = make_site_program(order=10)
    make_site_program(name="NME Site Certification (education)", slug="nme-site", order=20)
    make_phase_one()

    pages = journey_pages(client, site_form_data(program, **_files()), kind="site")

    assert [text for html in pages.values() for _, _, text in elements(html, "h1")] == [
        "Program",
        "Organisation",
        "Address",
        "Site coordinator",
        "Executive sponsor",
        "Services",
        "Documents",
        "Check your answers before submitting your application",
    ]
    assert [text for html in pages.values() for _, _, text in elements(html, "legend")] == [
        "Certification*",
        "Populations served*",
    ]
    found = {k: v for html in pages.values() for k, v in labels(html).items()}
    html = "".join(pages.values())
    assert found["id_program_0"] == "NMT Site Certification"
    assert found["id_program_1"] == "NME Site Certification (education)"
    assert "id_program_2" not in found  # the individual program is not offered here
    assert found["id_organisation_type"] == "Type of organisation*"
    assert found["id_email"] == "Coordinator’s email*"
    assert found["id_sponsor_email"] == "Sponsor’s email"
    assert found["id_document_organisation_chart"] == "Organisation chart"
    assert found["id_document_letter_of_support"] == "Letter of support from leadership"
    assert "id_document_cv" not in found
    assert found["id_show_on_map"] == "Show the site on the public partner map once it is certified."
    assert [text for _, _, text in elements(html, "option")][:7] == [
        "Choose a type",
        "Clinic",
        "School",
        "Residential",
        "Child welfare",
        "Hospital",
        "Other",
    ]
    assert elements(html, "input", name="address_line1")[0][1]["autocomplete"] == "address-line1"
    assert elements(html, "input", name="postal_code")[0][1]["autocomplete"] == "postal-code"
    assert elements(html, "input", name="organisation_name")[0][1]["autocomplete"] == "organization"


def test_valid_site_application_is_submitted_with_an_s_reference(client, send_queued, mailoutbox):
    program = make_site_program()

    with send_queued():
        response = client.post(URL, site_form_data(program, **_files()))

    assert response["Location"] == "/apply/received/"
    application = Application.objects.get()
    assert (application.kind, application.status, application.reference) == (
        "site",
        Status.SUBMITTED,
        f"NMT-S-{YEAR}-00001",
    )
    assert (application.organisation_name, application.organisation_type, application.staff_to_train) == (
        "Harbor Family Services",
        "clinic",
        12,
    )
    assert (application.coordinator_name, application.email, application.sponsor_name) == (
        "Sam Ortiz",
        "sam@harbor.example.org",
        "Riley Chen",
    )
    assert application.populations == ["children", "adolescents"]
    assert application.show_on_map is True
    assert application.full_name == ""
    assert sorted(ApplicationDocument.objects.values_list("kind", "content_type")) == [
        ("letter_of_support", "application/pdf"),
        ("organisation_chart", "image/png"),
    ]
    subjects = sorted(m.subject for m in mailoutbox)
    assert subjects == [
        f"Application NMT-S-{YEAR}-00001 received",
        f"New application NMT-S-{YEAR}-00001: Harbor Family Services (NMT Site Certification)",
    ]


def test_individual_and_site_references_are_numbered_separately(client):
    site = make_site_program()
    individual = make_phase_one()

    client.post(URL, site_form_data(site, **_files()))
    client.post(
        "/apply/individual/",
        individual_form_data(
            individual,
            document_cv=upload("cv.pdf", pdf_bytes()),
            document_licence=upload("licence.pdf", pdf_bytes()),
        ),
    )

    assert sorted(Application.objects.values_list("reference", flat=True)) == [
        f"NMT-I-{YEAR}-00001",
        f"NMT-S-{YEAR}-00001",
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("organisation_name", "", "Enter the organisation’s name."),
        ("organisation_type", "", "Choose the type of organisation."),
        ("organisation_type", "castle", "Choose one of the options listed."),
        ("website", "not a url", "Enter the website address in the correct format, like https://www.example.org."),
        ("staff_to_train", "", "Enter the number of staff to be trained."),
        ("staff_to_train", "0", "Enter the number of staff to be trained: at least 1 staff member."),
        ("staff_to_train", "a dozen", "Enter the number of staff to be trained as a whole number, like 12."),
        ("address_line1", "", "Enter the street address."),
        ("city", "", "Enter the city or town."),
        ("country", "", "Choose a country."),
        ("coordinator_name", "", "Enter the site coordinator’s name."),
        ("email", "", "Enter an email address."),
        ("email", "sam-at-harbor", "Enter an email address in the correct format, like name@example.org."),
        ("phone", "", "Enter a telephone number."),
        ("sponsor_name", "", "Enter the executive sponsor’s name."),
        ("sponsor_title", "", "Enter the sponsor’s title."),
        ("sponsor_email", "riley", "Enter an email address in the correct format, like name@example.org."),
        ("populations", None, "Choose at least one population served."),
        ("sustainability_plan", "", "Enter how the NMT will be sustained at the site."),
        ("settings_served", "", "Enter the settings the site serves."),
        ("consent_privacy", None, "Tick the box to agree to the privacy notice."),
    ],
)
def test_invalid_site_input_is_refused_at_the_field_and_nothing_is_lost(client, field, value, message):
    program = make_site_program()

    response = client.post(URL, site_form_data(program, **{field: value}, **_files()))

    assert response.context["form"].errors == {field: [message]}
    html = response.content.decode()
    kept = {"postal_code": "77001", "region": "Texas", "coordinator_role": "Clinical director"}
    for name, value in kept.items():
        assert elements(html, "input", name=name)[0][1]["value"] == value
    assert "Outpatient therapy for children and families." in html
    assert Application.objects.count() == 0
    assert private_files() == []


def test_site_documents_the_program_requires_must_be_chosen(client):
    program = make_site_program()

    response = client.post(URL, site_form_data(program, **_files(document_letter_of_support=None)))

    assert response.context["form"].errors == {
        "document_letter_of_support": ["NMT Site Certification asks for this document. Please choose a file."]
    }


@pytest.mark.parametrize(
    ("content", "code"),
    [(exe_bytes(), "file_type"), (encrypted_pdf_bytes(), "pdf_encrypted"), (bomb_png_bytes(), "image_too_many_pixels")],
)
def test_hostile_site_documents_are_refused_and_nothing_is_kept(client, content, code):
    program = make_site_program()

    response = client.post(
        URL, site_form_data(program, **_files(document_organisation_chart=upload("chart.pdf", content)))
    )

    assert [e.code for e in response.context["form"].errors.as_data()["document_organisation_chart"]] == [code]
    assert Application.objects.count() == 0
    assert private_files() == []


def test_a_key_of_an_individual_draft_cannot_turn_it_into_a_site_application(client):
    from tests.factories import make_application

    draft = make_application(status=Status.DRAFT, program=make_phase_one(), submission_key="0" * 32)
    program = make_site_program()

    response = client.post(URL, site_form_data(program, submission_key=str(draft.submission_key), **_files()))

    assert response.status_code == 400
    draft.refresh_from_db()
    assert (draft.kind, draft.organisation_name) == ("individual", "")
