"""CE certificate downloads (PDF): the participant's, through their CE link."""

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

from apps.certifications.views.common import private_page

from ..pdf import ce_certificate_pdf
from ..tokens import read_ce_token


def pdf_response(content, filename):
    """PDF bytes as an attachment named `filename`."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
@private_page
def participant_certificate_pdf(request, token, number):
    """One CE certificate of the registration the link is for. A revoked one, another registration's
    or an unknown number is a 404, like a broken link."""
    registration = read_ce_token(token)
    if registration is None:
        raise Http404("This link is not valid.")
    certificate = registration.ce_certificates.valid().filter(number=number.upper()).first()
    if certificate is None:
        raise Http404("No CE certificate of yours has this number.")
    return pdf_response(ce_certificate_pdf(certificate), f"{certificate.number}.pdf")
