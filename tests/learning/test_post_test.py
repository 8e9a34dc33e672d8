"""The post-test (/ce/<token>/post-test/): gating, marking at the pass mark, one retry, and the
admin's checks on the questions' answers."""

import pytest

from apps.core.roles import CONTENT_EDITORS
from apps.learning.assessments import post_test_score
from apps.learning.models import (
    CECertificate,
    EvaluationQuestion,
    EvaluationResponse,
    PostTestAttempt,
    PostTestChoice,
    PostTestQuestion,
)
from tests.factories import make_staff
from tests.html import control_names, elements, text_of
from tests.learning.attendee_builders import ce_path, make_ce_attendee, make_post_test
from tests.staff import admin_login

pytestmark = pytest.mark.django_db


def _attendee(**overrides):
    return make_ce_attendee(**{"ce_requires_evaluation": False, "ce_requires_post_test": True, **overrides})


def _answers(questions, correct):
    """POST data answering the first `correct` questions right and the rest wrong."""
    data = {}
    for index, question in enumerate(questions):
        right, wrong = question.choices.order_by("position")[:2]
        data[f"question_{question.pk}"] = str((right if index < correct else wrong).pk)
    return data


def test_the_questions_are_radio_groups_of_their_answers(client):
    registration = _attendee()
    questions = make_post_test(registration.event, questions=2, choices=3)

    page = client.get(ce_path(registration, "post-test/")).content.decode()

    assert [names for _, names in control_names(page, "fieldset")] == [[f"question_{q.pk}"] for q in questions]
    assert [text for _, _, text in elements(page, "legend")] == ["1. Question 1?*", "2. Question 2?*"]
    assert [attrs["value"] for _, attrs, _ in elements(page, "input", type="radio")] == [
        str(choice.pk) for question in questions for choice in question.choices.all()
    ]


@pytest.mark.parametrize(
    ("questions", "correct", "score", "passed"),
    [(4, 3, 75, True), (27, 20, 74, False), (4, 4, 100, True), (3, 2, 66, False)],
)
def test_marking_rounds_down_and_passes_at_the_pass_mark(client, send_queued, questions, correct, score, passed):
    registration = _attendee()
    made = make_post_test(registration.event, questions=questions)

    with send_queued():
        response = client.post(ce_path(registration, "post-test/"), _answers(made, correct))

    attempt = PostTestAttempt.objects.get(registration=registration)
    assert (attempt.number, attempt.correct, attempt.total, attempt.score_percent, attempt.passed) == (
        1,
        correct,
        questions,
        score,
        passed,
    )
    assert response["Location"] == ce_path(registration, "" if passed else "post-test/")
    assert CECertificate.objects.filter(registration=registration).exists() is passed


def test_the_score_is_rounded_down_and_unanswered_questions_count_as_wrong():
    registration = _attendee()
    make_post_test(registration.event, questions=27)
    questions = list(registration.event.post_test_questions.prefetch_related("choices"))
    answers = {question.pk: question.choices.all()[0].pk for question in questions[:20]}

    assert post_test_score(questions, answers) == (20, 27, 74)


def test_a_pass_releases_the_certificate_and_emails_it(client, send_queued, mailoutbox):
    registration = _attendee()
    made = make_post_test(registration.event)

    with send_queued():
        response = client.post(ce_path(registration, "post-test/"), _answers(made, 3))

    certificate = CECertificate.objects.get(registration=registration)
    assert [m.subject for m in mailoutbox] == ["Your CE certificate is ready: Spring case-based training"]
    page = client.get(response["Location"]).content.decode()
    assert text_of(page, "div", class_="alert alert-success") == (
        "You passed the post-test with 75 % (3 of 4 correct). Your CE certificates are ready below; we have "
        "emailed you the link too."
    )
    assert certificate.number in text_of(page, "ul", id="ce-certificates")


def test_a_fail_shows_the_score_and_offers_the_retry_without_the_correct_answers(client):
    registration = _attendee()
    made = make_post_test(registration.event, questions=4, choices=3)

    response = client.post(ce_path(registration, "post-test/"), _answers(made, 1))
    page = client.get(response["Location"]).content.decode()

    assert (
        text_of(page, "div", class_="alert alert-warning")
        == "Your score is 25 % (1 of 4 correct); the pass mark is 75 %."
    )
    assert text_of(page, "p", id="post-test-retry") == (
        "Your last score was 25 % (1 of 4 correct); the pass mark is 75 %. You have 1 more attempt."
    )
    radios = elements(page, "input", type="radio")
    assert len(radios) == 12
    assert [attrs for _, attrs, _ in radios if "checked" in attrs] == []
    assert "correct answer" not in page.lower()


def test_one_retry_is_allowed_and_a_third_try_is_refused(client, send_queued, mailoutbox):
    registration = _attendee()
    made = make_post_test(registration.event)
    client.post(ce_path(registration, "post-test/"), _answers(made, 1))
    client.post(ce_path(registration, "post-test/"), _answers(made, 2))

    with send_queued():
        third = client.post(ce_path(registration, "post-test/"), _answers(made, 4))

    assert third.status_code == 409
    assert text_of(third.content.decode(), "p", id="step-refused") == (
        "You have used all 2 attempts at the post-test without reaching the pass mark, so no CE certificate can be "
        "issued. Write to us if you think this is a mistake."
    )
    assert list(PostTestAttempt.objects.values_list("number", "score_percent", "passed")) == [
        (1, 25, False),
        (2, 50, False),
    ]
    assert not CECertificate.objects.exists()
    assert mailoutbox == []
    assert text_of(client.get(ce_path(registration)).content.decode(), "li", id="step-post-test") == (
        "Post-test: not passed: both attempts are used (last score 50 %, pass mark 75 %). Write to us if you think "
        "this is a mistake."
    )


def test_a_retry_that_passes_releases(client):
    registration = _attendee()
    made = make_post_test(registration.event)
    client.post(ce_path(registration, "post-test/"), _answers(made, 2))

    response = client.post(ce_path(registration, "post-test/"), _answers(made, 4))

    assert response["Location"] == ce_path(registration)
    assert list(PostTestAttempt.objects.values_list("number", "passed")) == [(1, False), (2, True)]
    assert CECertificate.objects.filter(registration=registration).count() == 1


def test_after_a_pass_another_try_is_refused(client):
    registration = _attendee()
    made = make_post_test(registration.event)
    client.post(ce_path(registration, "post-test/"), _answers(made, 4))

    again = client.post(ce_path(registration, "post-test/"), _answers(made, 0))

    assert again.status_code == 409
    assert text_of(again.content.decode(), "p", id="post-test-passed") == "You passed the post-test with 100 %."
    assert PostTestAttempt.objects.count() == 1


def test_every_question_must_be_answered(client):
    registration = _attendee()
    made = make_post_test(registration.event, questions=2)
    data = _answers(made, 2)
    del data[f"question_{made[1].pk}"]

    response = client.post(ce_path(registration, "post-test/"), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert text_of(page, "div", class_="alert alert-danger error-summary") == (
        "Please correct the field marked below 2. Question 2?: Choose an answer to this question."
    )
    kept = [attrs for _, attrs, _ in elements(page, "input", type="radio") if "checked" in attrs]
    assert [attrs["value"] for attrs in kept] == [data[f"question_{made[0].pk}"]]
    assert not PostTestAttempt.objects.exists()


def test_an_answer_of_another_question_is_400(client):
    registration = _attendee()
    made = make_post_test(registration.event, questions=2)
    data = _answers(made, 2)
    data[f"question_{made[0].pk}"] = data[f"question_{made[1].pk}"]

    response = client.post(ce_path(registration, "post-test/"), data)

    assert response.status_code == 400
    assert not PostTestAttempt.objects.exists()


def test_with_an_evaluation_required_the_post_test_waits_for_it_and_both_release(client):
    registration = _attendee(ce_requires_evaluation=True)
    EvaluationQuestion.objects.create(event=registration.event, text="Useful?")
    made = make_post_test(registration.event)

    refused = client.post(ce_path(registration, "post-test/"), _answers(made, 4))
    assert refused.status_code == 409
    assert text_of(refused.content.decode(), "p", id="step-refused") == (
        "Submit the evaluation first: the post-test opens once it is done."
    )
    question = registration.event.evaluation_questions.get()
    client.post(ce_path(registration, "evaluation/"), {f"question_{question.pk}": "5"})
    assert not CECertificate.objects.exists()

    client.post(ce_path(registration, "post-test/"), _answers(made, 4))

    assert EvaluationResponse.objects.filter(registration=registration).exists()
    assert CECertificate.objects.filter(registration=registration).count() == 1


def test_an_event_without_a_post_test_says_so(client):
    registration = _attendee(ce_requires_post_test=False)

    response = client.post(ce_path(registration, "post-test/"), {})

    assert response.status_code == 409
    assert text_of(response.content.decode(), "p", id="step-refused") == "This event has no post-test."


def test_a_required_post_test_without_questions_is_not_ready_yet(client):
    registration = _attendee()

    page = client.get(ce_path(registration, "post-test/")).content.decode()

    assert text_of(page, "p", id="step-refused") == (
        "The post-test is not ready yet: please look again in a few days. Nothing is lost meanwhile."
    )


# ADMIN


@pytest.fixture
def editor_client(client, roles):
    return admin_login(client, make_staff(role=CONTENT_EDITORS))


def _question_post(event, choices):
    data = {
        "event": str(event.pk),
        "position": "1",
        "text": "What does the NMT assess first?",
        "choices-TOTAL_FORMS": str(len(choices)),
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "2",
        "choices-MAX_NUM_FORMS": "1000",
    }
    for index, (text, correct) in enumerate(choices):
        data[f"choices-{index}-position"] = str(index)
        data[f"choices-{index}-text"] = text
        if correct:
            data[f"choices-{index}-is_correct"] = "on"
    return data


@pytest.mark.parametrize(
    ("choices", "error"),
    [
        ([("Brainstem", True)], "Give at least two answers to choose from."),
        ([("Brainstem", False), ("Cortex", False)], "Mark exactly one answer as correct (none is marked)."),
        ([("Brainstem", True), ("Cortex", True)], "Mark exactly one answer as correct (2 are marked)."),
    ],
)
def test_the_admin_refuses_a_question_without_two_answers_and_one_correct(editor_client, choices, error):
    registration = _attendee()

    response = editor_client.post("/admin/learning/posttestquestion/add/", _question_post(registration.event, choices))

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not PostTestQuestion.objects.exists()


def test_the_admin_saves_a_question_with_one_correct_answer(editor_client):
    registration = _attendee()

    response = editor_client.post(
        "/admin/learning/posttestquestion/add/",
        _question_post(registration.event, [("Brainstem", True), ("Cortex", False), ("Limbic", False)]),
    )

    assert response.status_code == 302
    question = PostTestQuestion.objects.get()
    assert list(PostTestChoice.objects.filter(question=question).values_list("text", "is_correct")) == [
        ("Brainstem", True),
        ("Cortex", False),
        ("Limbic", False),
    ]


def test_the_admin_warns_of_a_required_post_test_without_questions(editor_client):
    registration = _attendee()

    page = editor_client.get("/admin/learning/posttestquestion/").content.decode()

    assert (
        f"have no questions yet, so nobody can take it (attendees see “not ready yet”): {registration.event}." in page
    )


def test_the_event_admin_has_the_evaluation_questions_inline(editor_client):
    registration = _attendee()

    page = editor_client.get(f"/admin/events/event/{registration.event.pk}/change/").content.decode()

    assert 'name="evaluation_questions-TOTAL_FORMS"' in page


def test_the_event_page_in_the_admin_warns_of_a_required_post_test_without_questions(editor_client):
    registration = _attendee()
    url = f"/admin/events/event/{registration.event.pk}/change/"
    warning = "This event requires a post-test for CE but has no post-test questions yet"

    assert warning in editor_client.get(url).content.decode()

    make_post_test(registration.event)
    assert warning not in editor_client.get(url).content.decode()
