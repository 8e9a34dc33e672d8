"""The certificate as a one-page PDF for holders to keep, print and send. Its fonts are embedded,
so it looks the same in every reader and printer; its QR code leads to the live verification
page, which is what an employer should trust, not the paper."""

from functools import cache
from io import BytesIO
from pathlib import Path

import reportlab
import segno
from django.utils import dateformat
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from apps.certifications.models import Certificate, Kind
from apps.certifications.tokens import verify_url
from apps.certifications.views.registry import STATEMENT

ISSUER = "Neurosequential Network"
ISSUER_LINE = "Neurosequential Model of Therapeutics (NMT)"

# Bitstream Vera, shipped with reportlab: TrueType, so reportlab embeds a subset of each font used.
# It lacks a few Latin letters (Ś, Ż, Ę, Ő); DejaVu Sans is the same design with wider coverage and
# can replace these files one for one.
FONT_DIR = Path(reportlab.__file__).parent / "fonts"
REGULAR, BOLD, ITALIC = "NMTSans", "NMTSans-Bold", "NMTSans-Italic"
FONT_FILES = {REGULAR: "Vera.ttf", BOLD: "VeraBd.ttf", ITALIC: "VeraIt.ttf"}

# Black on white with one accent, the portal's teal (tokens.css), so it prints well in greyscale.
INK = HexColor("#1c2733")
MUTED = HexColor("#4b5d66")
RULE = HexColor("#d5dee2")
ACCENT = HexColor("#0f4c5c")

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
MARGIN = 72
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
CENTRE = PAGE_WIDTH / 2
QR_SIZE = 96  # points: over 1 mm per module for a verification address, easy for a phone


@cache
def register_fonts():
    """Register the embedded fonts once per process (the badge measures its text with them too)."""
    for name, filename in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))


def long_date(value):
    """Dates as the portal's pages write them: "7 December 2026"."""
    return dateformat.format(value, "j F Y")


def certificate_pdf(certificate):
    """The certificate as PDF bytes: one A4 landscape page, whatever the length of the names."""
    register_fonts()
    buffer = BytesIO()
    # The initial font too: reportlab would otherwise declare Helvetica, a base-14 font it never embeds.
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1, initialFontName=REGULAR)
    title = _title(certificate)
    canvas.setTitle(f"{title} {certificate.number}: {certificate.holder_name}")
    canvas.setAuthor(ISSUER)
    canvas.setSubject(
        f"{certificate.program.name} certificate of {certificate.holder_name}, "
        f"valid {long_date(certificate.issued_on)} to {long_date(certificate.expires_on)}"
    )
    canvas.setCreator("NMT Portal")
    _draw(canvas, certificate, title)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _title(certificate):
    return "Site certificate" if certificate.kind == Kind.SITE else "Certificate"


def _draw(canvas, certificate, title):
    _frame(canvas)
    canvas.setFillColor(ACCENT)
    canvas.setFont(BOLD, 13)
    canvas.drawCentredString(CENTRE, 532, ISSUER.upper(), charSpace=2)
    canvas.setFillColor(MUTED)
    canvas.setFont(REGULAR, 10)
    canvas.drawCentredString(CENTRE, 515, ISSUER_LINE)
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(1)
    canvas.line(CENTRE - 40, 503, CENTRE + 40, 503)

    canvas.setFillColor(INK)
    canvas.setFont(BOLD, 40)
    canvas.drawCentredString(CENTRE, 452, title)

    y = _lead(canvas, 420, "This certifies that")
    y = _centred_lines(canvas, y - 14, certificate.holder_name, BOLD, sizes=(30, 16, 10))
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.75)
    canvas.line(MARGIN + 60, y - 4, PAGE_WIDTH - MARGIN - 60, y - 4)
    y = _lead(canvas, y - 28, "has completed the training requirements of")
    y = _centred_lines(canvas, y - 8, certificate.program.name, BOLD, sizes=(20, 12, 9), max_lines=2)

    y = _facts(canvas, y - 46, certificate)
    status = certificate.effective_status()
    if status != Certificate.Status.ACTIVE:
        _void(canvas, y - 34, f"{status.label}: not valid")
    _verification(canvas, verify_url(certificate))

    canvas.setFillColor(MUTED)
    canvas.setFont(ITALIC, 9)
    canvas.drawCentredString(CENTRE, 40, STATEMENT)


def draw_frame(canvas, width, height):
    """The double border of the portal's certificates, on a page of `width` by `height`."""
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(2)
    canvas.rect(18, 18, width - 36, height - 36)
    canvas.setLineWidth(0.5)
    canvas.rect(24, 24, width - 48, height - 48)


def draw_lead(canvas, centre, y, text, *, size):
    """An italic lead-in line ("This certifies that") centred on `centre`; returns `y`."""
    canvas.setFillColor(MUTED)
    canvas.setFont(ITALIC, size)
    canvas.drawCentredString(centre, y, text)
    return y


def draw_centred_lines(canvas, centre, top, text, font, *, sizes, width, max_lines=3, color=INK):
    """Draw `text` centred on `centre` below `top` at the size `fit_text` chooses; returns the last
    baseline."""
    size, lines = fit_text(text, font, width, sizes=sizes, max_lines=max_lines)
    canvas.setFillColor(color)
    canvas.setFont(font, size)
    y = top
    for line in lines:
        y -= size * 1.2
        canvas.drawCentredString(centre, y, line)
    return y


def _frame(canvas):
    draw_frame(canvas, PAGE_WIDTH, PAGE_HEIGHT)


def _lead(canvas, y, text):
    return draw_lead(canvas, CENTRE, y, text, size=13)


def _centred_lines(canvas, top, text, font, *, sizes, max_lines=3, width=CONTENT_WIDTH):
    return draw_centred_lines(canvas, CENTRE, top, text, font, sizes=sizes, width=width, max_lines=max_lines)


def fit_text(text, font, width, *, sizes, max_lines=3):
    """(size, lines) for `text` within `width`: one line at the largest size from sizes[0] down to
    sizes[1]; else wrapped at spaces into at most `max_lines` lines from sizes[1] down to sizes[2],
    breaking a word only when no size lets it fit whole; else one line shrunk to fit."""
    largest, one_line_floor, floor = sizes
    for size in _steps(largest, one_line_floor):
        if pdfmetrics.stringWidth(text, font, size) <= width:
            return size, [text]
    for break_words in (False, True):
        for size in _steps(one_line_floor, floor):
            lines = _wrap(text, font, size, width, break_words=break_words)
            if len(lines) <= max_lines and all(pdfmetrics.stringWidth(line, font, size) <= width for line in lines):
                return size, lines
    return width / pdfmetrics.stringWidth(text, font, 1), [text]


def _steps(start, stop):
    """Sizes from `start` down to `stop`, by half points."""
    return [start - half / 2 for half in range(int((start - stop) * 2) + 1)]


def _wrap(text, font, size, width, *, break_words):
    """Greedy wrapping at spaces; with `break_words`, a word wider than `width` is cut where it must be."""
    lines = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and pdfmetrics.stringWidth(candidate, font, size) <= width:
            lines[-1] = candidate
            continue
        while break_words and pdfmetrics.stringWidth(word, font, size) > width:
            fits = (n for n in range(len(word) - 1, 0, -1) if pdfmetrics.stringWidth(word[:n], font, size) <= width)
            cut = next(fits, 1)
            lines.append(word[:cut])
            word = word[cut:]
        lines.append(word)
    return lines


def _facts(canvas, y, certificate):
    """Number, issue and expiry dates in three columns; returns the values' baseline."""
    column = CONTENT_WIDTH / 3
    facts = [
        ("Certificate number", certificate.number),
        ("Issued", long_date(certificate.issued_on)),
        ("Valid until", long_date(certificate.expires_on)),
    ]
    for index, (label, value) in enumerate(facts):
        x = MARGIN + column * (index + 0.5)
        canvas.setFillColor(MUTED)
        canvas.setFont(BOLD, 8.5)
        canvas.drawCentredString(x, y, label.upper(), charSpace=1)
        size, _ = fit_text(value, BOLD, column - 16, sizes=(13, 8, 8), max_lines=1)
        canvas.setFillColor(INK)
        canvas.setFont(BOLD, size)
        canvas.drawCentredString(x, y - 18, value)
    return y - 18


def _void(canvas, y, text):
    """An expired or revoked certificate says so on its face, boxed, in ink (it prints in black)."""
    text = text.upper()
    width = pdfmetrics.stringWidth(text, BOLD, 15) + 2 * (len(text) - 1) + 24
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(1.5)
    canvas.rect(CENTRE - width / 2, y - 8, width, 28)
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, 15)
    canvas.drawCentredString(CENTRE, y, text, charSpace=2)


def _verification(canvas, url):
    """The QR code and the address beside it, centred together above the statement."""
    size, _ = fit_text(url, REGULAR, CONTENT_WIDTH - QR_SIZE - 14, sizes=(10, 6, 6), max_lines=1)
    label = "Verify this certificate at"
    text_width = max(pdfmetrics.stringWidth(url, REGULAR, size), pdfmetrics.stringWidth(label, REGULAR, 9))
    left = CENTRE - (QR_SIZE + 14 + text_width) / 2
    bottom = 56
    _qr(canvas, url, left, bottom, QR_SIZE)
    text_x = left + QR_SIZE + 14
    canvas.setFillColor(MUTED)
    canvas.setFont(REGULAR, 9)
    canvas.drawString(text_x, bottom + QR_SIZE / 2 + 6, label)
    canvas.setFillColor(ACCENT)
    canvas.setFont(REGULAR, size)
    canvas.drawString(text_x, bottom + QR_SIZE / 2 - 10, url)


def _qr(canvas, data, x, y, size):
    """The QR code as vector squares: each row's runs of dark modules, in one filled path (one
    path, so no hairline seams between modules in on-screen readers)."""
    rows = list(segno.make(data, error="m").matrix_iter(scale=1, border=0))
    module = size / len(rows)
    path = canvas.beginPath()
    for row_index, row in enumerate(rows):
        top = y + size - (row_index + 1) * module
        start = None
        for column, dark in enumerate([*row, False]):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                path.rect(x + start * module, top, (column - start) * module, module)
                start = None
    canvas.setFillColor(INK)
    canvas.drawPath(path, stroke=0, fill=1)
