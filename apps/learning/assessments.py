"""Submitting an event's evaluation and taking its post-test: every write of the participant's CE
pages. Each runs under a lock on the registration row (as release.py takes it), so a double
submission or two tabs at once record one evaluation and never more than MAX_POST_TEST_ATTEMPTS
attempts; then the certificates are released if the gate is passed, with the “ready” email."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.events.models import Registration

from .invitations import release_and_email
from .models import MAX_POST_TEST_ATTEMPTS, CERecord, EvaluationAnswer, EvaluationResponse, PostTestAttempt
from .release import ce_standing


class StepRefused(Exception):
    """The evaluation or the post-test cannot be taken now; the message is for people."""


class AlreadySubmitted(StepRefused):
    """The evaluation was submitted before (it is sent once and cannot be changed)."""


def evaluation_refusal(standing, *, has_questions):
    """Why the evaluation cannot be taken now, as a sentence; None when it can (or it was sent)."""
    if not standing.event_over:
        return "The evaluation is available after the event."
    if not standing.has_credit:
        return "The evaluation is for attendees who earned CE credit for this event."
    if not standing.evaluation_required and not has_questions:
        return "This event has no evaluation."
    return None


def post_test_refusal(standing, *, question_count):
    """Why the post-test cannot be taken now, as a sentence; None when it can (or it was passed)."""
    if not standing.post_test_required:
        return "This event has no post-test."
    if not standing.event_over:
        return "The post-test is available after the event."
    if not standing.has_credit:
        return "The post-test is for attendees who earned CE credit for this event."
    if standing.evaluation_pending:
        return "Submit the evaluation first: the post-test opens once it is done."
    if not question_count:
        return "The post-test is not ready yet: please look again in a few days. Nothing is lost meanwhile."
    if not standing.post_test_passed and standing.post_test_attempts_left == 0:
        return (
            f"You have used all {MAX_POST_TEST_ATTEMPTS} attempts at the post-test without reaching the pass "
            "mark, so no CE certificate can be issued. Write to us if you think this is a mistake."
        )
    return None


def _locked(registration):
    return Registration.objects.select_for_update().select_related("event").get(pk=registration.pk)


@transaction.atomic
def evaluation_submit(*, registration, answers, licence_number=""):
    """Record `registration`'s evaluation: `answers` is [(question, rating or None, text)] for each
    of the event's questions (an optional one left blank is not stored). A licence
    number given is kept on the CERecord (printed on the certificates). Then the certificates are
    released if the gate is passed, with the “ready” email. Returns the certificates issued.

    Raises AlreadySubmitted for a second submission, StepRefused when the evaluation is not open."""
    registration = _locked(registration)
    standing = ce_standing(registration)
    if standing.evaluation_done:
        raise AlreadySubmitted("Your evaluation was already submitted. Thank you!")
    if refusal := evaluation_refusal(standing, has_questions=bool(answers)):
        raise StepRefused(refusal)
    try:
        with transaction.atomic():
            response = EvaluationResponse.objects.create(registration=registration, submitted_at=timezone.now())
    except IntegrityError:  # another request won the race (the lock makes this all but impossible)
        raise AlreadySubmitted("Your evaluation was already submitted. Thank you!") from None
    EvaluationAnswer.objects.bulk_create(
        EvaluationAnswer(response=response, question=question, rating=rating, text=text)
        for question, rating, text in answers
        if rating is not None or text
    )
    if licence_number:
        record, _ = CERecord.objects.get_or_create(registration=registration)
        record.licence_number = licence_number
        record.save(update_fields=["licence_number"])
    return release_and_email(registration)


def post_test_score(questions, answers):
    """(correct, total, score_percent) of `answers` ({question id: choice id}) to `questions` (with
    their choices prefetched); the percentage is rounded down, so 74.9 % is 74 %."""
    total = len(questions)
    correct = sum(
        1
        for question in questions
        for choice in question.choices.all()
        if choice.is_correct and answers.get(question.pk) == choice.pk
    )
    return correct, total, correct * 100 // total if total else 0


@transaction.atomic
def post_test_submit(*, registration, questions, answers):
    """Mark one attempt at the post-test: `answers` is {question id: choice id} for `questions` (the
    event's, choices prefetched). Passed at the event's pass mark or above; a pass releases the
    certificates if the gate is passed, with the “ready” email. Returns (attempt, certificates issued).

    Raises StepRefused when the post-test is not open, was passed, or every attempt is used."""
    registration = _locked(registration)
    standing = ce_standing(registration)
    if standing.post_test_passed:
        raise StepRefused("You have passed the post-test already.")
    if refusal := post_test_refusal(standing, question_count=len(questions)):
        raise StepRefused(refusal)
    correct, total, score_percent = post_test_score(questions, answers)
    try:
        with transaction.atomic():
            attempt = PostTestAttempt.objects.create(
                registration=registration,
                number=standing.post_test_attempts + 1,
                correct=correct,
                total=total,
                score_percent=score_percent,
                passed=score_percent >= registration.event.ce_post_test_pass_percent,
                answers={str(question_id): choice_id for question_id, choice_id in answers.items()},
            )
    except IntegrityError:
        raise StepRefused("This attempt was already recorded: reload the page to see its result.") from None
    return attempt, release_and_email(registration) if attempt.passed else []
