"""The person's home (/my/): everything that belongs to their address, each record opened here
without its private link."""

import logging

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from apps.certifications.models import Status
from apps.certifications.views.common import mark_private, private_page, private_page_with_forms
from apps.certifications.views.journey import remember_draft, task_list_url
from apps.certifications.views.registry import CertificateView
from apps.certifications.views.status import StatusView

from ..records import records_of
from ..sites import invitations_for, sites_of
from .ce import ce_certificate_rows, ce_totals

# How many of the person's CE certificates the home lists; /my/ce/ lists them all.
HOME_CE_CERTIFICATES = 3

logger = logging.getLogger(__name__)


# The home carries POST forms (sign out, invitations): its private headers send the origin with them.
@method_decorator(private_page_with_forms, name="dispatch")
class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/home.html"

    def get_context_data(self, **kwargs):
        records = records_of(self.request.user)
        applications = list(records.applications.select_related("program", "renews").order_by("-created_at"))
        certificates = list(
            records.certificates.select_related("program", "renewed_by").order_by("-issued_on", "-number")
        )
        # Each certificate's renewal, from the applications just read: "Renew", "Continue" or where it stands.
        renewals = {}
        for application in sorted(applications, key=lambda a: a.created_at):
            if application.renews_id and application.status not in (Status.WITHDRAWN, Status.REJECTED):
                renewals[application.renews_id] = application
        for certificate in certificates:
            certificate.renewal = renewals.get(certificate.pk)
        registrations = list(records.registrations.select_related("event").order_by("-event__starts_at"))
        ce_certificates = ce_certificate_rows(self.request.user, records=records)
        return super().get_context_data(
            applications=applications,
            certificates=certificates,
            registrations=registrations,
            ce_certificates=ce_certificates[:HOME_CE_CERTIFICATES],
            ce_count=len(ce_certificates),
            ce_totals=ce_totals(ce_certificates),
            documents=list(records.documents.select_related("application").order_by("-uploaded_at")),
            site_memberships=sites_of(self.request.user),
            site_invitations=invitations_for(self.request.user),
            **kwargs,
        )


@method_decorator(private_page_with_forms, name="dispatch")
class MyApplicationView(LoginRequiredMixin, StatusView):
    """The status page of one of the person's own applications, at an address of My NMT."""

    def dispatch(self, request, *args, public_id, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        owned = records_of(request.user).applications.select_related("program", "renews")
        self.application = get_object_or_404(owned.exclude(status=Status.DRAFT), public_id=public_id)
        return TemplateView.dispatch(self, request, *args, **kwargs)


@require_safe
@login_required
def draft_continue(request, public_id):
    """Open one of the person's drafts in the application journey, as its emailed link does."""
    draft = get_object_or_404(
        records_of(request.user).applications.filter(status=Status.DRAFT).select_related("renews"),
        public_id=public_id,
    )
    if draft.is_renewal:
        return redirect("accounts:renew", number=draft.renews.number)
    remember_draft(request, draft)
    return redirect(task_list_url(draft.kind))


@method_decorator(private_page, name="dispatch")
class MyCertificateView(LoginRequiredMixin, CertificateView):
    """The printable certificate of one of the person's own certificates."""

    def download_url(self, name, certificate):
        return reverse(f"credentials:my-{name}", kwargs={"number": certificate.number})

    def get_certificate(self, number):
        owned = records_of(self.request.user).certificates.select_related(
            "program", "application", "renews", "renewed_by"
        )
        return get_object_or_404(owned, number=number)


@require_safe
@login_required
def document_download(request, pk):
    """One of the person's own application documents, as an attachment the browser will neither
    sniff nor run. Anyone else's is a 404, whether or not it exists."""
    document = get_object_or_404(records_of(request.user).documents.select_related("application"), pk=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        logger.error("Document %s of application %s is missing from storage", document.pk, document.application_id)
        raise Http404("The file is missing from storage.") from error
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return mark_private(response)
