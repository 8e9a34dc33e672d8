"""The live status badge at /verify/<number>/badge.svg, for holders to embed on their own pages."""

from django.http import HttpResponse
from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.views.decorators.cache import cache_control
from django.views.decorators.csp import csp_override
from django.views.generic import View

from apps.certifications.views.registry import VERIFY_CACHE_SECONDS, VERIFY_RATE, _find_certificate
from apps.core.page_cache import public_page
from apps.core.ratelimits import ratelimit

from .badge import badge_svg

# For the SVG opened on its own: it needs nothing, and must load nothing.
BADGE_CSP = {"default-src": [CSP.NONE], "style-src": [CSP.NONE]}


# Like the verification JSON: cached briefly (a revocation shows within minutes), and the page cache
# answers before the rate limit; limited like it, or the badge would be a way round its limit.
@public_page()
@method_decorator(ratelimit(key="ip", rate=VERIFY_RATE, method="GET", block=True), name="get")
@method_decorator(cache_control(public=True, max_age=VERIFY_CACHE_SECONDS), name="get")
@method_decorator(csp_override(BADGE_CSP), name="get")
class BadgeView(View):
    """The badge of a number, live; an unknown number gets the "not found" badge with a 404, the
    same for every unknown number. A number in another case is answered as is (no redirect: an
    image should cost one request)."""

    http_method_names = ["get", "head"]

    def get(self, request, number):
        certificate = _find_certificate(number)
        response = HttpResponse(
            badge_svg(certificate), content_type="image/svg+xml", status=404 if certificate is None else 200
        )
        response["X-Content-Type-Options"] = "nosniff"
        # Shown on other sites: as an <img> anywhere, and readable by their scripts.
        response["Access-Control-Allow-Origin"] = "*"
        response["Cross-Origin-Resource-Policy"] = "cross-origin"
        return response
