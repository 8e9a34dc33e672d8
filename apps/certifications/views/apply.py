"""The programs page, the start of the two applications, drafts and the pages after a submission."""

import uuid

from django.core.exceptions import BadRequest
from django.db import IntegrityError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.generic import FormView, ListView, TemplateView

from apps.core.page_cache import public_page
from apps.core.ratelimits import ratelimit

from ..forms import APPLICATION_FORMS
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
    SUBMITTED_SESSION_KEY,
    link_problem,
    posted_submission_key,
    private_page,
    private_page_with_forms,
    refused,
)
from .journey import (
    SUBMIT_AGAIN,
    JourneyMixin,
    earlier_application,
    redirect_after,
    remember_draft,
    task_list,
    task_list_url,
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
        return Program.objects.open().prefetch_related("documents", "renewal_documents")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programs = list(context["programs"])
        for program in programs:
            program.document_list = program_documents(program)
            program.renewal_document_list = [
                (d.get_kind_display(), d.required, d.help_text) for d in program.renewal_documents.all()
            ]
        context["individual_programs"] = [p for p in programs if p.kind == Kind.INDIVIDUAL]
        context["site_programs"] = [p for p in programs if p.kind == Kind.SITE]
        context["structured_data"] = programs_schema(programs)
        return context


# APPLICATION FORMS


# Generous for a person correcting errors and saving drafts; a limit on anyone filling storage.
@method_decorator(
    ratelimit(group="certifications:apply", key="ip", rate="30/h", method="POST", block=True), name="post"
)
class ApplyView(JourneyMixin, FormView):
    """/apply/<kind>/: its GET is the journey's task list (views/journey.py).

    Its POST is the whole application in one request, as the one-page form sent it before the
    journey (a page still open from then submits, and the resumed draft's form, ResumeView, too):
    "Submit" needs everything, "Save and continue later" only a valid email. The form's hidden
    `submission_key` ties every POST to one application, so a double click or a resubmitted POST
    never makes a second one. A form with errors renders whole."""

    kind = None
    template_name = "certifications/application_form.html"
    http_method_names = ["get", "head", "post"]
    draft = None

    def get_form_class(self):
        return APPLICATION_FORMS[self.kind]

    def get(self, request, *args, **kwargs):
        return task_list(self)

    def post(self, request, *args, **kwargs):
        if not self.programs:
            return self.render_closed()
        key = posted_submission_key(request)
        existing = Application.objects.filter(submission_key=key).first()
        if existing is not None and existing.kind != self.kind:
            raise BadRequest("The submission key belongs to another form.")
        if existing is not None and (self.draft is None or existing.pk == self.draft.pk):
            if existing.status != Status.DRAFT:
                return redirect_after(request, existing)
            self.draft = existing
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        key = self.draft.submission_key if self.draft and self.draft.submission_key else uuid.uuid4()
        return {"submission_key": key}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["programs"] = self.programs
        kwargs["instance"] = self.draft
        kwargs["draft"] = self.request.POST.get("action") == "draft"
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            kind=self.kind,
            second_confirmed=self.second_confirmed,
            resuming=self.draft is not None,
            draft_valid_days=DRAFT_MAX_AGE.days,
            # Shown with the errors or the warning of a posted form.
            files_lost=bool(self.request.FILES),
            submission_key=context["form"]["submission_key"].value(),
        )
        return context

    @property
    def second_confirmed(self):
        return self.request.POST.get("action") == SUBMIT_AGAIN or self.request.POST.get("second_application") == "yes"

    def form_valid(self, form):
        if not form.is_draft and not self.second_confirmed:
            earlier = earlier_application(self.request, form.cleaned_data["program"].pk, form.cleaned_data["email"])
            if earlier is not None:
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
            return redirect_after(self.request, existing)
        except ServiceError as error:
            current = Application.objects.filter(pk=application.pk).first() if application.pk else None
            if current is not None and current.status != Status.DRAFT:
                return redirect_after(self.request, current)  # submitted meanwhile, from another click or tab
            return refused(self, form, error)
        return redirect_after(self.request, application)


class IndividualApplyView(ApplyView):
    kind = Kind.INDIVIDUAL


class SiteApplyView(ApplyView):
    kind = Kind.SITE


@method_decorator(private_page_with_forms, name="dispatch")
class ResumeView(ApplyView):
    """A draft reached through the private link emailed when it was saved: the link makes it this
    browser's application in progress and opens its task list. (A POST is the one-page form of a
    draft resumed before the journey, still open in a browser.)"""

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

    def get(self, request, *args, **kwargs):
        remember_draft(request, self.draft)
        return redirect(task_list_url(self.kind))

    def head(self, request, *args, **kwargs):
        # A HEAD (a link checker's, a mail scanner's) changes nothing: no session is started.
        return redirect(task_list_url(self.kind))


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
