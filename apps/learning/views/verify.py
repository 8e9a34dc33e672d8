"""The public verification of a CE certificate (/ce/verify/<number>/): what a licensing board or an
employer checks against the paper. Cached, rate-limited and answered like the NMT certificate's
verification (apps/certifications/views/registry.py), but never indexed: it names a person."""

from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.decorators.cache import cache_control
from django.views.generic import TemplateView

from apps.certifications.views.registry import VERIFY_CACHE_SECONDS, VERIFY_RATE
from apps.core.page_cache import public_page
from apps.core.ratelimits import ratelimit

from ..models import CECertificate
from ..pdf import hours_text

ROBOTS = "noindex"


def find_ce_certificate(number):
    """The CE certificate with this number (any case), or None: one indexed query whatever the input.
    NUL characters, which PostgreSQL refuses in a query, are dropped: no number has them."""
    normalised = (number or "").replace("\x00", "").strip().upper()[:40]
    return CECertificate.objects.filter(number=normalised).first()


# The page cache answers before the rate limit, as a cached answer costs nothing to give.
@public_page()
@method_decorator(ratelimit(key="ip", rate=VERIFY_RATE, method="GET", block=True), name="get")
@method_decorator(cache_control(public=True, max_age=VERIFY_CACHE_SECONDS), name="get")
class VerifyView(TemplateView):
    template_name = "learning/verify.html"
    http_method_names = ["get", "head"]

    def get(self, request, number):
        certificate = find_ce_certificate(number)
        if certificate is None:
            # The same page, word for word, for every unknown or purged number: it never repeats what was typed.
            response = self.response_class(request=request, template="learning/verify_not_found.html", status=404)
        elif certificate.number != number:
            return redirect("learning:verify", number=certificate.number, permanent=True)
        else:
            response = self.render_to_response(
                self.get_context_data(certificate=certificate, hours=hours_text(certificate.hours))
            )
        response["X-Robots-Tag"] = ROBOTS
        return response
