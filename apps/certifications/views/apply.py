"""The programs page, the two application forms, drafts and the pages after a submission."""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import BadRequest
from django.db import IntegrityError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.decorators import method_decorator
from django.utils.functional import SimpleLazyObject, cached_property
from django.views.generic import FormView, ListView, TemplateView

from apps.core.page_cache import content_version, public_page
from apps.core.ratelimits import ratelimit

from ..forms import (
    IndividualApplicationForm,
    SiteApplicationForm,
)
from ..models import Application, DocumentKind, Kind, Program, Status
from ..schema import programs_schema
from ..services import (
    ServiceError,
    application_draft_save,
    application_draft_submit,
)
from ..tokens import (
    DRAFT_MAX_AGE,
    DRAFT_SALT,
    InvalidToken,
    make_token,
    read_token,
)
from .common import (
    DRAFT_SESSION_KEY,
    EARLIER_SESSION_KEY,
    SUBMITTED_SESSION_KEY,
    link_problem,
    private_page,
    private_page_with_forms,
)

# PROGRAMS


def program_documents(program):
    """What `program` asks for, as (label, required, help text), the CV first for individuals."""
    rows = [(d.get_kind_display(), d.required, d.help_text) for d in program.documents.all() if d.kind != "cv"]
    if program.kind == Kind.INDIVIDUAL:
        cv = next((d for d in program.documents.all() if d.kind == DocumentKind.CV), None)
        rows.insert(0, (DocumentKind.CV.label, True, cv.help_text if cv else ""))
    return sorted(rows, key=lambda row: not row[1])


@public_page()
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
        context["structured_data"] = programs_schema(programs)
        return context


# APPLICATION FORMS


FORMS = {Kind.INDIVIDUAL: IndividualApplicationForm, Kind.SITE: SiteApplicationForm}
# The button that confirms a second application for the same program and email.
SUBMIT_AGAIN = "submit-again"


def earlier_key(program_id, email):
    """The session's key for an application: the program and a keyed digest of the email, so the
    session never holds the address itself."""
    digest = salted_hmac("certifications.earlier-application", email.strip().casefold(), algorithm="sha256")
    return f"{program_id}:{digest.hexdigest()}"


# Generous for a person correcting errors and saving drafts; a limit on anyone filling storage.
@method_decorator(
    ratelimit(group="certifications:apply", key="ip", rate="30/h", method="POST", block=True), name="post"
)
class ApplyView(FormView):
    """A new application (or, in ResumeView, a saved draft): "Submit" needs everything, "Save and
    continue later" only a valid email. The form's hidden `submission_key` ties every POST to one
    application, so a double click or a resubmitted POST never makes a second one.

    The blank form is the same for every visitor but for its CSRF token and submission key: the
    template keeps the rest as a `{% cache %}` fragment, under the content version, and the form (with
    the programs it lists) is built only when that fragment is rendered. Drafts and forms with
    errors render whole."""

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
        if self.draft is not None or not settings.PUBLIC_PAGE_CACHE_SECONDS:
            return super().get(request, *args, **kwargs) if self.programs else self.render_closed()
        slugs = self.open_program_slugs()
        if not slugs:
            return self.render_closed()
        context = self.get_context_data(
            form=SimpleLazyObject(self.get_form),
            submission_key=uuid.uuid4(),
            # The fragment's lifetime and key; its program is one that exists, never whatever a link says.
            fragment={
                "seconds": settings.PUBLIC_PAGE_CACHE_SECONDS,
                "program": self.chosen_slug(slugs),
                "version": content_version(),
            },
        )
        return self.render_to_response(context)

    def open_program_slugs(self):
        """The slugs of the open programs of this kind, in order, kept in the cache under the content
        version like the fragment that they key (read from the database only when that is empty)."""
        key = f"apply:open-programs:{self.kind}:{content_version()}"
        return cache.get_or_set(key, lambda: [p.slug for p in self.programs], settings.PUBLIC_PAGE_CACHE_SECONDS)

    def chosen_slug(self, slugs):
        """The program the form starts with: the one named by ?program=, or the only one there is."""
        slug = self.request.GET.get("program")
        return slug if slug in slugs else (slugs[0] if len(slugs) == 1 else "")

    def post(self, request, *args, **kwargs):
        if not self.programs:
            return self.render_closed()
        try:
            key = uuid.UUID(request.POST.get("submission_key", ""))
        except ValueError as error:
            raise BadRequest("The form is missing its submission key.") from error
        existing = Application.objects.filter(submission_key=key).first()
        if existing is not None and existing.kind != self.kind:
            raise BadRequest("The submission key belongs to another form.")
        if existing is not None and (self.draft is None or existing.pk == self.draft.pk):
            if existing.status != Status.DRAFT:
                return self.redirect_for(existing)
            self.draft = existing
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        key = self.draft.submission_key if self.draft and self.draft.submission_key else uuid.uuid4()
        initial = {"submission_key": key}
        if self.draft is None:
            slug = self.chosen_slug([p.slug for p in self.programs])
            chosen = next((p for p in self.programs if p.slug == slug), None)
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
        """What the page needs besides the form; nothing here may build a lazy, blank form."""
        context = super().get_context_data(**kwargs)
        context.update(
            kind=self.kind,
            second_confirmed=self.request.method == "POST" and self.second_confirmed,
            resuming=self.draft is not None,
            draft_valid_days=DRAFT_MAX_AGE.days,
            # Shown with the errors or the warning of a posted form, which then renders whole.
            files_lost=bool(self.request.FILES),
        )
        if "submission_key" not in context:  # a draft, or a posted form: the key it already has
            context["submission_key"] = context["form"]["submission_key"].value()
        return context

    def earlier_application(self, form):
        """The application this browser already submitted for the same program and email, while it
        is still under way (not withdrawn or decided against); None otherwise or once confirmed."""
        if form.is_draft or self.second_confirmed:
            return None
        key = earlier_key(form.cleaned_data["program"].pk, form.cleaned_data["email"])
        public_id = self.request.session.get(EARLIER_SESSION_KEY, {}).get(key)
        if public_id is None:
            return None
        earlier = Application.objects.submitted().select_related("program").filter(public_id=public_id).first()
        if earlier is None or earlier.status in (Status.WITHDRAWN, Status.REJECTED):
            return None
        return earlier

    @property
    def second_confirmed(self):
        return self.request.POST.get("action") == SUBMIT_AGAIN or self.request.POST.get("second_application") == "yes"

    def form_valid(self, form):
        if earlier := self.earlier_application(form):
            # Back and submit again: say so and link to the first; the confirmation page shows it.
            self.request.session[SUBMITTED_SESSION_KEY] = str(earlier.public_id)
            return self.render_to_response(self.get_context_data(form=form, earlier=earlier))
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
        except ServiceError as error:
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
        earlier = self.request.session.get(EARLIER_SESSION_KEY, {})
        earlier[earlier_key(application.program_id, application.email)] = str(application.public_id)
        self.request.session[EARLIER_SESSION_KEY] = earlier
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
