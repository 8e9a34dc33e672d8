"""Each kind's sections are declared once (sections.py): the form, the admin, the status page and the
export all follow the declaration, every field once; and the application fields' own messages."""

import csv
import io
import uuid

import pytest

from apps.certifications import sample
from apps.certifications.models import Application, Kind
from apps.certifications.resources import ApplicationResource
from apps.certifications.sections import (
    MESSAGES,
    all_field_names,
    label,
    questions_of,
    section_of,
    sections_of,
    tasks_of,
)
from apps.certifications.tokens import make_token
from apps.core.roles import REVIEWERS
from tests.factories import (
    individual_files,
    individual_form_data,
    journey_pages,
    make_application,
    make_phase_one,
    make_site_program,
    make_staff,
    site_form_data,
)
from tests.files import pdf_bytes, png_bytes, upload
from tests.html import control_names, elements, text_of
from tests.staff import admin_login

pytestmark = pytest.mark.django_db

KINDS = [Kind.INDIVIDUAL, Kind.SITE]
FORM_URL = {Kind.INDIVIDUAL: "/apply/individual/", Kind.SITE: "/apply/site/"}
DOCUMENT_INPUTS = {
    Kind.INDIVIDUAL: ["document_cv", "document_licence", "document_training_certificate", "other_documents"],
    Kind.SITE: ["document_organisation_chart", "document_letter_of_support", "other_documents"],
}


def site_files():
    return {
        "document_organisation_chart": upload("chart.png", png_bytes()),
        "document_letter_of_support": upload("support.pdf", pdf_bytes()),
    }


DJANGO_DEFAULTS = {
    "This field is required.",
    "Enter a valid email address.",
    "Enter a valid URL.",
    "Enter a whole number.",
}


def _program(kind):
    return make_phase_one() if kind == Kind.INDIVIDUAL else make_site_program()


# The declaration itself


def test_each_kind_declares_its_fields_once_in_order():
    assert [question.name for question in questions_of(Kind.INDIVIDUAL)] == [
        "program",
        "prior_training",
        "full_name",
        "email",
        "phone",
        "country",
        "city",
        "profession",
        "credential_type",
        "credential_number",
        "credential_issuer",
        "employer",
        "works_at",
        "years_of_practice",
        "populations",
        "motivation",
        "heard_about",
        "consent_privacy",
        "list_in_registry",
    ]
    assert [question.name for question in questions_of(Kind.SITE)] == [
        "program",
        "organisation_name",
        "organisation_type",
        "website",
        "staff_to_train",
        "address_line1",
        "address_line2",
        "city",
        "region",
        "postal_code",
        "country",
        "coordinator_name",
        "coordinator_role",
        "email",
        "phone",
        "sponsor_name",
        "sponsor_title",
        "sponsor_email",
        "populations",
        "settings_served",
        "services_description",
        "sustainability_plan",
        "consent_privacy",
        "show_on_map",
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_a_section_is_a_piece_a_page_can_render_on_its_own(kind):
    slugs = [section.slug for section in sections_of(kind)]

    assert len(slugs) == len(set(slugs))
    assert [section.slug for section in sections_of(kind) if section.documents] == ["documents"]
    coordinator = section_of(Kind.SITE, "coordinator")
    assert (coordinator.heading, coordinator.field_names, coordinator.required_fields) == (
        "Site coordinator",
        ["coordinator_name", "coordinator_role", "email", "phone"],
        ["coordinator_name", "coordinator_role", "email", "phone"],
    )
    about_you = section_of(Kind.INDIVIDUAL, "about-you")
    assert about_you.required_fields == ["full_name", "email", "country", "city"]


@pytest.mark.parametrize("kind", KINDS)
def test_what_the_model_requires_is_declared_required_and_every_required_question_has_its_message(kind):
    for question in questions_of(kind):
        field = Application._meta.get_field(question.name)
        # (An unticked checkbox is an answer, "no", unless the question is declared required.)
        if not field.blank and field.get_internal_type() != "BooleanField":
            assert question.required, question.name
        if question.required:
            assert MESSAGES[question.name]["required"].endswith("."), question.name


def test_messages_are_given_for_declared_fields_only():
    assert set(MESSAGES) <= set(all_field_names())


# The form


@pytest.mark.parametrize("kind", KINDS)
def test_each_section_has_its_own_page_with_its_fields_in_order(client, kind):
    program = _program(kind)
    data = individual_form_data(program, **individual_files()) if kind == Kind.INDIVIDUAL else None
    data = data or site_form_data(program, **site_files())

    pages = journey_pages(client, data, kind=kind)

    assert list(pages) == [section.slug for section in tasks_of(kind)] + ["check"]
    every_name = []
    for section in sections_of(kind):
        html = pages["check" if section.declaration else section.slug]
        [(_, names)] = control_names(html, "form", id="application-form")
        fields = [name for name in names if name not in {"csrfmiddlewaretoken", "submission_key"}]
        expected = DOCUMENT_INPUTS[kind] if section.documents else section.field_names
        assert fields == expected
        assert len(elements(html, "input", name="submission_key")) == 1
        if not section.declaration:
            assert text_of(html, "h1") == section.heading
        every_name.extend(fields)
    assert len(every_name) == len(set(every_name))  # each field in exactly one section


def test_the_one_page_form_still_has_one_fieldset_per_section(client):
    # What a page open from before the journey posts: the same form, every section in a fieldset.
    from apps.certifications.forms import APPLICATION_FORMS

    program = make_phase_one()
    form = APPLICATION_FORMS[Kind.INDIVIDUAL](programs=[program])

    assert [fieldset.css_id for fieldset in form.helper.layout] == [s.slug for s in sections_of(Kind.INDIVIDUAL)]


@pytest.mark.parametrize("kind", KINDS)
def test_the_form_says_at_each_required_field_what_to_enter(client, kind):
    _program(kind)

    response = client.post(FORM_URL[kind], {"submission_key": str(uuid.uuid4()), "action": "submit"})

    html = response.content.decode()
    required = [question.name for question in questions_of(kind) if question.required]
    assert {name: list(messages) for name, messages in response.context["form"].errors.items()} == {
        name: [MESSAGES[name]["required"]] for name in required
    }
    for name in required:
        assert text_of(html, "div", id=f"id_{name}_error") == MESSAGES[name]["required"]
    # The error summary lists them in the page's order, each with its link.
    # A radio or checkbox question links to its first choice, any other to its input.
    form = response.context["form"]
    summary = text_of(html, "div", id="form-errors")
    links = [
        attrs["href"]
        for _, attrs, text in elements(html, "a")
        if text and text in summary and attrs.get("href", "").startswith("#id_")
    ]
    assert links == [f"#{form[name].id_for_label or form[name].auto_id + '_0'}" for name in required]
    assert not DJANGO_DEFAULTS & {text for _, _, text in elements(html, "div", class_="invalid-feedback")}


@pytest.mark.parametrize(
    ("kind", "field", "value", "message"),
    [
        (Kind.SITE, "staff_to_train", "0", "Enter the number of staff to be trained: at least 1 staff member."),
        (Kind.INDIVIDUAL, "email", "dana@", "Enter an email address in the correct format, like name@example.org."),
        (Kind.INDIVIDUAL, "country", "ZZ", "Choose a country from the list."),
    ],
)
def test_a_malformed_answer_is_told_what_to_enter_at_its_field(client, kind, field, value, message):
    _program(kind)

    html = client.post(FORM_URL[kind], {"submission_key": str(uuid.uuid4()), field: value}).content.decode()

    assert text_of(html, "div", id=f"id_{field}_error") == message


def test_the_form_words_a_question_its_own_way_only_where_the_declaration_says(client):
    program = make_site_program()

    pages = journey_pages(client, site_form_data(program, **site_files()), kind="site")
    site = "".join(pages.values())

    labels = {attrs["for"]: text for _, attrs, text in elements(site, "label") if "for" in attrs}
    # Declared for the site's form: whose email, and the consent as a sentence.
    assert labels["id_email"] == "Coordinator’s email*"
    assert labels["id_consent_privacy"] == (
        "I have read the privacy notice above and agree to it on behalf of the organisation.*"
    )
    # Everything else is the model's wording.
    assert labels["id_address_line1"] == "Street address*"
    assert labels["id_sponsor_title"] == "Sponsor’s title*"
    assert text_of(site, "div", id="id_staff_to_train_helptext") == (
        "Roughly how many staff will take part in the training."
    )


# The admin


@pytest.mark.parametrize("kind", KINDS)
def test_the_admin_shows_one_fieldset_per_section_with_its_fields_in_order(client, kind):
    admin_login(client, make_staff(role=REVIEWERS))
    application = make_application(status="submitted", program=_program(kind))

    html = client.get(f"/admin/certifications/application/{application.pk}/change/").content.decode()

    headings = [text for _, _, text in elements(html, "h2", class_="fieldset-heading")]
    assert headings == [
        *(section.heading for section in sections_of(kind)),
        "Timeline (what the applicant sees, with their answers)",
    ]
    rows = [
        token.removeprefix("field-")
        for _, attrs, _ in elements(html, "div")
        if "form-row" in attrs.get("class", "").split()
        for token in attrs["class"].split()
        if token.startswith("field-")
    ]
    shown = [row for row in rows if row in {*all_field_names(), "populations_display", "documents_list"}]
    expected = [
        "documents_list" if section.documents else ("populations_display" if name == "populations" else name)
        for section in sections_of(kind)
        for name in (section.field_names or [None])
    ]
    assert shown == expected  # each field once, in its section's order


# The status page


@pytest.mark.parametrize("kind", KINDS)
def test_the_status_page_shows_every_answer_once_under_its_section(client, kind):
    application = make_application(status="submitted", program=_program(kind))

    html = client.get(f"/applications/{make_token(application)}/").content.decode()

    shown = [text for _, _, text in elements(html, "h3", class_="h6 details-section")]
    assert shown == [section.heading for section in sections_of(kind) if not section.documents]
    assert [text for _, _, text in elements(html, "dt")] == [label(q.name) for q in questions_of(kind)]


# The export


def test_the_export_has_one_column_per_field_of_either_kind_after_the_applications_own(client):
    admin_login(client, make_staff(role=REVIEWERS))
    make_application(status="submitted")

    response = client.post(
        "/admin/certifications/application/export/",
        {"format": "0", "resource": "0", **{f"applicationresource_{n}": "on" for n in ApplicationResource.Meta.fields}},
    )

    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header[12:] == [label(name) for name in all_field_names()]
    for kind in KINDS:
        for question in questions_of(kind):
            assert header.count(label(question.name)) == 1, question.name


# Sample data


@pytest.mark.parametrize(("kind", "samples"), [(Kind.INDIVIDUAL, sample.INDIVIDUALS), (Kind.SITE, sample.SITES)])
def test_the_sample_applications_answer_every_required_question_of_their_kind(kind, samples):
    declared = {question.name for question in questions_of(kind)}
    required = {question.name for question in questions_of(kind) if question.required}
    for values in samples:
        answered = set(values) - {"key", "status", "documents"}
        # The consent is given by the loader for every sample.
        assert required - {"consent_privacy"} <= answered, values["key"]
        assert answered <= declared, values["key"]
