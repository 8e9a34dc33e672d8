"""My NMT: the person's CE certificates (/my/ce/): the transcript page with the hours by credit type,
each certificate's PDF, and all of them as one PDF or a CSV."""

import csv

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from apps.certifications.views.common import private_page
from apps.learning.models import CECertificate
from apps.learning.pdf import ce_certificate_pdf, ce_transcript_pdf, hours_by_credit_type, hours_text
from apps.learning.views.downloads import pdf_response

from ..records import records_of

CSV_HEADER = [
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
# A cell a spreadsheet would read as a formula starts with one of these: it is prefixed with "'".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def ce_certificates_of(user, *, records=None):
    """The person's valid CE certificates, newest event first (one query when read)."""
    registrations = (records or records_of(user)).registrations.values("pk")
    return (
        CECertificate.objects.valid()
        .filter(registration__in=registrations)
        .order_by("-event_starts_on", "-issued_at", "-pk")
    )


def ce_certificate_rows(user, *, records=None):
    """`ce_certificates_of` as a list, each certificate with its `hours_text` for the pages."""
    certificates = list(ce_certificates_of(user, records=records))
    for certificate in certificates:
        certificate.hours_text = hours_text(certificate.hours)
    return certificates


def ce_totals(certificates):
    """[{"credit_type", "hours", "text"}] of `certificates`: what the transcript and the home show."""
    return [
        {"credit_type": name, "hours": total, "text": hours_text(total)}
        for name, total in sorted(hours_by_credit_type(certificates))
    ]


def _person_name(user, certificates):
    """The name the certificates print (the latest one's), else the account's."""
    if certificates:
        return certificates[0].participant_name
    return user.get_full_name() or user.email


@method_decorator(private_page, name="dispatch")
class TranscriptView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/ce/transcript.html"
    http_method_names = ["get", "head"]

    def get_context_data(self, **kwargs):
        certificates = ce_certificate_rows(self.request.user)
        return super().get_context_data(ce_certificates=certificates, ce_totals=ce_totals(certificates), **kwargs)


@require_safe
@login_required
@private_page
def transcript_pdf(request):
    """Every CE certificate of the person in one PDF: the summary page, then each certificate."""
    certificates = list(ce_certificates_of(request.user))
    if not certificates:
        raise Http404("You have no CE certificate yet.")
    content = ce_transcript_pdf(certificates, _person_name(request.user, certificates))
    return pdf_response(content, f"nmt-ce-transcript-{timezone.localdate():%Y-%m-%d}.pdf")


@require_safe
@login_required
@private_page
def transcript_csv(request):
    """Every CE certificate of the person, one row each, for a spreadsheet or a board's form."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="nmt-ce-transcript-{timezone.localdate():%Y-%m-%d}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for certificate in ce_certificates_of(request.user):
        writer.writerow(
            _cell(value)
            for value in (
                certificate.number,
                certificate.event_title,
                certificate.event_dates,
                certificate.event_format,
                certificate.credit_type,
                f"{certificate.hours.normalize():f}",
                certificate.provider_name,
                certificate.provider_number,
                timezone.localtime(certificate.issued_at).date().isoformat(),
            )
        )
    return response


def _cell(value):
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


@require_safe
@login_required
@private_page
def certificate_pdf(request, number):
    """One of the person's own CE certificates; anyone else's, or a revoked one, is a 404."""
    certificate = ce_certificates_of(request.user).filter(number=number.upper()).first()
    if certificate is None:
        raise Http404("No CE certificate of yours has this number.")
    return pdf_response(ce_certificate_pdf(certificate), f"{certificate.number}.pdf")
