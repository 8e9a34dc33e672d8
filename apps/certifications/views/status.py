"""The applicant's private status page and the status lookup."""

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.generic import FormView, TemplateView

from apps.core.ratelimits import ratelimit

from ..forms import (
    LookupForm,
    RespondForm,
    WithdrawForm,
    normalise_reference,
)
from ..lifecycle import ANSWER, LIFECYCLE
from ..models import Application, Certificate, Status
from ..sections import answer, label, renewal_sections_of, sections_of
from ..services import (
    ServiceError,
    application_answer,
    application_status_link_request,
    application_withdraw,
)
from ..tokens import (
    STATUS_MAX_AGE,
    InvalidToken,
    certificate_path,
    read_token,
)
from .common import (
    link_problem,
    private_page_with_forms,
)
from .registry import certificate_facts

# THE PRIVATE STATUS PAGE

TIMELINE_TITLES = {
    Status.SUBMITTED: "Application submitted",
    Status.IN_REVIEW: "Review started",
    Status.INFO_REQUESTED: "We asked for more information",
    Status.ANSWERED: "You answered; back in the review queue",
    Status.APPROVED: "Approved",
    Status.REJECTED: "Not approved",
    Status.WITHDRAWN: "Withdrawn",
}
# Steps titled by where they came from as well (an answer given before the "answered" status
# existed went straight back to "submitted").
TIMELINE_STEP_TITLES = {
    (Status.INFO_REQUESTED, Status.SUBMITTED): "You answered; back in the review queue",
    (Status.ANSWERED, Status.IN_REVIEW): "Review resumed with your answer",
    (Status.APPROVED, Status.IN_REVIEW): "Decision reopened for review",
    (Status.REJECTED, Status.IN_REVIEW): "Decision reopened for review",
}
# What the applicant's own actions lead to (no staff member acted).
APPLICANT_TARGETS = {action.target for action in LIFECYCLE.values() if not action.by_staff}


def timeline(events):
    """The applicant's view of the history: what happened, when, and the message meant for them."""
    entries = []
    for event in events:
        title = TIMELINE_STEP_TITLES.get(
            (event.from_status, event.to_status),
            TIMELINE_TITLES.get(event.to_status, event.get_to_status_display()),
        )
        by_applicant = event.actor_id is None and event.to_status in APPLICANT_TARGETS
        entries.append(
            {"when": event.created_at, "title": title, "message": event.message, "by_applicant": by_applicant}
        )
    return entries


def details(application):
    """The application as the applicant entered it, section by section as sections.py declares it:
    [(section, [(field name, label, answer)])]. Documents are listed apart, so their section is not."""
    sections = renewal_sections_of(application.kind) if application.is_renewal else sections_of(application.kind)
    return [
        (section, [(name, label(name), answer(application, name)) for name in section.field_names])
        for section in sections
        if not section.documents
    ]


@method_decorator(private_page_with_forms, name="dispatch")
class StatusView(TemplateView):
    """The applicant's private page: details, documents, timeline; withdraw, and answer a request."""

    template_name = "certifications/application_status.html"
    http_method_names = ["get", "head", "post"]

    def dispatch(self, request, *args, token, **kwargs):
        try:
            self.application = read_token(token, queryset=Application.objects.select_related("program", "renews"))
        except InvalidToken as error:
            return link_problem(request, error)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = self.application
        events = list(application.events.all())
        request_event = next((e for e in reversed(events) if e.to_status == Status.INFO_REQUESTED), None)
        can_respond = ANSWER.allows(application.status)
        context.update(
            application=application,
            details=details(application),
            documents=list(application.documents.all()),
            timeline=timeline(events),
            request_message=request_event.message if can_respond and request_event else "",
            can_withdraw=application.can_withdraw,
            can_respond=can_respond,
            link_valid_days=STATUS_MAX_AGE.days,
        )
        certificate = Certificate.objects.filter(application=application).select_related("program").first()
        if certificate is not None:
            # An approved applicant (a site especially) follows its certification here too.
            context.update(
                certificate=certificate,
                certificate_facts=certificate_facts(certificate),
                certificate_url=certificate_path(certificate),
            )
        if application.can_withdraw:
            context.setdefault("withdraw_form", WithdrawForm())
        if can_respond:
            context.setdefault("respond_form", RespondForm(application=application))
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action == "withdraw":
            form = WithdrawForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(withdraw_form=form))
            return self._act(
                application_withdraw, "Your application has been withdrawn.", message=form.cleaned_data["reason"]
            )
        if action == "respond":
            form = RespondForm(request.POST, request.FILES, application=self.application)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(respond_form=form, files_lost=bool(request.FILES)))
            return self._act(
                application_answer,
                "Thank you: your answer is with the reviewers, and the application is back in the queue.",
                message=form.cleaned_data["message"],
                documents=form.new_documents,
            )
        raise BadRequest("Unknown action.")

    def _act(self, service, success, **kwargs):
        try:
            service(application=self.application, **kwargs)
        except ServiceError as error:
            messages.error(self.request, str(error))
        else:
            messages.success(self.request, success)
        return redirect(self.request.path)


# STATUS LOOKUP


def reference_key(group, request):
    """Rate-limit key: the reference asked about, however it was typed."""
    return normalise_reference(request.POST.get("reference", ""))[:40]


@method_decorator(
    ratelimit(group="certifications:lookup-ip", key="ip", rate="20/h", method="POST", block=True), name="post"
)
@method_decorator(
    ratelimit(group="certifications:lookup-reference", key=reference_key, rate="5/h", method="POST", block=True),
    name="post",
)
class LookupView(FormView):
    """Reference + email by POST; the same answer whether or not they match (the worker decides)."""

    template_name = "certifications/lookup.html"
    form_class = LookupForm
    http_method_names = ["get", "head", "post"]

    def form_valid(self, form):
        application_status_link_request(reference=form.cleaned_data["reference"], email=form.cleaned_data["email"])
        return redirect("certifications:lookup-sent")


class LookupSentView(TemplateView):
    template_name = "certifications/lookup_sent.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(link_valid_days=STATUS_MAX_AGE.days, **kwargs)
