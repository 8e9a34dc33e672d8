"""The public status lists, the credential check, and the holder's downloads (the credential, its
JWT, the baked badge, the one-page PDF), each from the private certificate page or from My NMT."""

import json

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt

from apps.accounts.records import records_of
from apps.certifications.models import Certificate
from apps.certifications.tokens import InvalidToken, read_certificate_token
from apps.certifications.views.common import mark_private
from apps.core.ratelimits import ratelimit

from . import baking, status
from .credential import credential_jwt, signed_credential
from .pdf import certificate_pdf
from .verify import MAX_CREDENTIAL_BYTES, check_credential

CHECK_RATE = "30/m"


def _public_json(data, content_type="application/json"):
    response = JsonResponse(data, content_type=content_type, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={status.STATUS_LIST_SECONDS}"
    return response


# STATUS LISTS


@method_decorator(cache_control(public=True, max_age=status.STATUS_LIST_SECONDS), name="get")
class StatusListView(View):
    """`/credentials/status-list/<n>`: the signed Bitstring Status List credential of list n."""

    http_method_names = ["get", "head"]

    def get(self, request, number):
        if number < 1 or number > max(status.list_numbers() or [1]):
            raise Http404("No such status list.")
        return _public_json(status.status_list_credential(number), content_type="application/vc+ld+json")


class RevocationListView(View):
    """`/credentials/revocation-list/`: 1EdTech's Revocation List of the revoked credentials."""

    http_method_names = ["get", "head"]

    def get(self, request):
        return _public_json(status.revocation_list())


# CHECKING A CREDENTIAL


class CredentialCheckForm(forms.Form):
    credential = forms.CharField(
        label="Credential or JWT",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "autocomplete": "off"}),
        help_text="Paste the contents of credential.json or credential.jwt.",
    )
    credential_file = forms.FileField(
        label="Or choose the file",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.jwt,.txt,.png,application/json,image/png"}),
        help_text="credential.json, credential.jwt, or the badge image (PNG) with the credential inside.",
    )

    def clean(self):
        data = super().clean()
        upload = data.get("credential_file")
        if upload is not None:
            if upload.size > MAX_CREDENTIAL_BYTES * 8:
                self.add_error("credential_file", "This file is far larger than any NMT credential.")
                return data
            content = upload.read()
            if content.startswith(b"\x89PNG"):
                text = baking.unbake(content)
                if text is None:
                    self.add_error("credential_file", "This image has no credential baked into it.")
                    return data
            else:
                try:
                    text = content.decode("utf-8")
                except UnicodeDecodeError:
                    self.add_error("credential_file", "This file is not a credential: choose a .json or .jwt file.")
                    return data
            data["credential"] = text
        if not (data.get("credential") or "").strip() and not self.errors:
            self.add_error("credential", "Paste a credential or choose its file.")
        return data


@method_decorator(ratelimit(key="ip", rate=CHECK_RATE, method="POST", block=True), name="post")
class CredentialCheckView(View):
    """`/verify/credential/`: paste or upload a credential; the answer in plain language."""

    template_name = "credentials/check.html"
    http_method_names = ["get", "head", "post"]

    def get(self, request):
        return TemplateResponse(request, self.template_name, {"form": CredentialCheckForm()})

    def post(self, request):
        form = CredentialCheckForm(request.POST, request.FILES)
        if not form.is_valid():
            return TemplateResponse(request, self.template_name, {"form": form}, status=400)
        result = check_credential(form.cleaned_data["credential"])
        return TemplateResponse(request, self.template_name, {"form": form, "result": result})


@method_decorator(csrf_exempt, name="dispatch")  # a machine's POST of a credential changes nothing
@method_decorator(ratelimit(key="ip", rate=CHECK_RATE, method="POST", block=True), name="post")
class CredentialCheckJsonView(View):
    """`/verify/credential.json`: POST the credential (JSON or JWT) as the body; the check as JSON."""

    http_method_names = ["post", "options"]

    def post(self, request):
        if len(request.body) > MAX_CREDENTIAL_BYTES:
            return JsonResponse({"error": "too_large"}, status=413)
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError:
            return JsonResponse({"error": "not_text"}, status=400)
        response = JsonResponse(check_credential(text).as_json())
        response["Access-Control-Allow-Origin"] = "*"
        response["Cache-Control"] = "no-store"
        return response

    def options(self, request, *args, **kwargs):
        response = HttpResponse(status=204)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Allow-Methods"] = "POST"
        response["Access-Control-Allow-Headers"] = "Content-Type"
        return response


# THE HOLDER'S DOWNLOADS

DOWNLOADS = {
    "credential.json": "application/ld+json",
    "credential.jwt": "application/vc+jwt",
    "badge.png": "image/png",
    "certificate.pdf": "application/pdf",
}


def download(certificate, name):
    """One of the holder's files, as an attachment named after the certificate."""
    if name == "credential.json":
        body = json.dumps(signed_credential(certificate), indent=2, ensure_ascii=False).encode()
    elif name == "credential.jwt":
        body = credential_jwt(certificate).encode()
    elif name == "badge.png":
        image = baking.badge_image(title=certificate.program.name, subtitle=f"until {certificate.expires_on:%b %Y}")
        body = baking.bake(image, json.dumps(signed_credential(certificate), ensure_ascii=False))
    else:
        body = certificate_pdf(certificate)
    response = HttpResponse(body, content_type=DOWNLOADS[name])
    stem, _, extension = name.partition(".")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}-{stem}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return mark_private(response)


CERTIFICATES = Certificate.objects.select_related("program", "application")


class TokenDownloadView(View):
    """A download from the private certificate link (the token of the approval email)."""

    http_method_names = ["get", "head"]

    def get(self, request, token, name):
        try:
            certificate = read_certificate_token(token, queryset=CERTIFICATES)
        except InvalidToken as error:
            raise Http404 from error
        return download(certificate, name)


class MyDownloadView(LoginRequiredMixin, View):
    """A download of one of the signed-in person's own certificates (My NMT)."""

    http_method_names = ["get", "head"]

    def get(self, request, number, name):
        owned = records_of(request.user).certificates.select_related("program", "application")
        return download(get_object_or_404(owned, number=number), name)
