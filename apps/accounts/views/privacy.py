"""Privacy self-service (/my/privacy/): download my data as a ZIP, ask for my data to be erased.
Both act on the signed-in person only; no URL names a record or an address."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from django.views.generic import FormView

from apps.certifications.services import ServiceError
from apps.certifications.views.common import mark_private, private_page_with_forms
from apps.core.ratelimits import ratelimit

from ..forms import ErasureForm
from ..models import ErasureRequest
from ..privacy import CERTIFICATE_RETENTION_YEARS, erasure_open, erasure_request, person_data_export


@method_decorator(private_page_with_forms, name="dispatch")
class PrivacyView(LoginRequiredMixin, FormView):
    """The page of both actions, with the state of an erasure request."""

    template_name = "accounts/privacy/privacy.html"
    form_class = ErasureForm
    http_method_names = ["get", "head", "options"]

    def get_context_data(self, **kwargs):
        user = self.request.user
        last_declined = (
            ErasureRequest.objects.filter(user=user, status=ErasureRequest.Status.DECLINED)
            .order_by("-decided_at")
            .first()
        )
        return super().get_context_data(
            waiting=erasure_open(user=user),
            last_declined=last_declined,
            document_months=settings.DOCUMENT_RETENTION_MONTHS,
            certificate_years=CERTIFICATE_RETENTION_YEARS,
            **kwargs,
        )


class ErasureRequestView(PrivacyView):
    """The erasure request (POST only): a form error comes back at its field on the same page; a
    valid one is recorded for staff to confirm."""

    http_method_names = ["post"]

    def form_valid(self, form):
        try:
            erasure_request(user=self.request.user, reason=form.cleaned_data["reason"])
        except ServiceError as error:
            messages.error(self.request, str(error))
        else:
            messages.success(
                self.request,
                "Your request is with our staff. Nothing is deleted until they confirm it; we will email you then.",
            )
        return redirect("accounts:privacy")


@require_POST
@login_required
@ratelimit(group="accounts:privacy-download", key="user", rate="10/h", method="POST", block=True)
def data_download(request):
    """Everything about the signed-in person, as a ZIP attachment (see `person_data_export`)."""
    archive = person_data_export(user=request.user)
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="nmt-my-data-{timezone.localdate():%Y-%m-%d}.zip"'
    response["X-Content-Type-Options"] = "nosniff"
    return mark_private(response)
