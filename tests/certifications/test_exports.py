"""CSV and XLSX exports of applications and certificates: columns, filters, escaping and who may export."""

import csv
import io

import openpyxl
import pytest

from apps.certifications.resources import ApplicationResource, CertificateResource
from apps.core.roles import CONTENT_EDITORS, REVIEWERS
from tests.factories import make_application, make_certificate, make_staff
from tests.staff import admin_login

pytestmark = pytest.mark.django_db

APPLICATION_COLUMNS = [
    "Reference",
    "Kind",
    "Type",
    "Renewal of",
    "Audit",
    "Status",
    "Applicant or organisation",
    "Submitted",
    "Decided",
    "Days waiting",
    "Assigned reviewer",
    "Certificate",
    # Every answer of either kind, in the order of sections.py, each once.
    "Program",
    "Prior NMT training",
    "Full name",
    "Email",
    "Telephone",
    "Country",
    "City",
    "Profession",
    "Type of licence or credential",
    "Licence or credential number",
    "Issuing body",
    "Employer or organisation",
    "NMT site you work at",
    "Years of practice",
    "Populations served",
    "Statement of motivation",
    "Heard of the NMT through",
    "Agreed to the privacy notice",
    "Listed in the public registry once certified",
    "Organisation name",
    "Type of organisation",
    "Website",
    "Number of staff to be trained",
    "Street address",
    "Address line 2",
    "State, province or region",
    "Postal code",
    "Coordinator’s name",
    "Coordinator’s role",
    "Sponsor’s name",
    "Sponsor’s title",
    "Sponsor’s email",
    "Settings served",
    "Description of services",
    "How the NMT will be sustained",
    "Shown on the partner map once certified",
]
CERTIFICATE_COLUMNS = [
    "Number",
    "Holder",
    "Kind",
    "Program",
    "Status",
    "Issued",
    "Expires",
    "Revoked",
    "Email",
    "Country",
    "City",
    "Listed in registry",
    "Application",
    "Renews",
]
CSV_FORMAT, XLSX_FORMAT = "0", "1"


def _export(client, url, resource, file_format, query=""):
    prefix = resource.__name__.lower()
    data = {"format": file_format, "resource": "0", **{f"{prefix}_{name}": "on" for name in resource.Meta.fields}}
    return client.post(f"{url}{query}", data)


def _csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _by_column(rows):
    """Each data row as {column: value}."""
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_application_csv_has_the_columns_and_only_the_filtered_rows(client):
    admin_login(client, make_staff(role=REVIEWERS))
    waiting = make_application(status="submitted", full_name="Amira Okafor")
    approved = make_application(status="approved")

    queue = _export(client, "/admin/certifications/application/export/", ApplicationResource, CSV_FORMAT)
    decided = _export(
        client, "/admin/certifications/application/export/", ApplicationResource, CSV_FORMAT, "?status=approved"
    )

    assert queue["Content-Type"].startswith("text/csv")
    rows = _csv_rows(queue)
    assert rows[0] == APPLICATION_COLUMNS
    assert [row[0] for row in rows[1:]] == [waiting.reference]
    row = _by_column(rows)[0]
    assert [row[c] for c in ["Kind", "Program", "Status", "Applicant or organisation", "Email"]] == [
        "Individual",
        waiting.program.name,
        "Submitted",
        "Amira Okafor",
        "dana@example.org",
    ]
    assert row["Country"] == "United States of America"
    assert [row[c] for c in ["Years of practice", "Populations served", "Heard of the NMT through"]] == [
        "8",
        "Children, Families",
        "A colleague",
    ]
    assert [row[c] for c in ["Agreed to the privacy notice", "Listed in the public registry once certified"]] == [
        "Yes",
        "Yes",
    ]
    assert row["Organisation name"] == ""  # a site's answer, empty for an individual
    decided_rows = _csv_rows(decided)
    assert [row[0] for row in decided_rows[1:]] == [approved.reference]
    assert _by_column(decided_rows)[0]["Certificate"] == approved.certificate.number


def test_application_xlsx_export(client):
    admin_login(client, make_staff(role=REVIEWERS))
    application = make_application(status="submitted", kind="site")

    response = _export(client, "/admin/certifications/application/export/", ApplicationResource, XLSX_FORMAT)

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == APPLICATION_COLUMNS
    row = dict(zip(rows[0], rows[1], strict=True))
    assert [row[c] for c in ["Reference", "Kind", "Program", "Status", "Applicant or organisation"]] == [
        application.reference,
        "Site",
        application.program.name,
        "Submitted",
        "Harbor Family Services",
    ]
    assert row["Type of organisation"] == "Clinic"
    assert row["Number of staff to be trained"] == "12"
    assert row["Full name"] is None  # an individual's answer, empty for a site


def test_formulas_in_applicant_text_are_escaped(client):
    admin_login(client, make_staff(role=REVIEWERS))
    make_application(status="submitted", full_name='=HYPERLINK("http://evil.example","click")')

    rows = _csv_rows(_export(client, "/admin/certifications/application/export/", ApplicationResource, CSV_FORMAT))

    # The leading "=" is stripped (IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT), so no spreadsheet evaluates it.
    assert _by_column(rows)[0]["Applicant or organisation"] == 'HYPERLINK("http://evil.example","click")'
    assert _by_column(rows)[0]["Full name"] == 'HYPERLINK("http://evil.example","click")'


def test_selected_applications_export_through_the_action(client):
    admin_login(client, make_staff(role=REVIEWERS))
    chosen = make_application(status="submitted")
    make_application(status="submitted")

    form = client.post(
        "/admin/certifications/application/", {"action": "export_selected", "_selected_action": [chosen.pk]}
    )
    response = client.post(
        "/admin/certifications/application/export/",
        {
            "format": CSV_FORMAT,
            "resource": "0",
            "export_items": [chosen.pk],
            **{f"applicationresource_{name}": "on" for name in ApplicationResource.Meta.fields},
        },
    )

    assert form.status_code == 200
    assert [row[0] for row in _csv_rows(response)[1:]] == [chosen.reference]


def test_certificate_csv_columns(client):
    admin_login(client, make_staff(role=REVIEWERS))
    certificate = make_certificate()

    rows = _csv_rows(_export(client, "/admin/certifications/certificate/export/", CertificateResource, CSV_FORMAT))

    assert rows[0] == CERTIFICATE_COLUMNS
    assert rows[1][:5] == [certificate.number, "Dana Whitfield", "Individual", certificate.program.name, "Active"]
    assert rows[1][11:] == ["yes", certificate.application.reference, ""]


@pytest.mark.parametrize(
    ("url", "resource"),
    [
        ("/admin/certifications/application/export/", ApplicationResource),
        ("/admin/certifications/certificate/export/", CertificateResource),
    ],
)
def test_content_editors_cannot_export(client, url, resource):
    admin_login(client, make_staff(role=CONTENT_EDITORS))
    make_certificate()

    assert client.get(url).status_code == 403
    assert _export(client, url, resource, CSV_FORMAT).status_code == 403


def test_the_export_offers_csv_and_excel_only(client):
    admin_login(client, make_staff(role=REVIEWERS))

    page = client.get("/admin/certifications/application/export/")

    assert [label for _, label in page.context["form"].fields["format"].choices] == ["---", "csv", "xlsx"]


def test_the_queue_export_names_an_answered_request_and_lists_it_first(client):
    admin_login(client, make_staff(role=REVIEWERS))
    waiting = make_application(status="submitted")
    answered = make_application(status="answered")

    rows = _csv_rows(_export(client, "/admin/certifications/application/export/", ApplicationResource, CSV_FORMAT))

    assert [(row["Reference"], row["Status"]) for row in _by_column(rows)] == [
        (answered.reference, "Answer received"),
        (waiting.reference, "Submitted"),
    ]
