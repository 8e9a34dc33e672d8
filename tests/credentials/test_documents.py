"""The certificate's PDF, its LinkedIn "Add to profile" link and its live status badge."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from apps.certifications import services
from apps.certifications.models import Program
from apps.core.roles import SITE_ADMINISTRATORS
from apps.credentials.badge import badge_embed_html, badge_size
from apps.credentials.linkedin import linkedin_add_url
from apps.credentials.pdf import BOLD, CONTENT_WIDTH, certificate_pdf, fit_text
from tests.factories import make_application, make_certificate, make_program, make_site_certificate, make_staff

pytestmark = pytest.mark.django_db

STATEMENT = "NMT certification attests completed training, not clinical competence."
SVG = "{http://www.w3.org/2000/svg}"
BADGE_URLS = pytest.mark.urls("tests.credentials.badge_test_urls")


def _certificate(**overrides):
    today = timezone.localdate()
    values = {"issued_on": today - timedelta(days=10), "expires_on": today + timedelta(days=720), **overrides}
    program = Program.objects.filter(name="NMT Phase I").first() or make_program(name="NMT Phase I")
    application = make_application(status="approved", program=program)
    return make_certificate(application=application, **values)


def _long_date(value):
    return f"{value.day} {value:%B %Y}"


def _pdf(certificate):
    return PdfReader(BytesIO(certificate_pdf(certificate)))


# PDF


def test_pdf_is_one_page_with_the_holder_number_dates_url_and_statement():
    certificate = _certificate()

    reader = _pdf(certificate)

    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for expected in [
        "NEUROSEQUENTIAL NETWORK",
        "Certificate",
        "Dana Whitfield",
        "NMT Phase I",
        certificate.number,
        _long_date(certificate.issued_on),
        _long_date(certificate.expires_on),
        f"http://127.0.0.1:8000/verify/{certificate.number}/",
        STATEMENT,
    ]:
        assert expected in text
    assert "NOT VALID" not in text


def test_pdf_fonts_are_all_embedded_truetype():
    page = _pdf(_certificate()).pages[0]

    fonts = [font.get_object() for font in page["/Resources"]["/Font"].values()]

    assert len(fonts) == 3  # regular, bold, italic
    assert {font["/Subtype"] for font in fonts} == {"/TrueType"}
    assert all("/FontFile2" in font["/FontDescriptor"].get_object() for font in fonts)


def test_pdf_metadata_names_the_certificate_and_the_issuer():
    certificate = _certificate()

    metadata = _pdf(certificate).metadata

    assert (metadata.title, metadata.author, metadata.subject) == (
        f"Certificate {certificate.number}: Dana Whitfield",
        "Neurosequential Network",
        f"NMT Phase I certificate of Dana Whitfield, valid {_long_date(certificate.issued_on)} "
        f"to {_long_date(certificate.expires_on)}",
    )


@pytest.mark.parametrize(
    "name",
    [("Maximiliana Josephine Alexandra-Wilhelmina " * 4)[:150].strip(), "X" * 150],
    ids=["words", "one-long-word"],
)
def test_pdf_of_a_150_character_name_is_one_page_and_the_name_fits_the_width(name):
    certificate = _certificate(holder_name=name)

    reader = _pdf(certificate)
    size, lines = fit_text(name, BOLD, CONTENT_WIDTH, sizes=(30, 16, 10))

    assert len(reader.pages) == 1
    assert "".join(lines).replace(" ", "") == name.replace(" ", "")
    assert len(lines) <= 3
    assert size >= 10
    assert max(stringWidth(line, BOLD, size) for line in lines) <= CONTENT_WIDTH
    assert certificate.number in reader.pages[0].extract_text()


def test_pdf_of_a_short_name_keeps_the_largest_size_on_one_line():
    assert fit_text("Dana Whitfield", BOLD, CONTENT_WIDTH, sizes=(30, 16, 10)) == (30, ["Dana Whitfield"])


def test_pdf_of_a_site_certificate_is_titled_site_certificate():
    certificate = make_site_certificate()

    text = _pdf(certificate).pages[0].extract_text()

    assert "Site certificate" in text
    assert certificate.holder_name in text


def test_pdf_of_a_revoked_certificate_says_it_is_not_valid():
    certificate = _certificate()
    services.certificate_revoke(certificate=certificate, user=make_staff(role=SITE_ADMINISTRATORS), reason="Fraud.")
    certificate.refresh_from_db()

    text = _pdf(certificate).pages[0].extract_text()

    assert "REVOKED: NOT VALID" in text


# LINKEDIN


def test_linkedin_url_prefills_the_certification_form():
    certificate = _certificate()

    url = linkedin_add_url(certificate)

    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/profile/add")
    assert parse_qs(parts.query) == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": ["NMT Phase I"],
        "organizationName": ["Neurosequential Network"],
        "issueYear": [str(certificate.issued_on.year)],
        "issueMonth": [str(certificate.issued_on.month)],
        "expirationYear": [str(certificate.expires_on.year)],
        "expirationMonth": [str(certificate.expires_on.month)],
        "certUrl": [f"http://127.0.0.1:8000/verify/{certificate.number}/"],
        "certId": [certificate.number],
    }


def test_linkedin_url_names_the_organisation_by_id_once_it_is_set(monkeypatch):
    monkeypatch.setattr("apps.credentials.linkedin.ORGANIZATION_ID", "1337")
    query = parse_qs(urlsplit(linkedin_add_url(_certificate())).query)

    assert (query["organizationId"], "organizationName" in query) == (["1337"], False)


# BADGE


def _svg(response):
    body = response.content.decode()
    root = ET.fromstring(body)  # noqa: S314 - the portal's own SVG, made from fixed text
    return body, root


def _badge_texts(root):
    return {
        "label": root.get("aria-label"),
        "role": root.get("role"),
        "title": root.find(f"{SVG}title").text,
        "texts": [text.text for text in root.iter(f"{SVG}text")],
    }


def _assert_badge_headers(response, status_code):
    assert response.status_code == status_code
    assert {
        header: response[header]
        for header in [
            "Content-Type",
            "Cache-Control",
            "X-Content-Type-Options",
            "Access-Control-Allow-Origin",
            "Content-Security-Policy",
        ]
    } == {
        "Content-Type": "image/svg+xml",
        "Cache-Control": "public, max-age=300",
        "X-Content-Type-Options": "nosniff",
        "Access-Control-Allow-Origin": "*",
        "Content-Security-Policy": "default-src 'none'; style-src 'none'",
    }


def _revoked():
    certificate = _certificate()
    services.certificate_revoke(certificate=certificate, user=make_staff(role=SITE_ADMINISTRATORS), reason="Fraud.")
    return certificate


@BADGE_URLS
@pytest.mark.parametrize(
    ("make", "status_text"),
    [
        (lambda: _certificate(), None),
        (lambda: _certificate(status="expired", expires_on=timezone.localdate() - timedelta(days=5)), "expired"),
        (lambda: _certificate(expires_on=timezone.localdate() - timedelta(days=1)), "expired"),
        (_revoked, "revoked"),
    ],
    ids=["active", "expired", "past-date-not-yet-marked", "revoked"],
)
def test_badge_shows_the_live_status(client, make, status_text):
    certificate = make()
    certificate.refresh_from_db()
    status_text = status_text or f"valid until {certificate.expires_on:%b %Y}"

    response = client.get(f"/verify/{certificate.number}/badge.svg")

    _assert_badge_headers(response, 200)
    body, root = _svg(response)
    assert _badge_texts(root) == {
        "label": f"NMT certified: {status_text}",
        "role": "img",
        "title": f"NMT certified: {status_text}",
        "texts": ["NMT certified", status_text],
    }
    assert ("<script" in body, "style=" in body, "href" in body) == (False, False, False)


@BADGE_URLS
def test_badge_of_an_unknown_number_is_a_not_found_badge_with_404(client):
    _certificate()

    responses = [client.get(f"/verify/{number}/badge.svg") for number in ["NMT-C-2026-99999", "nonsense"]]

    for response in responses:
        _assert_badge_headers(response, 404)
    body, root = _svg(responses[0])
    assert _badge_texts(root)["texts"] == ["NMT certified", "not found"]
    assert responses[0].content == responses[1].content
    assert ("<script" in body, "style=" in body) == (False, False)


@BADGE_URLS
def test_badge_of_a_number_in_lower_case_is_the_certificate_badge(client):
    certificate = _certificate()

    response = client.get(f"/verify/{certificate.number.lower()}/badge.svg")

    assert response.status_code == 200
    assert _badge_texts(_svg(response)[1])["texts"][1].startswith("valid until ")


@BADGE_URLS
def test_badge_keeps_its_size_whatever_the_status(client):
    active = _certificate()
    revoked = _revoked()

    roots = [_svg(client.get(f"/verify/{c.number}/badge.svg"))[1] for c in (active, revoked)]

    width = sum(badge_size())
    assert [(root.get("width"), root.get("height")) for root in roots] == [(str(width), "20")] * 2


@BADGE_URLS
def test_badge_embed_html_links_the_badge_to_the_verification_page(settings):
    settings.SITE_URL = "https://portal.example.org"
    certificate = _certificate()
    number = certificate.number

    html = badge_embed_html(certificate)

    assert html == (
        f'<a href="https://portal.example.org/verify/{number}/">'
        f'<img src="https://portal.example.org/verify/{number}/badge.svg" '
        f'alt="NMT certificate {number}: live verification status" width="{sum(badge_size())}" height="20"></a>'
    )
    assert type(html) is str  # not marked safe: a template showing it for copying escapes it


@BADGE_URLS
def test_badge_embed_html_escapes_the_addresses(settings):
    settings.SITE_URL = 'https://portal.example.org/"><script>'
    certificate = _certificate()

    html = badge_embed_html(certificate)

    assert "<script>" not in html
    assert 'href="https://portal.example.org/&quot;&gt;&lt;script&gt;/verify/' in html


@BADGE_URLS
def test_badge_from_the_page_cache_keeps_its_headers_and_a_revocation_shows_at_once(
    client, page_cache, django_capture_on_commit_callbacks
):
    certificate = _certificate()
    path = f"/verify/{certificate.number}/badge.svg"
    first = client.get(path)

    second = client.get(path)
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_revoke(certificate=certificate, user=make_staff(role=SITE_ADMINISTRATORS), reason="Fraud.")
    third = client.get(path)

    assert [first["X-Page-Cache"], second["X-Page-Cache"], third["X-Page-Cache"]] == ["miss", "hit", "miss"]
    _assert_badge_headers(second, 200)
    assert second["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert second.content == first.content
    assert _badge_texts(_svg(third)[1])["texts"] == ["NMT certified", "revoked"]
