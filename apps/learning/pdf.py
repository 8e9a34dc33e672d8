"""CE certificates as PDF: one A4 page per certificate, printed from the certificate's snapshot (never
from the event or the offer, which staff may have edited since), and a transcript of several. The
fonts and the QR code are those of the NMT certificate (apps/credentials/pdf.py)."""

from collections import defaultdict
from decimal import Decimal
from io import BytesIO

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from apps.credentials.pdf import (
    ACCENT,
    BOLD,
    INK,
    ISSUER_LINE,
    ITALIC,
    MUTED,
    REGULAR,
    RULE,
    _qr,
    _wrap,
    draw_centred_lines,
    draw_frame,
    draw_lead,
    fit_text,
    long_date,
    register_fonts,
)

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 56
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
CENTRE = PAGE_WIDTH / 2
LABEL_WIDTH = 118
QR_SIZE = 78
TITLE = "Certificate of Continuing Education"
# The approval statement is printed whole, however long: from this size down until it fits its box.
STATEMENT_SIZES = (10, 3)
STATEMENT_LEADING = 1.3
# What the page keeps below the statement: the signature block, the number and the QR code.
STATEMENT_FLOOR = 262


def verify_url(certificate):
    """The public verification address of a CE certificate, on the configured site."""
    return f"{settings.SITE_URL}{reverse('learning:verify', kwargs={'number': certificate.number})}"


def hours_text(hours):
    """“1 hour”, “1.5 hours”: hours as certificates and pages write them."""
    hours = Decimal(hours)
    number = f"{hours.normalize():f}"
    return f"{number} hour" if hours == 1 else f"{number} hours"


def hours_by_credit_type(certificates):
    """[(credit type, total hours)] of `certificates`, in the order the types first appear."""
    totals = defaultdict(Decimal)
    for certificate in certificates:
        totals[certificate.credit_type] += certificate.hours
    return list(totals.items())


def ce_certificate_pdf(certificate):
    """The CE certificate as PDF bytes: one A4 page, whatever the length of its texts. A revoked
    certificate is not printed (ValueError): the views answer 404 for it."""
    canvas, buffer = _canvas(
        title=f"CE certificate {certificate.number}: {certificate.participant_name}",
        subject=f"{hours_text(certificate.hours)} {certificate.credit_type}, {certificate.event_title}",
    )
    _certificate_page(canvas, certificate)
    canvas.save()
    return buffer.getvalue()


def ce_transcript_pdf(certificates, person_name):
    """A transcript as PDF bytes: a page summarising the hours by credit type, then each
    certificate's own page, in the order given."""
    certificates = list(certificates)
    canvas, buffer = _canvas(
        title=f"CE transcript: {person_name}", subject=f"{len(certificates)} CE certificates of {person_name}"
    )
    _summary_page(canvas, certificates, person_name)
    for certificate in certificates:
        _certificate_page(canvas, certificate)
    canvas.save()
    return buffer.getvalue()


def _canvas(*, title, subject):
    register_fonts()
    buffer = BytesIO()
    # The initial font too: reportlab would otherwise declare Helvetica, a base-14 font it never embeds.
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1, initialFontName=REGULAR)
    canvas.setTitle(title)
    canvas.setSubject(subject)
    canvas.setAuthor("NMT Portal")
    canvas.setCreator("NMT Portal")
    return canvas, buffer


def _certificate_page(canvas, certificate):
    if certificate.is_revoked:
        raise ValueError(f"CE certificate {certificate.number} is revoked: it is not printed.")
    _frame(canvas)
    y = _heading(canvas, certificate.provider_name)
    y = _lead(canvas, y - 36, "This certifies that")
    y = _centred(canvas, y - 8, certificate.participant_name, BOLD, sizes=(24, 14, 10), max_lines=2)
    if certificate.licence_number:
        y = _centred(
            canvas, y - 4, f"Licence number {certificate.licence_number}", REGULAR, sizes=(11, 8, 7), color=MUTED
        )
    y = _lead(canvas, y - 26, "attended")
    y = _centred(canvas, y - 6, certificate.event_title, BOLD, sizes=(16, 11, 9), max_lines=3)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.75)
    canvas.line(MARGIN + 40, y - 14, PAGE_WIDTH - MARGIN - 40, y - 14)
    y = _facts(
        canvas,
        y - 38,
        [
            ("Date" if certificate.event_starts_on == certificate.event_ends_on else "Dates", certificate.event_dates),
            ("Format", certificate.event_format),
            ("Credit", f"{hours_text(certificate.hours)}, {certificate.credit_type}"),
            ("Provider", certificate.provider_name),
            ("Approval number", certificate.provider_number),
        ],
    )
    _statement(canvas, y - 18, certificate.approval_statement)
    _signature(canvas, certificate)
    _verification(canvas, certificate)
    canvas.showPage()


def _summary_page(canvas, certificates, person_name):
    _frame(canvas)
    y = _heading(canvas, certificates[0].provider_name if certificates else "", title="Continuing Education Transcript")
    y = _centred(canvas, y - 34, person_name, BOLD, sizes=(22, 14, 10), max_lines=2)
    count = len(certificates)
    y = _lead(
        canvas,
        y - 22,
        f"{count} CE certificate{'' if count == 1 else 's'}, as of {long_date(timezone.localdate())}",
    )
    totals = [(name, hours_text(total)) for name, total in sorted(hours_by_credit_type(certificates))]
    y = _facts(canvas, y - 40, totals, labels_upper=False)
    _label(canvas, MARGIN, y - 34, "Certificates")
    y -= 52
    column = CONTENT_WIDTH - 150
    for index, certificate in enumerate(certificates):
        if y < 80:
            canvas.setFillColor(MUTED)
            canvas.setFont(ITALIC, 9)
            canvas.drawString(MARGIN, y, f"and {count - index} more: each certificate follows on its own page.")
            break
        line = f"{certificate.event_dates}: {certificate.event_title}"
        size, lines = fit_text(line, REGULAR, column, sizes=(9, 7, 7), max_lines=1)
        canvas.setFillColor(INK)
        canvas.setFont(REGULAR, size)
        canvas.drawString(MARGIN, y, lines[0])
        canvas.setFont(REGULAR, 9)
        canvas.drawRightString(
            PAGE_WIDTH - MARGIN, y, f"{hours_text(certificate.hours)} {certificate.credit_type} · {certificate.number}"
        )
        y -= 14
    canvas.showPage()


def _frame(canvas):
    draw_frame(canvas, PAGE_WIDTH, PAGE_HEIGHT)


def _heading(canvas, provider_name, *, title=TITLE):
    """The provider, the NMT line and the title; returns the title's baseline."""
    y = _centred(canvas, PAGE_HEIGHT - 60, provider_name, BOLD, sizes=(13, 9, 8), max_lines=1, color=ACCENT)
    y = _centred(canvas, y - 2, ISSUER_LINE, REGULAR, sizes=(9.5, 9.5, 9.5), color=MUTED)
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(1)
    canvas.line(CENTRE - 40, y - 10, CENTRE + 40, y - 10)
    return _centred(canvas, y - 22, title, BOLD, sizes=(24, 14, 12), max_lines=1)


def _lead(canvas, y, text):
    return draw_lead(canvas, CENTRE, y, text, size=12)


def _centred(canvas, top, text, font, *, sizes, max_lines=3, color=INK):
    return draw_centred_lines(
        canvas, CENTRE, top, text, font, sizes=sizes, width=CONTENT_WIDTH, max_lines=max_lines, color=color
    )


def _label(canvas, x, y, text, *, upper=True):
    canvas.setFillColor(MUTED)
    canvas.setFont(BOLD, 8 if upper else 10)
    canvas.drawString(x, y, text.upper() if upper else text)


def _facts(canvas, y, facts, *, labels_upper=True):
    """Label and value rows (values wrapped to two lines at most); returns the last baseline."""
    label_width = LABEL_WIDTH if labels_upper else CONTENT_WIDTH / 2
    width = CONTENT_WIDTH - label_width
    for label, value in facts:
        if not value:
            continue
        _label(canvas, MARGIN, y + 1, label, upper=labels_upper)
        size, lines = fit_text(value, REGULAR, width, sizes=(11, 9, 7), max_lines=2)
        canvas.setFillColor(INK)
        canvas.setFont(REGULAR, size)
        for index, line in enumerate(lines):
            canvas.drawString(MARGIN + label_width, y - index * size * 1.25, line)
        y -= (len(lines) - 1) * size * 1.25 + 20
    return y + 20


def _statement(canvas, top, statement):
    """The approval statement exactly as stored, its line breaks kept, in the largest size at which
    it fits between `top` and the signature block."""
    height = top - STATEMENT_FLOOR
    size, lines = statement_lines(statement, height)
    canvas.setFillColor(INK)
    canvas.setFont(REGULAR, size)
    y = top
    for line in lines:
        y -= size * STATEMENT_LEADING
        canvas.drawString(MARGIN, y, line)


def statement_lines(statement, height, width=CONTENT_WIDTH):
    """(size, lines) of the approval statement wrapped to `width` and within `height`."""
    largest, smallest = STATEMENT_SIZES
    size = largest
    while True:
        lines = []
        for paragraph in statement.splitlines() or [""]:
            break_words = any(pdfmetrics.stringWidth(word, REGULAR, size) > width for word in paragraph.split())
            lines.extend(_wrap(paragraph, REGULAR, size, width, break_words=break_words) or [""])
        # Past the smallest readable size a statement of any length still fits, ever smaller.
        if len(lines) * size * STATEMENT_LEADING <= height or size < 1:
            return size, lines
        size = size - 0.5 if size > smallest else size * 0.9


def _signature(canvas, certificate):
    """The issuer's block on the left, the issue date and the number on the right."""
    y = 216
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.75)
    canvas.line(MARGIN, y + 16, MARGIN + 220, y + 16)
    canvas.setFillColor(INK)
    lines = [
        (BOLD, certificate.signatory_name),
        (REGULAR, certificate.signatory_title),
        (REGULAR, certificate.provider_name),
    ]
    for font, text in lines:
        if not text:
            continue
        size, fitted = fit_text(text, font, 240, sizes=(10, 7, 7), max_lines=1)
        canvas.setFont(font, size)
        canvas.drawString(MARGIN, y, fitted[0])
        y -= 14
    right = PAGE_WIDTH - MARGIN
    _label_right(canvas, right, 232, "Issued")
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, 11)
    canvas.drawRightString(right, 216, long_date(timezone.localtime(certificate.issued_at)))
    _label_right(canvas, right, 192, "Certificate number")
    size, _ = fit_text(certificate.number, BOLD, 220, sizes=(11, 7, 7), max_lines=1)
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, size)
    canvas.drawRightString(right, 176, certificate.number)


def _label_right(canvas, x, y, text):
    canvas.setFillColor(MUTED)
    canvas.setFont(BOLD, 8)
    canvas.drawRightString(x, y, text.upper())


def _verification(canvas, certificate):
    """The QR code and the verification address beside it, at the foot of the page."""
    url = verify_url(certificate)
    bottom = 48
    _qr(canvas, url, MARGIN, bottom, QR_SIZE)
    text_x = MARGIN + QR_SIZE + 14
    size, _ = fit_text(url, REGULAR, PAGE_WIDTH - MARGIN - text_x, sizes=(10, 6, 5), max_lines=1)
    canvas.setFillColor(MUTED)
    canvas.setFont(REGULAR, 9)
    canvas.drawString(text_x, bottom + QR_SIZE / 2 + 6, "Verify this CE certificate at")
    canvas.setFillColor(ACCENT)
    canvas.setFont(REGULAR, size)
    canvas.drawString(text_x, bottom + QR_SIZE / 2 - 10, url)
