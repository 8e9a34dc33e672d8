"""The participant's private CE page (/ce/<token>/) and its link: the credit, the steps and the
certificates, by where the attendee stands."""

from datetime import UTC, datetime

import pytest

from apps.events.tokens import make_cancel_token
from apps.learning.models import EvaluationResponse, PostTestAttempt
from apps.learning.release import release_if_complete
from apps.learning.tokens import ce_url, make_ce_token, read_ce_token
from tests.factories import make_registration
from tests.html import elements, text_of
from tests.learning.attendee_builders import (
    REASON,
    ce_path,
    end_event,
    make_attendee,
    make_ce_attendee,
    make_ce_event,
    make_post_test,
)

pytestmark = pytest.mark.django_db


# THE LINK


def test_token_reads_back_the_registration_and_the_url_is_absolute(settings):
    registration = make_ce_attendee()

    assert read_ce_token(make_ce_token(registration)) == registration
    assert ce_url(registration) == f"{settings.SITE_URL}/ce/{make_ce_token(registration)}/"


@pytest.mark.parametrize(
    "token",
    ["nonsense", "0123456789abcdef0123456789abcdef:forged", "verify-me"],
)
def test_a_bad_token_is_the_ordinary_404(client, token):
    make_ce_attendee()

    response = client.get(f"/ce/{token}/")

    assert response.status_code == 404


def test_a_foreign_token_signed_for_cancelling_is_404(client):
    registration = make_ce_attendee()

    for step in ("", "evaluation/", "post-test/"):
        assert client.get(f"/ce/{make_cancel_token(registration)}/{step}").status_code == 404


def test_a_token_of_a_deleted_registration_is_404(client):
    registration = make_ce_attendee()
    path = ce_path(registration)
    registration.delete()

    assert client.get(path).status_code == 404


# THE PAGE


def test_the_page_is_private_and_names_no_canonical_address(client):
    response = client.get(ce_path(make_ce_attendee()))

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Referrer-Policy"] == "no-referrer"
    page = response.content.decode()
    assert elements(page, "link", rel="canonical") == []
    assert elements(page, "meta", name="robots")[0][1]["content"] == "noindex"


def test_before_the_event_is_over_the_page_says_after_the_event(client):
    event = make_ce_event()
    registration = make_attendee(event)

    page = client.get(ce_path(registration)).content.decode()

    assert text_of(page, "p", id="ce-not-yet") == (
        "Your CE credit, the evaluation and the certificates are available after the event."
    )
    assert elements(page, "a", href=ce_path(registration, "evaluation/")) == []


def test_the_page_shows_the_event_in_its_own_zone_the_credit_and_the_steps(client):
    # 22:00 to 23:30 in New York on 7 March: 8 March in UTC.
    event = make_ce_event(offers=("apa", "nbcc"), ce_requires_post_test=True)
    registration = make_attendee(event)
    end_event(event, datetime(2025, 3, 8, 3, 0, tzinfo=UTC))
    make_post_test(event)

    page = client.get(ce_path(registration)).content.decode()

    assert text_of(page, "p", id="ce-event") == "Spring case-based training, 7 March 2025"
    assert text_of(page, "ul", id="ce-credit") == (
        f"APA (psychologists): 1 hour ({REASON}) NBCC (counsellors): 1 hour ({REASON})"
    )
    assert text_of(page, "li", id="step-evaluation") == "Evaluation: to do. Complete the evaluation"
    assert elements(page, "a", href=ce_path(registration, "evaluation/"))
    assert text_of(page, "li", id="step-post-test") == "Post-test: to do, after the evaluation (pass mark 75 %)."
    assert text_of(page, "li", id="step-certificates") == "Certificates: released once the steps above are done."


def test_after_a_failed_attempt_the_page_says_attempts_left_and_the_last_score(client):
    registration = make_ce_attendee(ce_requires_evaluation=False, ce_requires_post_test=True)
    make_post_test(registration.event)
    PostTestAttempt.objects.create(
        registration=registration, number=1, correct=2, total=4, score_percent=50, passed=False
    )

    page = client.get(ce_path(registration)).content.decode()

    assert elements(page, "li", id="step-evaluation") == []
    assert text_of(page, "li", id="step-post-test") == (
        "Post-test: to do: 1 attempt left, last score 50 % (pass mark 75 %). Try the post-test again"
    )


def test_a_required_post_test_without_questions_is_not_ready_yet(client):
    registration = make_ce_attendee(ce_requires_evaluation=False, ce_requires_post_test=True)

    page = client.get(ce_path(registration)).content.decode()

    assert text_of(page, "li", id="step-post-test") == "Post-test: not ready yet: please look again in a few days."


def test_no_credit_says_so_plainly_with_the_reasons(client):
    registration = make_ce_attendee(hours="0.0", reason="attended 40 of 90 minutes: no full hour, no credit")

    page = client.get(ce_path(registration)).content.decode()

    assert text_of(page, "h2", id="no-credit-heading") == "No CE credit was earned"
    assert [text for _, _, text in elements(page, "ul", class_="ce-reasons")] == [
        "APA (psychologists): attended 40 of 90 minutes: no full hour, no credit"
    ]
    assert elements(page, "li", id="step-evaluation") == []


def test_no_attendance_recorded_says_so(client):
    event = make_ce_event()
    registration = make_registration(event=event)
    end_event(event)

    page = client.get(ce_path(registration)).content.decode()

    assert "No attendance has been recorded for you at this event, so no CE credit was earned." in page


def test_released_certificates_are_listed_with_their_download_links(client):
    registration = make_ce_attendee(offers=("apa", "nbcc"), ce_requires_evaluation=False)
    certificates = release_if_complete(registration)

    page = client.get(ce_path(registration)).content.decode()

    assert text_of(page, "li", id="step-certificates") == "Certificates: released."
    by_type = sorted(certificates, key=lambda certificate: certificate.credit_type)
    assert [text for _, _, text in elements(page, "ul", id="ce-certificates")] == [
        " ".join(
            f"{certificate.credit_type}: 1 hour, certificate {certificate.number}. Download (PDF)"
            for certificate in by_type
        )
    ]
    assert [attrs["href"] for _, attrs, text in elements(page, "a") if text == "Download (PDF)"] == [
        f"{ce_path(registration)}certificates/{certificate.number}.pdf" for certificate in by_type
    ]


def test_a_done_evaluation_shows_as_done(client):
    registration = make_ce_attendee()
    EvaluationResponse.objects.create(registration=registration)

    page = client.get(ce_path(registration)).content.decode()

    assert text_of(page, "li", id="step-evaluation") == "Evaluation: done. Thank you!"


def test_the_page_takes_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    registration = make_ce_attendee(offers=("apa", "nbcc", "aswb"), ce_requires_post_test=True)
    make_post_test(registration.event)
    EvaluationResponse.objects.create(registration=registration)
    PostTestAttempt.objects.create(
        registration=registration, number=1, correct=4, total=4, score_percent=100, passed=True
    )
    release_if_complete(registration)

    with django_assert_max_num_queries(10):
        response = client.get(ce_path(registration))

    assert response.status_code == 200
    assert text_of(response.content.decode(), "li", id="step-post-test") == "Post-test: passed with 100 %."
