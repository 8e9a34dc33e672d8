"""The evaluation (/ce/<token>/evaluation/): the form staff's questions build, who may send it,
once only, and the certificate it releases."""

import pytest

from apps.learning.assessments import AlreadySubmitted, evaluation_submit
from apps.learning.models import CECertificate, CERecord, EvaluationAnswer, EvaluationQuestion, EvaluationResponse
from tests.html import control_names, elements, text_of
from tests.learning.attendee_builders import ce_path, make_attendee, make_ce_attendee, make_ce_event

pytestmark = pytest.mark.django_db


def _questions(event):
    rating = EvaluationQuestion.objects.create(event=event, position=1, text="How useful was the training?")
    comment = EvaluationQuestion.objects.create(
        event=event, position=2, kind=EvaluationQuestion.Kind.TEXT, text="What would you change?", required=False
    )
    return rating, comment


@pytest.fixture
def attendee():
    registration = make_ce_attendee()
    _questions(registration.event)
    return registration


def _post(rating, comment, **extra):
    return {f"question_{rating.pk}": "4", f"question_{comment.pk}": "More cases.", **extra}


def test_the_form_has_a_rating_fieldset_a_textarea_and_the_licence_number(client, attendee):
    rating, comment = attendee.event.evaluation_questions.all()

    response = client.get(ce_path(attendee, "evaluation/"))

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "strict-origin"
    page = response.content.decode()
    [(_attrs, names)] = control_names(page, "fieldset")
    assert names == [f"question_{rating.pk}"]
    assert text_of(page, "legend") == "How useful was the training?*"
    assert [text for _, _, text in elements(page, "label") if text[0].isdigit()] == [
        "1 (poor)",
        "2 (fair)",
        "3 (good)",
        "4 (very good)",
        "5 (excellent)",
    ]
    assert elements(page, "textarea", name=f"question_{comment.pk}")
    assert text_of(page, "label", for_="id_licence_number") == "Licence number (printed on your CE certificate)"


def test_submitting_records_the_answers_and_the_licence_and_releases_the_certificate(
    client, attendee, send_queued, mailoutbox
):
    rating, comment = attendee.event.evaluation_questions.all()

    with send_queued():
        response = client.post(ce_path(attendee, "evaluation/"), _post(rating, comment, licence_number=" PSY-1234 "))

    assert response.status_code == 302
    assert response["Location"] == ce_path(attendee)
    answers = EvaluationAnswer.objects.filter(response__registration=attendee)
    assert [(a.question, a.rating, a.text) for a in answers] == [(rating, 4, ""), (comment, None, "More cases.")]
    assert CERecord.objects.get(registration=attendee).licence_number == "PSY-1234"
    certificate = CECertificate.objects.get(registration=attendee)
    assert (certificate.licence_number, certificate.hours, certificate.credit_type) == (
        "PSY-1234",
        1,
        "APA (psychologists)",
    )
    assert [m.subject for m in mailoutbox] == ["Your CE certificate is ready: Spring case-based training"]
    assert mailoutbox[0].to == ["dana@example.org"]
    assert f"{certificate.number}: 1.0 hours APA (psychologists)" in mailoutbox[0].body
    page = client.get(response["Location"]).content.decode()
    assert text_of(page, "div", class_="alert alert-success") == (
        "Thank you: your evaluation is submitted. Your CE certificates are ready below; we have emailed you the "
        "link too."
    )


def test_a_required_question_left_empty_is_400_at_the_field_keeping_what_was_typed(client, attendee):
    _rating, comment = attendee.event.evaluation_questions.all()

    response = client.post(
        ce_path(attendee, "evaluation/"), {f"question_{comment.pk}": "Keep this", "licence_number": "PSY-9"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert text_of(page, "div", class_="alert alert-danger error-summary") == (
        "Please correct the field marked below How useful was the training?: Choose a rating from 1 to 5."
    )
    assert text_of(page, "textarea", name=f"question_{comment.pk}") == "Keep this"
    assert elements(page, "input", name="licence_number")[0][1]["value"] == "PSY-9"
    assert not EvaluationResponse.objects.exists()


def test_a_rating_out_of_range_is_400(client, attendee):
    rating, _comment = attendee.event.evaluation_questions.all()

    response = client.post(ce_path(attendee, "evaluation/"), {f"question_{rating.pk}": "9"})

    assert response.status_code == 400
    assert "Select a rating from 1 to 5 from the list." in response.content.decode()


def test_a_second_submission_gets_the_already_submitted_page(client, attendee, send_queued, mailoutbox):
    rating, comment = attendee.event.evaluation_questions.all()
    with send_queued():
        client.post(ce_path(attendee, "evaluation/"), _post(rating, comment))

        response = client.post(ce_path(attendee, "evaluation/"), _post(rating, comment))

    assert response.status_code == 409
    assert text_of(response.content.decode(), "p", id="evaluation-done") == (
        "Your evaluation was already submitted. Thank you! It is sent once and cannot be changed."
    )
    assert EvaluationResponse.objects.count() == 1
    assert EvaluationAnswer.objects.count() == 2
    assert len(mailoutbox) == 1


def test_the_service_refuses_a_second_submission(attendee):
    rating, _ = attendee.event.evaluation_questions.all()
    evaluation_submit(registration=attendee, answers=[(rating, 5, "")])

    with pytest.raises(AlreadySubmitted):
        evaluation_submit(registration=attendee, answers=[(rating, 3, "")])

    assert list(EvaluationAnswer.objects.values_list("rating", flat=True)) == [5]


def test_a_submission_whose_form_was_open_before_the_first_one_landed_is_refused(client, attendee, monkeypatch):
    """A double click: the second request read the standing before the first committed."""
    from apps.learning.views import participant

    rating, comment = attendee.event.evaluation_questions.all()
    real = participant.ce_standing
    stale = real(attendee)
    client.post(ce_path(attendee, "evaluation/"), _post(rating, comment))
    calls = iter([stale])
    monkeypatch.setattr(participant, "ce_standing", lambda registration: next(calls, None) or real(registration))

    response = client.post(ce_path(attendee, "evaluation/"), _post(rating, comment))

    assert response.status_code == 409
    assert "Your evaluation was already submitted." in response.content.decode()
    assert EvaluationResponse.objects.count() == 1


def test_before_the_event_is_over_the_evaluation_is_closed(client):
    event = make_ce_event()
    registration = make_attendee(event)
    rating, comment = _questions(event)

    page = client.get(ce_path(registration, "evaluation/")).content.decode()
    response = client.post(ce_path(registration, "evaluation/"), _post(rating, comment))

    assert text_of(page, "p", id="step-refused") == "The evaluation is available after the event."
    assert elements(page, "form", class_="evaluation-form") == []
    assert response.status_code == 409
    assert not EvaluationResponse.objects.exists()


def test_an_attendee_without_credit_cannot_send_it(client):
    registration = make_ce_attendee(hours="0.0")
    rating, comment = _questions(registration.event)

    response = client.post(ce_path(registration, "evaluation/"), _post(rating, comment))

    assert response.status_code == 409
    assert text_of(response.content.decode(), "p", id="step-refused") == (
        "The evaluation is for attendees who earned CE credit for this event."
    )
    assert not EvaluationResponse.objects.exists()


def test_with_a_post_test_required_the_evaluation_releases_nothing_yet(client, send_queued, mailoutbox):
    registration = make_ce_attendee(ce_requires_post_test=True)
    rating, comment = _questions(registration.event)

    with send_queued():
        response = client.post(ce_path(registration, "evaluation/"), _post(rating, comment))

    assert response.status_code == 302
    assert not CECertificate.objects.exists()
    assert mailoutbox == []
    page = client.get(response["Location"]).content.decode()
    assert text_of(page, "div", class_="alert alert-success") == (
        "Thank you: your evaluation is submitted. The last step is the post-test."
    )


def test_a_required_evaluation_without_questions_asks_only_the_licence_number(client):
    registration = make_ce_attendee()

    response = client.post(ce_path(registration, "evaluation/"), {"licence_number": ""})

    assert response.status_code == 302
    assert CECertificate.objects.filter(registration=registration).count() == 1


def test_an_event_without_an_evaluation_says_so(client):
    registration = make_ce_attendee(ce_requires_evaluation=False)

    response = client.get(ce_path(registration, "evaluation/"))

    assert text_of(response.content.decode(), "p", id="step-refused") == "This event has no evaluation."
