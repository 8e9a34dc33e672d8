"""The application as a journey: the task list, one page per section, "check your answers" and the
submission. The draft in progress is named only by the session (or the signed resume link that
puts it there), never by a URL."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import BadRequest
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.decorators import method_decorator
from django.utils.functional import SimpleLazyObject, cached_property
from django.views.generic import FormView

from apps.core.page_cache import content_version
from apps.core.ratelimits import ratelimit

from ..journey import State, answers, next_task, section_form, tasks
from ..models import Application, Kind, Program, Status
from ..sections import declaration_of, tasks_of
from ..services import ServiceError, application_draft_save, application_draft_submit
from ..tokens import DRAFT_MAX_AGE
from .common import (
    DRAFT_SESSION_KEY,
    EARLIER_SESSION_KEY,
    JOURNEY_SESSION_KEY,
    SUBMITTED_SESSION_KEY,
    mark_private,
    posted_submission_key,
    private_page_with_forms,
    refused,
)

# The button that confirms a second application for the same program and email.
SUBMIT_AGAIN = "submit-again"
# Where a section's page returns after saving, when the check page sent the applicant there.
RETURN_TO_CHECK = "check"


def earlier_key(program_id, email):
    """The session's key for an application: the program and a keyed digest of the email, so the
    session never holds the address itself."""
    digest = salted_hmac("certifications.earlier-application", email.strip().casefold(), algorithm="sha256")
    return f"{program_id}:{digest.hexdigest()}"


def earlier_application(request, program_id, email):
    """The application this browser already submitted for the same program and email, while it is
    still under way (not withdrawn or decided against); None otherwise."""
    public_id = request.session.get(EARLIER_SESSION_KEY, {}).get(earlier_key(program_id, email))
    if public_id is None:
        return None
    earlier = Application.objects.submitted().select_related("program").filter(public_id=public_id).first()
    if earlier is None or earlier.status in (Status.WITHDRAWN, Status.REJECTED):
        return None
    return earlier


def redirect_after(request, application):
    """After a POST that saved or submitted: the confirmation of a submitted application, or the
    "draft saved" page. The session says which application, so no personal data goes into a URL."""
    if application.status == Status.DRAFT:
        request.session[DRAFT_SESSION_KEY] = str(application.public_id)
        return redirect("certifications:apply-saved")
    request.session[SUBMITTED_SESSION_KEY] = str(application.public_id)
    earlier = request.session.get(EARLIER_SESSION_KEY, {})
    earlier[earlier_key(application.program_id, application.email)] = str(application.public_id)
    request.session[EARLIER_SESSION_KEY] = earlier
    journey = request.session.get(JOURNEY_SESSION_KEY, {})
    if journey.pop(application.kind, None) is not None:
        request.session[JOURNEY_SESSION_KEY] = journey
    return redirect("certifications:apply-received")


def remember_draft(request, draft):
    """Make `draft` the application in progress of its kind in this browser."""
    journey = request.session.get(JOURNEY_SESSION_KEY, {})
    journey[draft.kind] = str(draft.public_id)
    request.session[JOURNEY_SESSION_KEY] = journey


def task_list_url(kind):
    return reverse(f"certifications:apply-{kind}")


def section_url(kind, slug):
    return reverse("certifications:apply-section", kwargs={"kind": kind, "section": slug})


def check_url(kind):
    return reverse("certifications:apply-check", kwargs={"kind": kind})


class JourneyMixin:
    """What every page of the journey knows: its kind, the open programs and this browser's draft."""

    kind = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if "kind" in kwargs:
            if kwargs["kind"] not in Kind.values:
                raise Http404("No such application.")
            self.kind = kwargs["kind"]

    @cached_property
    def programs(self):
        """Open programs of this kind; loaded only when a page needs them."""
        return list(Program.objects.open().filter(kind=self.kind).prefetch_related("documents"))

    def open_program_slugs(self):
        """The slugs of the open programs of this kind, in order, kept in the cache under the content
        version (read from the database only when that is empty)."""
        key = f"apply:open-programs:{self.kind}:{content_version()}"
        return cache.get_or_set(key, lambda: [p.slug for p in self.programs], settings.PUBLIC_PAGE_CACHE_SECONDS)

    def chosen_slug(self, slugs):
        """The program the journey starts with: the one named by ?program=, or the only one there is."""
        slug = self.request.GET.get("program")
        return slug if slug in slugs else (slugs[0] if len(slugs) == 1 else "")

    @cached_property
    def journey_draft(self):
        """The draft this browser is working on for this kind, with its program and documents; None
        before the first section is saved (or once it is submitted)."""
        public_id = self.request.session.get(JOURNEY_SESSION_KEY, {}).get(self.kind)
        if public_id is None:
            return None
        return (
            Application.objects.filter(status=Status.DRAFT, kind=self.kind, public_id=public_id)
            .select_related("program")
            .prefetch_related("documents")
            .first()
        )

    def tasks(self):
        draft = self.journey_draft
        return tasks(self.kind, draft=draft, programs=self.programs if draft else [])

    def render_closed(self):
        return TemplateResponse(self.request, "certifications/applications_closed.html", {"kind": self.kind})


def task_list(view):
    """The start of the journey (the GET of /apply/<kind>/): each section with its state.

    Without a draft it is the same for every visitor and costs no query (the open programs come from
    the cache); with one it is the applicant's own, and private."""
    slugs = view.open_program_slugs()
    if not slugs:
        return view.render_closed()
    draft = view.journey_draft
    task_list_ = view.tasks()
    first = task_list_[0].section.slug
    program = view.chosen_slug(slugs) if draft is None else ""
    context = {
        "kind": view.kind,
        "draft": draft,
        "tasks": [(task, section_url(view.kind, task.section.slug)) for task in task_list_],
        "start_url": section_url(view.kind, first) + (f"?program={program}" if program else ""),
        "completed": sum(task.state == State.COMPLETED for task in task_list_),
        "can_check": all(task.state == State.COMPLETED for task in task_list_),
        "check_url": check_url(view.kind),
        "draft_valid_days": DRAFT_MAX_AGE.days,
    }
    response = TemplateResponse(view.request, "certifications/application_tasks.html", context)
    return mark_private(response) if draft is not None else response


# Every step saves: generous for a person going through the sections and correcting them, a limit
# on anyone filling storage.
step_ratelimit = method_decorator(
    ratelimit(group="certifications:apply-step", key="ip", rate="120/h", method="POST", block=True), name="post"
)


@method_decorator(private_page_with_forms, name="dispatch")
@step_ratelimit
class SectionView(JourneyMixin, FormView):
    """One section's page: its questions only, "Save and continue" (the section's checks, field by
    field) or "Save and come back later" (only the shape of what is typed). Each saves the draft;
    the first saved section creates it. The private link is emailed when the draft first has an
    email address (or a new one), and whenever the applicant saves to come back later.

    The blank first page is the same for every visitor but for its CSRF token and submission key: the
    template keeps the rest as a `{% cache %}` fragment, as the one-page form did."""

    template_name = "certifications/application_section.html"
    http_method_names = ["get", "head", "post"]

    def dispatch(self, request, *args, section, **kwargs):
        self.section = next((s for s in tasks_of(self.kind) if s.slug == section), None)
        if self.section is None:
            raise Http404("No such section.")
        self.draft = self.journey_draft
        if self.draft is None and self.section != tasks_of(self.kind)[0]:
            return redirect(task_list_url(self.kind))  # the program comes first: it decides the rest
        return super().dispatch(request, *args, **kwargs)

    @property
    def is_blank(self):
        return self.draft is None and self.request.method in ("GET", "HEAD")

    def get(self, request, *args, **kwargs):
        if self.is_blank and settings.PUBLIC_PAGE_CACHE_SECONDS:
            slugs = self.open_program_slugs()
            if not slugs:
                return self.render_closed()
            context = self.get_context_data(
                form=SimpleLazyObject(self.get_form),
                submission_key=uuid.uuid4(),
                fragment={
                    "seconds": settings.PUBLIC_PAGE_CACHE_SECONDS,
                    "program": self.chosen_slug(slugs),
                    "version": content_version(),
                },
            )
            return self.render_to_response(context)
        if not self.programs:
            return self.render_closed()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.programs:
            return self.render_closed()
        key = posted_submission_key(request)
        if self.draft is None:
            # A double click on the first section, or its POST resent: the draft it made.
            existing = Application.objects.filter(submission_key=key).first()
            if existing is not None and existing.kind != self.kind:
                raise BadRequest("The submission key belongs to another form.")
            if existing is not None and existing.status != Status.DRAFT:
                return redirect_after(request, existing)
            self.draft = existing
        return super().post(request, *args, **kwargs)

    @property
    def later(self):
        return self.request.method == "POST" and self.request.POST.get("action") == "later"

    @property
    def returns_to_check(self):
        return (self.request.POST if self.request.method == "POST" else self.request.GET).get(
            "return"
        ) == RETURN_TO_CHECK

    def get_form(self, form_class=None):
        return section_form(
            self.kind,
            self.section,
            programs=self.programs,
            draft=self.draft,
            later=self.later,
            **self.get_form_kwargs(),
        )

    def get_form_kwargs(self):
        kwargs = {"initial": self.get_initial(), "prefix": None}
        if self.request.method == "POST":
            kwargs.update(data=self.request.POST, files=self.request.FILES)
        return kwargs

    def get_initial(self):
        key = self.draft.submission_key if self.draft and self.draft.submission_key else uuid.uuid4()
        initial = {"submission_key": key}
        if self.draft is None:
            slug = self.chosen_slug([p.slug for p in self.programs])
            chosen = next((p for p in self.programs if p.slug == slug), None)
            if chosen is not None:
                initial["program"] = chosen.pk
        return initial

    def get_context_data(self, **kwargs):
        """What the page needs besides the form; nothing here may build a lazy, blank form."""
        context = super().get_context_data(**kwargs)
        sections = tasks_of(self.kind)
        asks_email = "email" in self.section.field_names
        context.update(
            kind=self.kind,
            section=self.section,
            number=sections.index(self.section) + 1,
            count=len(sections),
            draft=self.draft,
            task_list_url=task_list_url(self.kind),
            return_to_check=self.returns_to_check,
            # Coming back later needs somewhere to send the link to.
            can_save_later=asks_email or bool(self.draft and self.draft.email),
            asks_email=asks_email,
            draft_valid_days=DRAFT_MAX_AGE.days,
            files_lost=bool(self.request.FILES),
        )
        if "submission_key" not in context:
            context["submission_key"] = context["form"]["submission_key"].value()
        return context

    def form_valid(self, form):
        application = form.instance
        if not application.submission_key:
            application.submission_key = form.cleaned_data["submission_key"]
        new_email = "email" in form.changed_data and bool(form.cleaned_data.get("email"))
        try:
            application = application_draft_save(
                application=application,
                documents=form.new_documents,
                removed=form.documents_to_remove,
                send_link=self.later or new_email,
            )
        except IntegrityError:
            # Two requests with the same key raced: the other one made the draft.
            existing = Application.objects.filter(submission_key=form.cleaned_data["submission_key"]).first()
            if existing is None:
                raise
            return redirect_after(self.request, existing) if existing.status != Status.DRAFT else self.next_page()
        except ServiceError as error:
            current = Application.objects.filter(pk=application.pk).first() if application.pk else None
            if current is not None and current.status != Status.DRAFT:
                return redirect_after(self.request, current)  # submitted meanwhile, from another tab
            return refused(self, form, error)
        remember_draft(self.request, application)
        if self.later:
            return redirect_after(self.request, application)
        if new_email:
            messages.info(
                self.request,
                f"Your progress is saved. We have emailed a private link to {application.email}: it opens "
                f"this application again, on any device, for {DRAFT_MAX_AGE.days} days.",
            )
        self.draft = application
        return self.next_page()

    def next_page(self):
        """The check page when it sent the applicant here; else the next section not yet complete,
        or the task list when there is none."""
        if self.returns_to_check:
            return redirect(check_url(self.kind))
        self.__dict__.pop("journey_draft", None)  # the states as just saved
        following = next_task(self.tasks(), self.section.slug)
        if following is None:
            return redirect(task_list_url(self.kind))
        return redirect(section_url(self.kind, following.section.slug))


@method_decorator(private_page_with_forms, name="dispatch")
@step_ratelimit
class CheckView(JourneyMixin, FormView):
    """Check your answers: every answer by section, each with a link to change it, then the
    declaration (the privacy notice and consent) and the submit button. Reached once every section
    is complete; the submission is idempotent through the draft's `submission_key`."""

    template_name = "certifications/application_check.html"
    http_method_names = ["get", "head", "post"]

    def dispatch(self, request, *args, **kwargs):
        self.draft = self.journey_draft
        self.section = declaration_of(self.kind)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if self.draft is None or not self.complete():
            return redirect(task_list_url(self.kind))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        key = posted_submission_key(request)
        if self.draft is not None and self.draft.submission_key is None:
            # A draft saved without a key (made before keys, or by staff): the page gave it this one.
            self.draft.submission_key = key
        if self.draft is None or self.draft.submission_key != key:
            # Submitted already (a double click, a resent POST): its confirmation.
            existing = Application.objects.filter(submission_key=key, kind=self.kind).first()
            if existing is not None and existing.status != Status.DRAFT:
                return redirect_after(request, existing)
            return redirect(task_list_url(self.kind))
        if not self.complete():
            return redirect(task_list_url(self.kind))
        return super().post(request, *args, **kwargs)

    def complete(self):
        return all(task.state == State.COMPLETED for task in self.tasks())

    @cached_property
    def submission_key(self):
        """The key the submit button carries: the draft's, or a new one for a draft that has none."""
        return self.draft.submission_key or uuid.uuid4()

    @property
    def second_confirmed(self):
        return self.request.POST.get("action") == SUBMIT_AGAIN or self.request.POST.get("second_application") == "yes"

    def get_form(self, form_class=None):
        data = {"data": self.request.POST} if self.request.method == "POST" else {}
        return section_form(
            self.kind,
            self.section,
            programs=self.programs,
            draft=self.draft,
            initial={"submission_key": self.submission_key},
            **data,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            kind=self.kind,
            draft=self.draft,
            answers=[
                (section, section_url(self.kind, section.slug) + f"?return={RETURN_TO_CHECK}", rows)
                for section, rows in answers(self.kind, draft=self.draft, programs=self.programs)
            ],
            task_list_url=task_list_url(self.kind),
            submission_key=self.submission_key,
            second_confirmed=self.request.method == "POST" and self.second_confirmed,
        )
        return context

    def form_valid(self, form):
        if not self.second_confirmed and (
            earlier := earlier_application(self.request, self.draft.program_id, self.draft.email)
        ):
            # Back and submit again: say so and link to the first; the confirmation page shows it.
            self.request.session[SUBMITTED_SESSION_KEY] = str(earlier.public_id)
            return self.render_to_response(self.get_context_data(form=form, earlier=earlier))
        try:
            application = application_draft_submit(application=form.instance)
        except ServiceError as error:
            current = Application.objects.filter(pk=self.draft.pk).first()
            if current is not None and current.status != Status.DRAFT:
                return redirect_after(self.request, current)  # submitted meanwhile, from another tab
            return refused(self, form, error)
        return redirect_after(self.request, application)
