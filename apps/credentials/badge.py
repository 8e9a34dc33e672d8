"""The live status badge holders embed on their own pages ("NMT certified | valid until Dec 2028"):
a small SVG built here, with nothing a browser would run or fetch, so any site may show it."""

from datetime import date
from functools import cache
from math import ceil

from django.conf import settings
from django.urls import reverse
from django.utils import dateformat
from django.utils.html import escape
from reportlab.pdfbase.pdfmetrics import stringWidth

from apps.certifications.models import Certificate
from apps.certifications.tokens import verify_url

from .pdf import REGULAR, register_fonts

LABEL = "NMT certified"
HEIGHT = 20
FONT_SIZE = 11
PADDING = 6  # on each side of each half's text
RADIUS = 3
# Each status's colour carries white text at 4.5:1 or better (WCAG AA); the label is the portal's teal.
LABEL_COLOUR = "#0f4c5c"
COLOURS = {
    Certificate.Status.ACTIVE: "#1a7f37",
    Certificate.Status.EXPIRED: "#8a5a00",
    Certificate.Status.REVOKED: "#a51d2d",
    None: "#4b5d66",
}
# Verdana is what such badges are drawn in; Vera (which measures the text) has close metrics, and
# textLength makes whichever font the viewer has take exactly the measured width.
FONT_FAMILY = "Verdana,DejaVu Sans,Bitstream Vera Sans,sans-serif"


def badge_status(certificate, today=None):
    """The right half's words: "valid until Dec 2028", "expired", "revoked", or "not found" for None."""
    if certificate is None:
        return "not found"
    status = certificate.effective_status(today)
    if status == Certificate.Status.ACTIVE:
        return f"valid until {dateformat.format(certificate.expires_on, 'M Y')}"
    return status.label.lower()


def badge_colour(certificate, today=None):
    return COLOURS[certificate.effective_status(today) if certificate is not None else None]


def text_width(text):
    """The width the text takes in the badge, in pixels, rounded up."""
    register_fonts()
    return ceil(stringWidth(text, REGULAR, FONT_SIZE))


@cache
def badge_size():
    """(left half, right half) widths: the right one fits the widest status, so a badge keeps its
    size when the status changes and the width in a pasted <img> stays right."""
    statuses = [badge_status(None), *(label.lower() for label in Certificate.Status.labels)]
    statuses += [f"valid until {dateformat.format(date(2000, month, 1), 'M Y')}" for month in range(1, 13)]
    return text_width(LABEL) + 2 * PADDING, max(map(text_width, statuses)) + 2 * PADDING


def badge_svg(certificate, today=None):
    """The badge for `certificate` (None: the "not found" badge) as SVG text."""
    status_text = badge_status(certificate, today)
    colour = badge_colour(certificate, today)
    left, right = badge_size()
    width = left + right
    label = escape(f"{LABEL}: {status_text}")
    r = RADIUS
    # Two halves drawn as paths with the outer corners rounded: no clipPath, so no id to collide
    # and no reference at all inside the document.
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{HEIGHT}" '
        f'viewBox="0 0 {width} {HEIGHT}" role="img" aria-label="{label}">'
        f"<title>{label}</title>"
        f'<path fill="{LABEL_COLOUR}" d="M{r} 0H{left}V{HEIGHT}H{r}A{r} {r} 0 0 1 0 {HEIGHT - r}'
        f'V{r}A{r} {r} 0 0 1 {r} 0Z"/>'
        f'<path fill="{colour}" d="M{left} 0H{width - r}A{r} {r} 0 0 1 {width} {r}V{HEIGHT - r}'
        f'A{r} {r} 0 0 1 {width - r} {HEIGHT}H{left}Z"/>'
        f'<g fill="#ffffff" text-anchor="middle" font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}">'
        f"{_text(left / 2, LABEL)}{_text(left + right / 2, status_text)}"
        "</g></svg>"
    )


def _text(x, text):
    return (
        f'<text x="{x:g}" y="14" textLength="{text_width(text)}" lengthAdjust="spacingAndGlyphs">{escape(text)}</text>'
    )


def badge_url(certificate):
    return f"{settings.SITE_URL}{reverse('badge', kwargs={'number': certificate.number})}"


def badge_embed_html(certificate):
    """The HTML a holder pastes into their own page: the badge, linking to the verification page.

    A plain (unsafe) str, escaped here: a template showing it for copying escapes it once more, so
    the holder sees the code rather than the badge. The alt text does not name the status: the
    image is live and the pasted text is not, and it must not go on saying "valid" after a revocation."""
    left, right = badge_size()
    alt = f"NMT certificate {certificate.number}: live verification status"
    return (
        f'<a href="{escape(verify_url(certificate))}">'
        f'<img src="{escape(badge_url(certificate))}" alt="{escape(alt)}" width="{left + right}" height="{HEIGHT}">'
        "</a>"
    )
