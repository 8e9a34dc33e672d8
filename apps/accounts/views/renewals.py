"""Renewing a certificate from My NMT (/my/certificates/<number>/renew/), the page every reminder
links to: the details prefilled, the attestations, the renewal documents, save or submit."""

import uuid
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.views import View

from apps.certifications.forms.renewals import renewal_form
from apps.certifications.services import ServiceError
from apps.certifications.services.renewals import (
    renewal_draft,
    renewal_draft_save,
    renewal_prefill,
    renewal_refusal,
    renewal_submit,
    renewal_under_way,
)
from apps.certifications.views.common import private_page_with_forms
from apps.core.ratelimits import ratelimit

from ..records import records_of

SAVE_LATER = "later"


@method_decorator(private_page_with_forms, name="dispatch")
@method_decorator(ratelimit(group="accounts:renew", key="user", rate="60/h", method="POST", block=True), name="post")
class RenewView(LoginRequiredMixin, View):
    template_name = "accounts/renew.html"
    http_method_names = ["get", "head", "post"]

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.number = kwargs["number"]

    def get_certificate(self):
        owned = (
            records_of(self.request.user)
            .certificates.select_related("program", "application", "renewed_by")
            .prefetch_related("program__renewal_documents")
        )
        return get_object_or_404(owned, number=self.number)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.certificate = self.get_certificate()
        under_way = renewal_under_way(self.certificate)
        if under_way is not None:
            # The reminder's link, followed after submitting: the renewal's own page says where it stands.
            status = under_way.get_status_display().lower()
            messages.info(request, f"Your renewal of {self.certificate.number} is {status}.")
            return redirect("accounts:application", public_id=under_way.public_id)
        refusal = renewal_refusal(self.certificate)
        if refusal:
            # A form posted after the window closed (or from a stale page) is a conflict; the page says why.
            status = 409 if request.method == "POST" else 200
            return TemplateResponse(
                request, self.template_name, {"certificate": self.certificate, "refusal": refusal}, status=status
            )
        self.draft = renewal_draft(self.certificate)
        return super().dispatch(request, *args, **kwargs)

    def renewal(self):
        return self.draft or renewal_prefill(self.certificate)

    def render(self, form, status=200, **context):
        return TemplateResponse(
            self.request,
            self.template_name,
            {
                "certificate": self.certificate,
                "program": self.certificate.program,
                "form": form,
                "draft": self.draft,
                "submission_key": form["submission_key"].value() or uuid.uuid4(),
                "next_starts_on": self.certificate.expires_on + timedelta(days=1),
                **context,
            },
            status=status,
        )

    def get(self, request, *args, **kwargs):
        renewal = self.renewal()
        return self.render(renewal_form(renewal, initial={"submission_key": renewal.submission_key or uuid.uuid4()}))

    def post(self, request, *args, **kwargs):
        later = request.POST.get("action") == SAVE_LATER
        form = renewal_form(self.renewal(), data=request.POST, files=request.FILES, later=later)
        if not form.is_valid():
            return self.render(form, status=400, files_lost=bool(request.FILES))
        renewal = form.save(commit=False)
        if not renewal.submission_key:
            renewal.submission_key = form.cleaned_data["submission_key"]
        arguments = {
            "application": renewal,
            "attestations": form.attested,
            "documents": form.new_documents,
            "removed": form.documents_to_remove,
        }
        try:
            if later:
                renewal_draft_save(**arguments)
            else:
                renewal = renewal_submit(**arguments)
        except ServiceError as error:
            form.add_error(None, str(error))
            return self.render(form, status=409, files_lost=bool(request.FILES))
        if later:
            messages.success(request, "Your renewal is saved. Continue it here, from My NMT, whenever you like.")
            return redirect("accounts:home")
        messages.success(
            request, f"Thank you: your renewal {renewal.reference} is submitted. We have emailed you a confirmation."
        )
        return redirect("accounts:application", public_id=renewal.public_id)
