"""The public registry, certificate verification and the printable certificate."""

import segno
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import cache_control
from django.views.generic import ListView, TemplateView, View

from apps.core.page_cache import content_cached, public_page
from apps.core.pagination import COUNT_CACHE_SECONDS, list_paginator
from apps.core.ratelimits import ratelimit

from ..filters import RegistryFilterForm
from ..models import Certificate, Program
from ..tokens import (
    InvalidToken,
    read_certificate_token,
    verify_url,
)

# REGISTRY AND VERIFICATION

# What the holder downloads beside the printable certificate, by the names of apps/credentials/urls.py.
CREDENTIAL_DOWNLOADS = ["credential.json", "credential.jwt", "badge.png", "certificate.pdf"]

STATEMENT = "NMT certification attests completed training, not clinical competence."
# Verification answers may be cached briefly by browsers and proxies: a revocation shows within minutes.
VERIFY_CACHE_SECONDS = 300
# New certificate numbers end in six random characters, so walking the numbers finds nothing; the
# older, sequential ones still verify: a generous limit for people, a slow one for whoever walks those.
VERIFY_RATE = "60/m"
# What a registry row shows (templates/certifications/registry.html), and nothing more is read.
REGISTRY_COLUMNS = ["number", "kind", "holder_name", "country", "city", "expires_on", "program__name"]


@public_page(query=["country", "program", "kind", "page"], search="q")
class RegistryView(ListView):
    """Certified sites, and certified clinicians who agreed to be listed, while their certificate is active."""

    template_name = "certifications/registry.html"
    context_object_name = "certificates"
    paginate_by = 25
    http_method_names = ["get", "head"]

    def get_queryset(self):
        listed = Certificate.objects.active().listed().select_related("program").only(*REGISTRY_COLUMNS)
        self.form = RegistryFilterForm(
            self.request.GET or None, country_codes=registry_countries(), programs=registry_programs()
        )
        return self.form.filter(listed).order_by("holder_name", "number")

    def get_paginator(self, queryset, per_page, **kwargs):
        searched = self.form.is_bound and self.form.is_valid() and bool(self.form.cleaned_data.get("q"))
        return list_paginator(queryset, per_page, searched=searched)

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=self.form, filtered=self.form.has_changed(), **kwargs)


def registry_programs():
    """(slug, name) of every program, for the level menu, kept under the content version."""
    return content_cached(
        "registry:programs", lambda: list(Program.objects.values_list("slug", "name")), COUNT_CACHE_SECONDS
    )


def registry_countries():
    """The countries of the listed certificates, for the filter menu: kept under the content version
    and today's date, since reading them means reading every listed certificate."""

    def countries():
        listed = Certificate.objects.active().listed()
        return list(listed.order_by("country").values_list("country", flat=True).distinct())

    return content_cached("registry:countries", countries, COUNT_CACHE_SECONDS, daily=True)


def _find_certificate(number):
    """The certificate with this number (any case), or None. One indexed query whatever the input,
    so an unknown number answers like any other unknown number. NUL characters, which PostgreSQL
    refuses in a query, are dropped: no number has them."""
    normalised = (number or "").replace("\x00", "").strip().upper()[:40]
    certificates = Certificate.objects.select_related("program", "renews", "renewed_by", "renewed_by__renewed_by")
    try:
        # get(), not first(): the number is unique, and first() would order by Meta.ordering,
        # whose compilation across four joins cost more than the query (7 ms of 10 in-process).
        return certificates.get(number=normalised)
    except Certificate.DoesNotExist:
        return None


def certificate_facts(certificate, today=None):
    """What verification shows, page and JSON alike."""
    status = certificate.effective_status(today)
    return {
        "number": certificate.number,
        "status": status.value,
        "valid": status == Certificate.Status.ACTIVE,
        "holder": certificate.holder_name,
        "kind": certificate.kind,
        "program": certificate.program.name,
        "issued_on": certificate.issued_on.isoformat(),
        "expires_on": certificate.expires_on.isoformat(),
        "revoked_on": certificate.revoked_at.date().isoformat() if certificate.revoked_at else None,
        "statement": STATEMENT,
        "verify_url": verify_url(certificate),
        # The line of renewals: the certificate this one renews, and the one that renewed it (the
        # current one, where renewals followed each other), so an old number leads to the current.
        "renews": _link(certificate.renews) if certificate.renews_id else None,
        "renewed_by": _link(certificate.renewed_by) if certificate.is_renewed else None,
        "current": _link(certificate.current_in_line()) if certificate.is_renewed else None,
    }


def _link(certificate):
    return {"number": certificate.number, "verify_url": verify_url(certificate)}


# The page cache answers before the rate limit, as a cached answer costs nothing to give.
@public_page()
@method_decorator(ratelimit(key="ip", rate=VERIFY_RATE, method="GET", block=True), name="get")
@method_decorator(cache_control(public=True, max_age=VERIFY_CACHE_SECONDS), name="get")
class VerifyView(TemplateView):
    template_name = "certifications/verify.html"
    http_method_names = ["get", "head"]

    def get(self, request, number):
        certificate = _find_certificate(number)
        if certificate is None:
            # The same page, word for word, for every unknown number: it never repeats what was typed.
            return self.response_class(request=request, template="certifications/verify_not_found.html", status=404)
        if certificate.number != number:
            return redirect(certificate, permanent=True)
        return self.render_to_response(
            self.get_context_data(certificate=certificate, facts=certificate_facts(certificate))
        )


@public_page()
@method_decorator(ratelimit(key="ip", rate=VERIFY_RATE, method="GET", block=True), name="get")
@method_decorator(cache_control(public=True, max_age=VERIFY_CACHE_SECONDS), name="get")
class VerifyJsonView(View):
    """The verification as JSON, in the shape documented in the README; CORS-open so that
    employers' and registries' pages can check a number from the browser."""

    http_method_names = ["get", "head"]

    def get(self, request, number):
        certificate = _find_certificate(number)
        if certificate is None:
            response = JsonResponse({"error": "not_found", "statement": STATEMENT}, status=404)
        else:
            response = JsonResponse(certificate_facts(certificate))
        response["Access-Control-Allow-Origin"] = "*"
        return response


class VerifyLookupView(View):
    """The "verify a certificate" form (GET ?number=): goes to the number's verification page."""

    http_method_names = ["get", "head"]

    def get(self, request):
        number = (request.GET.get("number") or "").strip().upper()
        if not number or len(number) > 40 or "/" in number:
            return redirect(f"{reverse('certifications:registry')}#verify")
        return redirect("certifications:verify", number=number)


@method_decorator(cache_control(private=True, no_store=True), name="get")
class CertificateView(TemplateView):
    """The holder's printable certificate, reached through the private link emailed on approval."""

    template_name = "certifications/certificate_print.html"
    http_method_names = ["get", "head"]

    def get_certificate(self, token):
        try:
            return read_certificate_token(
                token, queryset=Certificate.objects.select_related("program", "application", "renews", "renewed_by")
            )
        except InvalidToken as error:
            raise Http404 from error

    def download_url(self, name, certificate):
        """Where the holder downloads `name` (credential.json, credential.jwt, badge.png,
        certificate.pdf): beside this page, under the same private link."""
        return reverse(f"credentials:token-{name}", kwargs={"token": self.kwargs["token"]})

    def downloads(self, certificate):
        """The holder's Open Badges credential and its forms (apps/credentials serves them)."""
        return {name.replace(".", "_"): self.download_url(name, certificate) for name in CREDENTIAL_DOWNLOADS}

    def get(self, request, **kwargs):
        certificate = self.get_certificate(**kwargs)
        url = verify_url(certificate)
        qr = segno.make(url, error="m")
        qr_size = qr.symbol_size(scale=4, border=2)[0]
        # Sent "noindex, nofollow" by apps.core.seo (NOINDEX_URL_NAMES), like every private link.
        return self.render_to_response(
            self.get_context_data(
                certificate=certificate,
                facts=certificate_facts(certificate),
                verify_url=url,
                qr_data_uri=qr.svg_data_uri(scale=4, border=2, dark="#1c2733"),
                qr_size=qr_size,
                statement=STATEMENT,
                renew_path=reverse("accounts:renew", kwargs={"number": certificate.number})
                if certificate.can_renew()
                else "",
                downloads=self.downloads(certificate),
            )
        )
