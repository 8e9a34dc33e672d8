"""Public pages of certification (programs, the application forms and drafts, the private status
page, the status lookup, the registry, verification and the printable certificate) and the staff-only
document download."""

import logging
import uuid
from functools import wraps

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.db import IntegrityError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.generic import FormView, ListView, TemplateView, View
from django_ratelimit.decorators import ratelimit

from apps.core.form_cache import CSRF_PLACEHOLDER, cached_form_page, can_use_cached_form

from .filters import RegistryFilterForm
from .forms import (
    IndividualApplicationForm,
    LookupForm,
    RespondForm,
    SiteApplicationForm,
    WithdrawForm,
    normalise_reference,
)
from .models import Application, ApplicationDocument, Certificate, DocumentKind, Kind, Population, Program, Status
from .services import (
    InvalidTransition,
    application_answer,
    application_draft_save,
    application_draft_submit,
    application_status_link_request,
    application_withdraw,
)
from .tokens import (
    DRAFT_MAX_AGE,
    DRAFT_SALT,
    STATUS_MAX_AGE,
    InvalidToken,
    certificate_url,
    make_token,
    read_certificate_token,
    read_token,
    verify_url,
)

logger = logging.getLogger(__name__)

SUBMITTED_SESSION_KEY = "certifications:submitted"
DRAFT_SESSION_KEY = "certifications:draft"
DOCUMENT_PERMISSION = "certifications.view_applicationdocument"


def private_page(view=None, *, referrer_policy="no-referrer"):
    """For pages reached through a private link or showing an applicant's details: never stored by
    a browser or proxy, never indexed, and the secret in the URL never leaves in a Referer header.

    Pages whose own URL holds the secret and that carry POST forms use "strict-origin" instead:
    under "no-referrer" browsers send `Origin: null` with the form, which CSRF protection rightly
    refuses; "strict-origin" still sends no path (so no secret) anywhere, only the site's origin.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response["Referrer-Policy"] = referrer_policy
            response["Cache-Control"] = "private, no-store"
            response["X-Robots-Tag"] = "noindex"
            return response

        return wrapped

    return decorator(view) if view is not None else decorator


private_page_with_forms = private_page(referrer_policy="strict-origin")


def link_problem(request, error, *, draft=False):
    """An expired link gets 410 and the way to a new one; a tampered, unknown or revoked one 404."""
    return TemplateResponse(
        request,
        "certifications/link_problem.html",
        {"expired": error.expired, "draft": draft},
        status=410 if error.expired else 404,
    )


# PROGRAMS


def program_documents(program):
    """What `program` asks for, as (label, required, help text), the CV first for individuals."""
    rows = [(d.get_kind_display(), d.required, d.help_text) for d in program.documents.all() if d.kind != "cv"]
    if program.kind == Kind.INDIVIDUAL:
        cv = next((d for d in program.documents.all() if d.kind == DocumentKind.CV), None)
        rows.insert(0, (DocumentKind.CV.label, True, cv.help_text if cv else ""))
    return sorted(rows, key=lambda row: not row[1])


class ProgramListView(ListView):
    template_name = "certifications/program_list.html"
    context_object_name = "programs"

    def get_queryset(self):
        return Program.objects.open().prefetch_related("documents")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programs = list(context["programs"])
        for program in programs:
            program.document_list = program_documents(program)
        context["individual_programs"] = [p for p in programs if p.kind == Kind.INDIVIDUAL]
        context["site_programs"] = [p for p in programs if p.kind == Kind.SITE]
        return context


# APPLICATION FORMS


FORMS = {Kind.INDIVIDUAL: IndividualApplicationForm, Kind.SITE: SiteApplicationForm}
# Stands in for each visitor's own submission key in the shared, cached copy of the blank form.
BLANK_SUBMISSION_KEY = uuid.UUID("00000000-0000-4000-8000-0000b1a2f0e5")


# Generous for a person correcting errors and saving drafts; a limit on anyone filling storage.
@method_decorator(
    ratelimit(group="certifications:apply", key="ip", rate="30/h", method="POST", block=True), name="post"
)
class ApplyView(FormView):
    """A new application (or, in ResumeView, a saved draft): "Submit" needs everything, "Save and
    continue later" only a valid email. The form's hidden `submission_key` ties every POST to one
    application, so a double click or a resubmitted POST never makes a second one."""

    kind = None
    template_name = "certifications/application_form.html"
    http_method_names = ["get", "head", "post"]
    draft = None

    @cached_property
    def programs(self):
        """Open programs of this kind; loaded only when the page is rendered or a form posted."""
        return list(Program.objects.open().filter(kind=self.kind).prefetch_related("documents"))

    def get_form_class(self):
        return FORMS[self.kind]

    def get(self, request, *args, **kwargs):
        if self.draft is None and can_use_cached_form(request):
            # The shared copy needs no query at all: programs are read only when it is (re)rendered.
            return cached_form_page(
                request,
                key=f"apply:{self.kind}:{request.GET.get('program', '')[:80]}",
                render=self.render_blank_form,
                fresh={str(BLANK_SUBMISSION_KEY): lambda: str(uuid.uuid4())},
            )
        if not self.programs:
            return self.render_closed()
        return super().get(request, *args, **kwargs)

    def render_blank_form(self):
        """The page of a new, empty form with placeholders for the CSRF token and submission key
        (or the "applications closed" page when no program of this kind is open)."""
        if not self.programs:
            return self.render_closed().render().content.decode()
        self.blank_placeholders = True
        context = self.get_context_data(csrf_token=CSRF_PLACEHOLDER)
        return self.response_class(self.request, self.get_template_names(), context).rendered_content

    def post(self, request, *args, **kwargs):
        if not self.programs:
            return self.render_closed()
        try:
            key = uuid.UUID(request.POST.get("submission_key", ""))
        except ValueError as error:
            raise BadRequest("The form is missing its submission key.") from error
        if key == BLANK_SUBMISSION_KEY:
            raise BadRequest("The form's submission key is a placeholder, not a key.")
        existing = Application.objects.filter(submission_key=key).first()
        if existing is not None and existing.kind != self.kind:
            raise BadRequest("The submission key belongs to another form.")
        if existing is not None and (self.draft is None or existing.pk == self.draft.pk):
            if existing.status != Status.DRAFT:
                return self.redirect_for(existing)
            self.draft = existing
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        if getattr(self, "blank_placeholders", False):
            key = BLANK_SUBMISSION_KEY
        else:
            key = self.draft.submission_key if self.draft and self.draft.submission_key else uuid.uuid4()
        initial = {"submission_key": key}
        if self.draft is None:
            slug = self.request.GET.get("program")
            chosen = next((p for p in self.programs if p.slug == slug), None)
            if chosen is None and len(self.programs) == 1:
                chosen = self.programs[0]
            if chosen is not None:
                initial["program"] = chosen.pk
        return initial

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["programs"] = self.programs
        kwargs["instance"] = self.draft
        kwargs["draft"] = self.request.method == "POST" and self.request.POST.get("action") == "draft"
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context.update(
            kind=self.kind,
            resuming=self.draft is not None,
            draft_valid_days=DRAFT_MAX_AGE.days,
            document_requirements=form.document_requirements(),
            files_lost=form.is_bound and bool(form.errors) and bool(self.request.FILES),
        )
        return context

    def form_valid(self, form):
        application = form.instance
        if not application.submission_key:
            application.submission_key = form.cleaned_data["submission_key"]
        save = application_draft_save if form.is_draft else application_draft_submit
        try:
            application = save(application=application, documents=form.new_documents, removed=form.documents_to_remove)
        except IntegrityError:
            # Two requests with the same key raced: the other one made the application.
            existing = Application.objects.filter(submission_key=form.cleaned_data["submission_key"]).first()
            if existing is None:
                raise
            return self.redirect_for(existing)
        except InvalidTransition as error:
            current = Application.objects.filter(pk=application.pk).first() if application.pk else None
            if current is not None and current.status != Status.DRAFT:
                return self.redirect_for(current)  # submitted meanwhile, from another click or tab
            form.add_error(None, str(error))
            return self.form_invalid(form)
        return self.redirect_for(application)

    def redirect_for(self, application):
        """After a POST: the confirmation of a submitted application, or the "draft saved" page.
        The session says which application, so no personal data goes into a URL."""
        if application.status == Status.DRAFT:
            self.request.session[DRAFT_SESSION_KEY] = str(application.public_id)
            return redirect("certifications:apply-saved")
        self.request.session[SUBMITTED_SESSION_KEY] = str(application.public_id)
        return redirect("certifications:apply-received")

    def render_closed(self):
        return TemplateResponse(self.request, "certifications/applications_closed.html", {"kind": self.kind})


class IndividualApplyView(ApplyView):
    kind = Kind.INDIVIDUAL


class SiteApplyView(ApplyView):
    kind = Kind.SITE


@method_decorator(private_page_with_forms, name="dispatch")
class ResumeView(ApplyView):
    """A draft reached through the private link emailed when it was saved."""

    def dispatch(self, request, *args, token, **kwargs):
        try:
            draft = read_token(token, salt=DRAFT_SALT, max_age=DRAFT_MAX_AGE)
        except InvalidToken as error:
            return link_problem(request, error, draft=True)
        if draft.status != Status.DRAFT:
            # Already submitted: the holder of the draft link is the applicant, so show its status.
            return redirect("certifications:status", token=make_token(draft))
        self.draft = draft
        self.kind = draft.kind
        return super().dispatch(request, *args, **kwargs)


@method_decorator(private_page, name="dispatch")
class ApplicationReceivedView(TemplateView):
    """The confirmation after a submission: the reference and what happens next."""

    template_name = "certifications/application_received.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        public_id = self.request.session.get(SUBMITTED_SESSION_KEY)
        context["application"] = (
            Application.objects.submitted().select_related("program").filter(public_id=public_id).first()
            if public_id
            else None
        )
        return context


@method_decorator(private_page, name="dispatch")
class DraftSavedView(TemplateView):
    template_name = "certifications/draft_saved.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        public_id = self.request.session.get(DRAFT_SESSION_KEY)
        draft = (
            Application.objects.filter(status=Status.DRAFT, public_id=public_id).select_related("program").first()
            if public_id
            else None
        )
        context["draft"] = draft
        if draft is not None:
            context["resume_url"] = reverse(
                "certifications:resume", kwargs={"token": make_token(draft, salt=DRAFT_SALT)}
            )
            context["valid_days"] = DRAFT_MAX_AGE.days
        return context


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
                certificate_url=certificate_url(certificate),
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


# STAFF: DOCUMENTS


@require_safe
@login_required
def document_download(request, pk):
    """An applicant's document, for staff with the permission, as an attachment the browser will
    neither sniff nor run."""
    if not (request.user.is_staff and request.user.has_perm(DOCUMENT_PERMISSION)):
        raise PermissionDenied
    document = get_object_or_404(ApplicationDocument.objects.select_related("application"), pk=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        logger.error("Document %s of application %s is missing from storage", document.pk, document.application_id)
        raise Http404("The file is missing from storage.") from error
    logger.info(
        "Document %s of application %s downloaded by user %s", document.pk, document.application_id, request.user.pk
    )
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


# REGISTRY AND VERIFICATION

STATEMENT = "NMT certification attests completed training, not clinical competence."
# Verification answers may be cached briefly by browsers and proxies: a revocation shows within minutes.
VERIFY_CACHE_SECONDS = 300
# Certificate numbers are sequential: a generous limit for people, a slow one for scrapers.
VERIFY_RATE = "60/m"


class RegistryView(ListView):
    """Certified sites, and certified clinicians who agreed to be listed, while their certificate is active."""

    template_name = "certifications/registry.html"
    context_object_name = "certificates"
    paginate_by = 25
    http_method_names = ["get", "head"]

    def get_queryset(self):
        listed = Certificate.objects.active().listed()
        country_codes = listed.order_by("country").values_list("country", flat=True).distinct()
        self.form = RegistryFilterForm(self.request.GET or None, country_codes=list(country_codes))
        return self.form.filter(listed.select_related("program")).order_by("holder_name", "number")

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=self.form, filtered=self.form.has_changed(), **kwargs)


def _find_certificate(number):
    """The certificate with this number (any case), or None. One indexed query whatever the input,
    so an unknown number answers like any other unknown number. NUL characters, which PostgreSQL
    refuses in a query, are dropped: no number has them."""
    normalised = (number or "").replace("\x00", "").strip().upper()[:40]
    return Certificate.objects.select_related("program").filter(number=normalised).first()


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
    }


@method_decorator(ratelimit(key="ip", rate=VERIFY_RATE, method="GET", block=True), name="get")
@method_decorator(cache_control(public=True, max_age=VERIFY_CACHE_SECONDS), name="get")
class VerifyView(TemplateView):
    template_name = "certifications/verify.html"
    http_method_names = ["get", "head"]

    def get(self, request, number):
        certificate = _find_certificate(number)
        if certificate is None:
            raise Http404
        if certificate.number != number:
            return redirect(certificate, permanent=True)
        return self.render_to_response(
            self.get_context_data(certificate=certificate, facts=certificate_facts(certificate))
        )


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

    def get(self, request, token):
        try:
            certificate = read_certificate_token(
                token, queryset=Certificate.objects.select_related("program", "application")
            )
        except InvalidToken as error:
            raise Http404 from error
        url = verify_url(certificate)
        qr = segno.make(url, error="m")
        qr_size = qr.symbol_size(scale=4, border=2)[0]
        response = self.render_to_response(
            self.get_context_data(
                certificate=certificate,
                facts=certificate_facts(certificate),
                verify_url=url,
                qr_data_uri=qr.svg_data_uri(scale=4, border=2, dark="#1b2a41"),
                qr_size=qr_size,
                statement=STATEMENT,
            )
        )
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
