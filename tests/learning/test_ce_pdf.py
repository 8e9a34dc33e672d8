"""The CE certificate as a one-page PDF (issue 16): every word of its snapshot, the signature block,
the verification address; and the transcript of several."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.signing import Signer
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from apps.learning.models import CECertificate, CERecord, CreditAward, CreditOffer, EvaluationResponse
from apps.learning.pdf import ce_certificate_pdf, ce_transcript_pdf, hours_text
from apps.learning.release import release_if_complete
from tests.learning.ce_builders import APA, make_ce_certificate, make_ended_registration, make_offer

pytestmark = pytest.mark.django_db


def _reader(content):
    return PdfReader(BytesIO(content))


def _words(text):
    """Text with its line breaks and runs of spaces as single spaces: wrapped lines read as one."""
    return " ".join(text.split())


def _certificate(**overrides):
    registration = make_ended_registration(name="Dana Whitfield")
    values = {"licence_number": "PSY 12345", "event_title": "Case-based training: regulation before reason"}
    values.update(overrides)
    return make_ce_certificate(registration=registration, **values)


def test_the_certificate_is_one_page_with_every_word_it_must_print():
    certificate = _certificate()

    reader = _reader(ce_certificate_pdf(certificate))

    assert len(reader.pages) == 1
    text = _words(reader.pages[0].extract_text())
    for expected in [
        "Certificate of Continuing Education",
        "Dana Whitfield",
        "Licence number PSY 12345",
        "Case-based training: regulation before reason",
        certificate.event_dates,
        "live interactive webinar",
        "1.5 hours, APA (psychologists)",
        "The Neurosequential Network",
        "NN-1234",
        _words(APA),
        "Dr Ada Lovelace",
        "Director of Continuing Education",
        certificate.number,
        f"http://127.0.0.1:8000/ce/verify/{certificate.number}/",
    ]:
        assert expected in text


def test_the_certificate_prints_what_was_issued_not_what_the_offer_says_now():
    certificate = _certificate()
    CreditOffer.objects.filter(pk=certificate.offer_id).update(provider_number="CHANGED-99", approval_statement="New")

    text = _words(_reader(ce_certificate_pdf(certificate)).pages[0].extract_text())

    assert "NN-1234" in text
    assert "CHANGED-99" not in text


def test_without_a_licence_number_the_certificate_prints_no_licence_line():
    text = _reader(ce_certificate_pdf(_certificate(licence_number=""))).pages[0].extract_text()

    assert "Licence number" not in text


def test_the_fonts_are_all_embedded_truetype():
    page = _reader(ce_certificate_pdf(_certificate())).pages[0]

    fonts = [font.get_object() for font in page["/Resources"]["/Font"].values()]

    assert {font["/Subtype"] for font in fonts} == {"/TrueType"}
    assert all("/FontFile2" in font["/FontDescriptor"].get_object() for font in fonts)


@pytest.mark.parametrize("paragraphs", [12, 60])
def test_a_very_long_approval_statement_is_printed_whole_on_the_one_page(paragraphs):
    statement = "\n".join(f"{n}. {APA}" for n in range(1, paragraphs + 1))
    certificate = _certificate(approval_statement=statement, event_title="A title " * 24)

    reader = _reader(ce_certificate_pdf(certificate))

    assert len(reader.pages) == 1
    text = _words(reader.pages[0].extract_text())
    assert f"{paragraphs}. {_words(APA)}" in text
    assert certificate.number in text


def test_a_revoked_certificate_is_not_printed():
    certificate = _certificate(revoked_at=timezone.now(), revoked_reason="Attendance record corrected")

    with pytest.raises(ValueError, match="revoked"):
        ce_certificate_pdf(certificate)


def test_a_certificate_issued_by_release_prints_its_snapshot(settings):
    registration = make_ended_registration(name="Sam Ortiz")
    offer = make_offer(registration.event, "aswb", provider_number="ACE 1765", approval_statement="Approved, ASWB.")
    CreditAward.objects.create(registration=registration, offer=offer, minutes_attended=90, hours=1, reason="ok")
    CERecord.objects.create(registration=registration, licence_number="LCSW 777")
    EvaluationResponse.objects.create(registration=registration)

    [certificate] = release_if_complete(registration)

    text = _words(_reader(ce_certificate_pdf(certificate)).pages[0].extract_text())
    for expected in [
        "Sam Ortiz",
        "Licence number LCSW 777",
        registration.event.title,
        "1 hour, ASWB ACE (social workers)",
    ]:
        assert expected in text
    assert "ACE 1765 " in text or text.endswith("ACE 1765")


def test_the_transcript_is_a_summary_page_then_each_certificate():
    registration = make_ended_registration(name="Dana Whitfield")
    apa = make_ce_certificate(registration=registration, hours="1.5")
    nbcc = make_ce_certificate(
        registration=registration, offer=make_offer(registration.event, "nbcc", provider_number="NBCC 6178")
    )
    later = make_ce_certificate(registration=make_ended_registration(), hours="2")
    certificates = list(CECertificate.objects.filter(pk__in=[apa.pk, nbcc.pk, later.pk]).order_by("pk"))

    reader = _reader(ce_transcript_pdf(certificates, "Dana Whitfield"))

    assert len(reader.pages) == 1 + 3
    summary = _words(reader.pages[0].extract_text())
    assert "Continuing Education Transcript" in summary
    assert "Dana Whitfield" in summary
    assert "APA (psychologists) 3.5 hours" in summary
    assert "NBCC (counsellors) 1.5 hours" in summary
    pages = [_words(page.extract_text()) for page in reader.pages[1:]]
    assert [c.number in page for c, page in zip(certificates, pages, strict=True)] == [True, True, True]
    assert [c.number in summary for c in certificates] == [True, True, True]


@pytest.mark.parametrize(
    ("hours", "text"), [(Decimal("1.0"), "1 hour"), (Decimal("1.5"), "1.5 hours"), (Decimal("10.0"), "10 hours")]
)
def test_hours_read_as_people_write_them(hours, text):
    assert hours_text(hours) == text


# THE PARTICIPANT'S DOWNLOAD, THROUGH THEIR CE LINK


def _participant_url(registration, number):
    token = Signer(salt="learning.ce-link").sign(registration.public_id.hex)
    return reverse("learning:participant-certificate", kwargs={"token": token, "number": number})


def test_the_participant_downloads_their_certificate_through_their_link(client):
    certificate = _certificate()

    response = client.get(_participant_url(certificate.registration, certificate.number))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{certificate.number}.pdf"'
    assert (response["Cache-Control"], response["Referrer-Policy"]) == ("private, no-store", "no-referrer")
    assert certificate.number in _reader(response.content).pages[0].extract_text()


def test_the_link_downloads_no_other_registrations_no_revoked_and_no_forged_certificate(client):
    certificate = _certificate()
    others = _certificate()
    revoked = make_ce_certificate(
        registration=certificate.registration,
        offer=make_offer(certificate.registration.event, "nbcc"),
        revoked_at=timezone.now(),
        revoked_reason="Attendance record corrected",
    )
    forged = reverse(
        "learning:participant-certificate",
        kwargs={"token": f"{certificate.registration.public_id.hex}:forged", "number": certificate.number},
    )

    responses = [
        client.get(_participant_url(certificate.registration, others.number)),
        client.get(_participant_url(certificate.registration, revoked.number)),
        client.get(forged),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
