"""The applicant's private status page and the status lookup."""

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.generic import FormView, TemplateView
from django_ratelimit.decorators import ratelimit

from ..forms import (
    LookupForm,
    RespondForm,
    WithdrawForm,
    normalise_reference,
)
from ..models import Application, Certificate, Kind, Population, Status
from ..services import (
    InvalidTransition,
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
    Status.APPROVED: "Approved",
    Status.REJECTED: "Not approved",
    Status.WITHDRAWN: "Withdrawn",
}


def timeline(events):
    """The applicant's view of the history: what happened, when, and the message meant for them."""
    entries = []
    for event in events:
        title = TIMELINE_TITLES.get(event.to_status, event.get_to_status_display())
        by_applicant = event.actor_id is None and event.to_status in {Status.SUBMITTED, Status.WITHDRAWN}
        if event.from_status == Status.INFO_REQUESTED and event.to_status == Status.SUBMITTED:
            title = "You answered; back in the review queue"
        elif event.from_status in {Status.APPROVED, Status.REJECTED} and event.to_status == Status.IN_REVIEW:
            title = "Decision reopened for review"
        entries.append(
            {"when": event.created_at, "title": title, "message": event.message, "by_applicant": by_applicant}
        )
    return entries


def details(application):
    """The application as the applicant entered it, as (label, value) rows for the status page."""
    populations = ", ".join(Population(p).label for p in application.populations if p in Population.values)
    if application.kind == Kind.INDIVIDUAL:
        credential = ", ".join(
            v for v in [application.credential_type, application.credential_number, application.credential_issuer] if v
        )
        rows = [
            ("Full name", application.full_name),
            ("Email", application.email),
            ("Telephone", application.phone),
            ("Country", application.country.name),
            ("City", application.city),
            ("Profession", application.profession),
            ("Licence or credential", credential),
            ("Employer or organisation", application.employer),
            ("Years of practice", application.years_of_practice),
            ("Populations served", populations),
            ("Prior NMT training", application.prior_training),
            ("Statement of motivation", application.motivation),
            ("Listed in the registry once certified", "Yes" if application.list_in_registry else "No"),
        ]
    else:
        address = ", ".join(
            v
            for v in [
                application.address_line1,
                application.address_line2,
                application.city,
                application.region,
                application.postal_code,
                application.country.name,
            ]
            if v
        )
        rows = [
            ("Organisation", application.organisation_name),
            ("Type", application.get_organisation_type_display()),
            ("Website", application.website),
            ("Address", address),
            ("Staff to be trained", application.staff_to_train),
            ("Populations served", populations),
            ("Settings served", application.settings_served),
            ("Site coordinator", f"{application.coordinator_name}, {application.coordinator_role}"),
            ("Coordinator’s email", application.email),
            ("Coordinator’s telephone", application.phone),
            ("Executive sponsor", ", ".join(v for v in [application.sponsor_name, application.sponsor_title] if v)),
            ("Description of services", application.services_description),
            ("How the NMT will be sustained", application.sustainability_plan),
            ("Shown on the partner map once certified", "Yes" if application.show_on_map else "No"),
        ]
    return [(label, value) for label, value in rows if value not in ("", None)]


@method_decorator(private_page_with_forms, name="dispatch")
class StatusView(TemplateView):
    """The applicant's private page: details, documents, timeline; withdraw, and answer a request."""

    template_name = "certifications/application_status.html"
    http_method_names = ["get", "head", "post"]

    def dispatch(self, request, *args, token, **kwargs):
        try:
            self.application = read_token(token, queryset=Application.objects.select_related("program"))
        except InvalidToken as error:
            return link_problem(request, error)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = self.application
        events = list(application.events.all())
        request_event = next((e for e in reversed(events) if e.to_status == Status.INFO_REQUESTED), None)
        can_respond = application.status == Status.INFO_REQUESTED
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
        except InvalidTransition as error:
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
