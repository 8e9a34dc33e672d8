"""The participant's private CE pages, reached by the link in the CE emails (/ce/<token>/): where
they stand, the evaluation and the post-test. A bad or unknown link is the ordinary 404."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from apps.certifications.views.common import private_page, private_page_with_forms
from apps.core.ratelimits import ratelimit

from ..assessments import (
    AlreadySubmitted,
    StepRefused,
    evaluation_refusal,
    evaluation_submit,
    post_test_refusal,
    post_test_submit,
)
from ..forms import EvaluationForm, PostTestForm
from ..invitations import event_date_text
from ..models import CreditAward
from ..release import ce_standing
from ..tokens import read_ce_token

SUBMIT_RATE = "30/h"


class ParticipantMixin:
    """Reads the registration the link names (404 otherwise) and where it stands."""

    def dispatch(self, request, *args, token, **kwargs):
        self.registration = read_ce_token(token)
        if self.registration is None:
            raise Http404("Unknown CE link")
        self.token = token
        self.event = self.registration.event
        self.standing = ce_standing(self.registration)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            token=self.token,
            registration=self.registration,
            event=self.event,
            event_date=event_date_text(self.event),
            standing=self.standing,
        )
        return context

    def redirect_to_participant(self):
        return redirect("learning:participant", token=self.token)


@method_decorator(private_page, name="dispatch")
class ParticipantView(ParticipantMixin, TemplateView):
    """Where the attendee stands: the credit per credit type and why, the steps and the certificates."""

    template_name = "learning/participant/ce_page.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event, registration, standing = self.event, self.registration, self.standing
        awards = list(CreditAward.objects.filter(registration=registration).select_related("offer"))
        context.update(
            awards=awards,
            offers_credit=bool(awards) or event.credit_offers.exists(),
            certificates=list(registration.ce_certificates.valid().order_by("credit_type", "pk"))
            if standing.released
            else [],
            evaluation_offered=standing.evaluation_required or event.evaluation_questions.exists(),
        )
        if standing.post_test_required:
            context.update(
                last_attempt=registration.post_test_attempts.order_by("number").last(),
                post_test_ready=event.post_test_questions.exists(),
            )
        return context


@method_decorator(private_page_with_forms, name="dispatch")
@method_decorator(ratelimit(key="ip", rate=SUBMIT_RATE, method="POST", block=True), name="post")
class EvaluationView(ParticipantMixin, TemplateView):
    """The event's evaluation, sent once: GET shows the form, POST records it and redirects."""

    template_name = "learning/participant/evaluation.html"
    http_method_names = ["get", "head", "post"]

    def dispatch(self, request, *args, **kwargs):
        self.questions = None
        return super().dispatch(request, *args, **kwargs)

    def get_questions(self):
        if self.questions is None:
            self.questions = list(self.event.evaluation_questions.all())
        return self.questions

    def refusal(self):
        return evaluation_refusal(self.standing, has_questions=bool(self.get_questions()))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["refusal"] = None if self.standing.evaluation_done else self.refusal()
        if not self.standing.evaluation_done and context["refusal"] is None:
            context.setdefault("form", EvaluationForm(questions=self.get_questions()))
        return context

    def post(self, request, *args, **kwargs):
        if self.standing.evaluation_done:
            return self.render_to_response(self.get_context_data(), status=409)
        if refusal := self.refusal():
            return self.render_to_response(self.get_context_data(refusal=refusal), status=409)
        form = EvaluationForm(request.POST, questions=self.get_questions())
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            certificates = evaluation_submit(
                registration=self.registration,
                answers=form.answers(),
                licence_number=form.cleaned_data["licence_number"].strip(),
            )
        except AlreadySubmitted:
            self.standing = ce_standing(self.registration)
            return self.render_to_response(self.get_context_data(), status=409)
        except StepRefused as refusal:
            return self.render_to_response(self.get_context_data(refusal=str(refusal)), status=409)
        standing = ce_standing(self.registration)
        if certificates:
            next_step = " Your CE certificates are ready below; we have emailed you the link too."
        elif standing.post_test_pending:
            next_step = " The last step is the post-test."
        else:
            next_step = ""
        messages.success(request, f"Thank you: your evaluation is submitted.{next_step}")
        return self.redirect_to_participant()


@method_decorator(private_page_with_forms, name="dispatch")
@method_decorator(ratelimit(key="ip", rate=SUBMIT_RATE, method="POST", block=True), name="post")
class PostTestView(ParticipantMixin, TemplateView):
    """The event's post-test: GET shows the questions (and the last score after a fail), POST marks
    an attempt; a pass goes back to the CE page, a fail with an attempt left offers the retry."""

    template_name = "learning/participant/post_test.html"
    http_method_names = ["get", "head", "post"]

    def dispatch(self, request, *args, **kwargs):
        self.questions = None
        return super().dispatch(request, *args, **kwargs)

    def get_questions(self):
        if self.questions is None:
            self.questions = list(self.event.post_test_questions.prefetch_related("choices"))
        return self.questions

    def refusal(self):
        if self.standing.post_test_passed:
            return None
        if not self.standing.post_test_required:
            return post_test_refusal(self.standing, question_count=0)
        return post_test_refusal(self.standing, question_count=len(self.get_questions()))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("refusal", self.refusal())
        if self.standing.post_test_required:
            context["last_attempt"] = self.registration.post_test_attempts.order_by("number").last()
        context["pass_percent"] = self.event.ce_post_test_pass_percent
        if not self.standing.post_test_passed and context["refusal"] is None:
            context.setdefault("form", PostTestForm(questions=self.get_questions()))
        return context

    def post(self, request, *args, **kwargs):
        if self.standing.post_test_passed or self.refusal():
            return self.render_to_response(self.get_context_data(), status=409)
        form = PostTestForm(request.POST, questions=self.get_questions())
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            attempt, certificates = post_test_submit(
                registration=self.registration, questions=self.get_questions(), answers=form.answers()
            )
        except StepRefused as refusal:
            self.standing = ce_standing(self.registration)
            return self.render_to_response(self.get_context_data(refusal=str(refusal)), status=409)
        score = f"{attempt.score_percent} % ({attempt.correct} of {attempt.total} correct)"
        if attempt.passed:
            ready = " Your CE certificates are ready below; we have emailed you the link too." if certificates else ""
            messages.success(request, f"You passed the post-test with {score}.{ready}")
            return self.redirect_to_participant()
        messages.warning(request, f"Your score is {score}; the pass mark is {self.event.ce_post_test_pass_percent} %.")
        return redirect("learning:post-test", token=self.token)
