"""My NMT's CE transcript (/my/ce/): every CE certificate of the person with the hours by credit
type, each one's PDF, all of them as one PDF and as CSV; and the home's CE section."""

import csv
import io
from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.factories import make_person
from tests.html import text_of
from tests.learning.ce_builders import make_ce_certificate, make_ended_registration, make_offer

pytestmark = pytest.mark.django_db

HOLDER = "holder@example.org"


@pytest.fixture
def holder_client(client):
    client.force_login(make_person(HOLDER), backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


def _holders_certificates():
    """Three certificates of the holder (two credit types of one event, then an older event), and one
    of someone else."""
    recent = make_ended_registration(
        name="Dana Whitfield", email=HOLDER, event_overrides={"title": "Regulation before reason"}
    )
    older = make_ended_registration(
        name="Dana Whitfield",
        email="Holder@Example.org",
        ended_at=timezone.now() - timedelta(days=60),
        event_overrides={"title": "=Sensory breaks", "ce_format": ""},
    )
    apa = make_ce_certificate(registration=recent, hours="1.5")
    nbcc = make_ce_certificate(
        registration=recent, offer=make_offer(recent.event, "nbcc", provider_number="NBCC 6178"), hours="1.5"
    )
    old = make_ce_certificate(registration=older, hours="2")
    others = make_ce_certificate(registration=make_ended_registration(email="someone@example.org"))
    return apa, nbcc, old, others


def test_anonymous_visitors_are_sent_to_sign_in(client):
    urls = [
        reverse("accounts:ce-transcript"),
        reverse("accounts:ce-transcript-pdf"),
        reverse("accounts:ce-transcript-csv"),
        reverse("accounts:ce-certificate", kwargs={"number": "NMT-CE-2026-00001-AAAAAA"}),
    ]

    responses = [client.get(url) for url in urls]

    assert [(r.status_code, r["Location"]) for r in responses] == [
        (302, f"/accounts/login/?next={url}") for url in urls
    ]


def test_the_transcript_lists_every_certificate_and_the_hours_by_credit_type(holder_client):
    apa, nbcc, old, others = _holders_certificates()
    revoked = make_ce_certificate(
        registration=make_ended_registration(email=HOLDER), revoked_at=timezone.now(), revoked_reason="Wrong"
    )

    response = holder_client.get(reverse("accounts:ce-transcript"))

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert set(response.context["ce_certificates"]) == {apa, nbcc, old}
    assert response.context["ce_certificates"][-1] == old
    assert text_of(html, "dl", id="ce-totals") == "APA (psychologists) 3.5 hours NBCC (counsellors) 1.5 hours"
    table = text_of(html, "table", id="ce-certificates")
    assert f"=Sensory breaks {old.event_dates} 2 hours APA (psychologists) {old.number} PDF of {old.number}" in table
    assert others.number not in html
    assert revoked.number not in html
    assert reverse("accounts:ce-certificate", kwargs={"number": apa.number}) in html
    assert reverse("accounts:ce-transcript-pdf") in html
    assert reverse("accounts:ce-transcript-csv") in html


def test_without_certificates_the_transcript_says_so(holder_client):
    response = holder_client.get(reverse("accounts:ce-transcript"))

    assert response.context["ce_certificates"] == []
    assert "No CE certificate yet." in text_of(response.content.decode(), "main")


def test_the_csv_has_one_exact_row_per_certificate(holder_client):
    apa, nbcc, old, _ = _holders_certificates()

    response = holder_client.get(reverse("accounts:ce-transcript-csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="nmt-ce-transcript-')
    assert response["Cache-Control"] == "private, no-store"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    issued = timezone.localdate().isoformat()
    provider = "The Neurosequential Network"
    recent = [apa.event_title, apa.event_dates, "live interactive webinar"]
    by_number = {row[0]: row for row in rows[1:]}
    assert rows[0] == [
        "Number",
        "Event",
        "Dates",
        "Format",
        "Credit type",
        "Hours",
        "Provider",
        "Approval number",
        "Issued",
    ]
    assert by_number == {
        apa.number: [apa.number, *recent, "APA (psychologists)", "1.5", provider, "NN-1234", issued],
        nbcc.number: [nbcc.number, *recent, "NBCC (counsellors)", "1.5", provider, "NBCC 6178", issued],
        # A title a spreadsheet would run as a formula is kept as text.
        old.number: [
            old.number,
            "'=Sensory breaks",
            old.event_dates,
            "",
            "APA (psychologists)",
            "2",
            provider,
            "NN-1234",
            issued,
        ],
    }
    assert rows[-1][0] == old.number  # newest training first


def test_the_pdf_holds_the_summary_and_every_certificate(holder_client):
    apa, nbcc, old, others = _holders_certificates()

    response = holder_client.get(reverse("accounts:ce-transcript-pdf"))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="nmt-ce-transcript-')
    reader = PdfReader(BytesIO(response.content))
    assert len(reader.pages) == 1 + 3
    summary = " ".join(reader.pages[0].extract_text().split())
    assert "Dana Whitfield" in summary
    assert [number in summary for number in (apa.number, nbcc.number, old.number, others.number)] == [
        True,
        True,
        True,
        False,
    ]


def test_one_certificate_downloads_as_its_pdf(holder_client):
    apa, *_ = _holders_certificates()

    response = holder_client.get(reverse("accounts:ce-certificate", kwargs={"number": apa.number.lower()}))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{apa.number}.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    reader = PdfReader(BytesIO(response.content))
    assert len(reader.pages) == 1
    assert apa.number in reader.pages[0].extract_text()


def test_another_persons_revoked_or_unknown_certificate_is_a_404(holder_client):
    *_, others = _holders_certificates()
    revoked = make_ce_certificate(
        registration=make_ended_registration(email=HOLDER), revoked_at=timezone.now(), revoked_reason="Wrong"
    )

    numbers = [others.number, revoked.number, "NMT-CE-2026-99999-AAAAAA"]
    responses = [holder_client.get(reverse("accounts:ce-certificate", kwargs={"number": n})) for n in numbers]

    assert [r.status_code for r in responses] == [404, 404, 404]


def test_the_transcript_pdf_of_no_certificate_is_a_404(holder_client):
    assert holder_client.get(reverse("accounts:ce-transcript-pdf")).status_code == 404


@pytest.mark.parametrize("name", ["accounts:ce-transcript", "accounts:ce-transcript-csv", "accounts:ce-transcript-pdf"])
def test_query_count_does_not_grow_with_certificates(holder_client, django_assert_max_num_queries, name):
    _holders_certificates()
    holder_client.get(reverse(name))
    with django_assert_max_num_queries(8) as few:
        holder_client.get(reverse(name))
    for _ in range(4):
        make_ce_certificate(registration=make_ended_registration(email=HOLDER))

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = holder_client.get(reverse(name))

    assert response.status_code == 200


def test_the_home_shows_the_hours_and_the_latest_certificates(holder_client):
    *_, old, _ = _holders_certificates()
    newest = make_ce_certificate(registration=make_ended_registration(email=HOLDER, ended_at=timezone.now()))

    response = holder_client.get(reverse("accounts:home"))

    html = response.content.decode()
    section = text_of(html, "section", **{"aria-labelledby": "ce-heading"})
    assert response.context["ce_certificates"] == [newest, *response.context["ce_certificates"][1:]]
    assert len(response.context["ce_certificates"]) == 3
    assert text_of(html, "p", id="ce-home-totals") == "5 hours APA (psychologists) · 1.5 hours NBCC (counsellors)"
    assert old.number not in html
    assert section.endswith("All your CE certificates (4), and downloads")
    assert reverse("accounts:ce-transcript") in html


def test_the_home_without_certificates_says_so(holder_client):
    html = holder_client.get(reverse("accounts:home")).content.decode()

    section = text_of(html, "section", **{"aria-labelledby": "ce-heading"})
    assert section == "Continuing education No CE certificate yet. About your CE certificates."
