import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.roles import CONTENT_EDITORS, REVIEWERS
from apps.events.models import Registration
from apps.learning.admin.reports import ce_report
from apps.learning.models import (
    CECertificate,
    CreditAward,
    CreditOffer,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationResponse,
    PostTestAttempt,
)
from tests.factories import make_event, make_registration, make_staff
from tests.html import elements, text_of
from tests.staff import admin_login

pytestmark = pytest.mark.django_db

START = datetime(2030, 3, 7, 17, 0, tzinfo=UTC)


@pytest.fixture
def event():
    return make_event(
        title="Regulation first",
        starts_at=START,
        timezone="America/New_York",
        duration=timedelta(minutes=90),
        capacity=100,
        ce_requires_post_test=True,
    )


@pytest.fixture
def offers(event):
    apa = CreditOffer.objects.create(event=event, credit_type="apa", provider_number="A1", approval_statement="APA.")
    nbcc = CreditOffer.objects.create(
        event=event, credit_type="nbcc", provider_number="N1", approval_statement="NBCC.", allows_half_hours=True
    )
    return apa, nbcc


@pytest.fixture
def questions(event):
    overall = EvaluationQuestion.objects.create(event=event, position=1, text="Overall, the training was useful")
    pace = EvaluationQuestion.objects.create(event=event, position=2, text="The pace was right")
    change = EvaluationQuestion.objects.create(
        event=event, position=3, kind=EvaluationQuestion.Kind.TEXT, text="What would you change?", required=False
    )
    return overall, pace, change


def _attendee(event, offers, *, name, minutes=90, hours=(Decimal(1), Decimal("1.5")), **extra):
    registration = make_registration(event=event, name=name, email=f"{name.lower()}@example.org", **extra)
    Registration.objects.filter(pk=registration.pk).update(attended=minutes > 0)
    for offer, earned in zip(offers, hours, strict=True):
        CreditAward.objects.create(
            registration=registration,
            offer=offer,
            minutes_attended=minutes,
            hours=earned,
            reason=f"attended {minutes} of 90 minutes: {earned} hours",
        )
    return registration


def _evaluate(registration, answers, *, at):
    response = EvaluationResponse.objects.create(registration=registration, submitted_at=at)
    for question, answer in answers.items():
        if isinstance(answer, int):
            EvaluationAnswer.objects.create(response=response, question=question, rating=answer)
        else:
            EvaluationAnswer.objects.create(response=response, question=question, text=answer)
    return response


def _certificate(registration, offer, hours, number, **extra):
    return CECertificate.objects.create(
        number=number,
        registration=registration,
        offer=offer,
        participant_name=registration.name,
        event_title=registration.event.title,
        event_starts_on=date(2030, 3, 7),
        event_ends_on=date(2030, 3, 7),
        credit_type=offer.name,
        hours=hours,
        provider_name="The Neurosequential Network",
        provider_number=offer.provider_number,
        approval_statement=offer.approval_statement,
        **extra,
    )


@pytest.fixture
def attended(event, offers, questions):
    """Three attendees and a registrant who did not come; the evaluations, post-tests and certificates."""
    apa, nbcc = offers
    overall, pace, change = questions
    ana = _attendee(event, offers, name="Ana")
    ben = _attendee(event, offers, name="Ben", minutes=70, hours=(Decimal(1), Decimal(1)))
    cleo = _attendee(event, offers, name="Cleo", minutes=40, hours=(Decimal(0), Decimal(0)))
    make_registration(event=event, name="Dev", email="dev@example.org")
    _evaluate(ana, {overall: 4, pace: 3, change: "More time for the case."}, at=START + timedelta(hours=3))
    _evaluate(ben, {overall: 5, pace: 3, change: ""}, at=START + timedelta(hours=2))
    _evaluate(cleo, {overall: 5, change: "Fewer slides, please."}, at=START + timedelta(days=1, minutes=5))
    PostTestAttempt.objects.create(registration=ana, number=1, correct=3, total=5, score_percent=60, passed=False)
    PostTestAttempt.objects.create(registration=ana, number=2, correct=4, total=5, score_percent=80, passed=True)
    PostTestAttempt.objects.create(registration=ben, number=1, correct=5, total=5, score_percent=100, passed=True)
    _certificate(ana, apa, Decimal(1), "NMT-CE-2030-0001-AB")
    _certificate(ana, nbcc, Decimal("1.5"), "NMT-CE-2030-0002-CD")
    _certificate(ben, apa, Decimal(1), "NMT-CE-2030-0003-EF")
    _certificate(
        ben, nbcc, Decimal(1), "NMT-CE-2030-0004-GH", revoked_at=START + timedelta(days=2), revoked_reason="Duplicate."
    )
    return ana, ben, cleo


def _url(event, suffix=""):
    return f"/admin/events/event/{event.pk}/ce-report/{suffix}"


@pytest.fixture
def editor_client(client, roles):
    return admin_login(client, make_staff(role=CONTENT_EDITORS))


# --- the figures ---


def test_report_summary_counts(event, attended):
    report = ce_report(event)

    assert report.confirmed == 4
    assert report.attended == 3
    assert report.with_credit == 2
    assert report.evaluations == 3
    assert report.post_test_passed == 2
    assert report.certificates == 3
    assert report.certificates_revoked == 1
    assert [
        (total.offer.name, total.with_credit, total.hours_earned, total.certificates, total.hours_issued)
        for total in report.totals
    ] == [
        ("APA (psychologists)", 2, Decimal(2), 2, Decimal(2)),
        ("NBCC (counsellors)", 2, Decimal("2.5"), 1, Decimal("1.5")),
    ]


def test_report_attendee_rows(event, offers, attended):
    rows = ce_report(event).attendees

    assert [
        (
            row.name,
            row.email,
            row.minutes_attended,
            [award.hours for award in row.credits],
            row.evaluation_done,
            row.post_test_best,
            row.post_test_attempts,
            row.post_test_passed,
            [certificate.number for certificate in row.certificates],
        )
        for row in rows
    ] == [
        (
            "Ana",
            "ana@example.org",
            90,
            [1, Decimal("1.5")],
            True,
            80,
            2,
            True,
            ["NMT-CE-2030-0001-AB", "NMT-CE-2030-0002-CD"],
        ),
        ("Ben", "ben@example.org", 70, [1, 1], True, 100, 1, True, ["NMT-CE-2030-0003-EF", "NMT-CE-2030-0004-GH"]),
        ("Cleo", "cleo@example.org", 40, [0, 0], True, None, 0, False, []),
    ]


def test_report_rating_averages_and_distribution(event, attended):
    report = ce_report(event)

    assert [(r.question.text, r.count, r.average, r.distribution) for r in report.ratings] == [
        (
            "Overall, the training was useful",
            3,
            Decimal("4.7"),
            [(1, 0, 0), (2, 0, 0), (3, 0, 0), (4, 1, 33), (5, 2, 67)],
        ),
        ("The pace was right", 2, Decimal("3.0"), [(1, 0, 0), (2, 0, 0), (3, 2, 100), (4, 0, 0), (5, 0, 0)]),
    ]
    assert [(t.question.text, t.comments) for t in report.texts] == [("What would you change?", 2)]


def test_report_of_an_event_without_answers(event, questions):
    report = ce_report(event)

    assert [(r.count, r.average) for r in report.ratings] == [(0, None), (0, None)]
    assert report.attendees == []
    assert report.texts[0].comments == 0


# --- the page and the exports ---


def test_report_page_shows_the_figures(editor_client, event, attended):
    response = editor_client.get(_url(event))

    assert response.status_code == 200
    page = response.content.decode()
    summary = text_of(page, "table", id="ce-summary")
    assert "Registrations confirmed 4" in summary
    assert "Attended 3" in summary
    assert "CE certificates issued 3 (and 1 revoked)" in summary
    ratings = text_of(page, "table", id="ce-ratings")
    assert "Overall, the training was useful 3 4.7 0 0 0 1 (33 %) 2 (67 %)" in ratings
    attendees = text_of(page, "table", id="ce-attendees")
    assert "Ana ana@example.org 90 1.0 hours" in attendees
    assert "NMT-CE-2030-0004-GH (revoked)" in attendees
    assert "dev@example.org" not in attendees
    assert text_of(page, "table", id="ce-comments") == "Question Comments What would you change? 2"
    assert elements(page, "a", href=_url(event, "comments.csv"))
    assert elements(page, "a", href=_url(event, "attendees.csv"))


def test_event_page_links_to_the_report(editor_client, event):
    page = editor_client.get(f"/admin/events/event/{event.pk}/change/").content.decode()

    assert text_of(page, "a", href=_url(event)) == "CE report"


def _rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_comments_csv_is_anonymous(editor_client, event, attended):
    response = editor_client.get(_url(event, "comments.csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}-evaluation-comments.csv"'
    assert _rows(response) == [
        ["question", "answer", "submitted (UTC)"],
        ["What would you change?", "More time for the case.", "2030-03-07 20:00"],
        ["What would you change?", "Fewer slides, please.", "2030-03-08 17:05"],
    ]
    content = response.content.decode()
    assert "@" not in content
    assert "Ana" not in content


def test_attendees_csv(editor_client, event, attended):
    response = editor_client.get(_url(event, "attendees.csv"))

    assert _rows(response) == [
        [
            "name",
            "email",
            "minutes attended",
            "APA (psychologists) hours",
            "NBCC (counsellors) hours",
            "evaluation",
            "post-test best (%)",
            "certificates",
        ],
        ["Ana", "ana@example.org", "90", "1.0", "1.5", "yes", "80", "NMT-CE-2030-0001-AB NMT-CE-2030-0002-CD"],
        [
            "Ben",
            "ben@example.org",
            "70",
            "1.0",
            "1.0",
            "yes",
            "100",
            "NMT-CE-2030-0003-EF NMT-CE-2030-0004-GH (revoked)",
        ],
        ["Cleo", "cleo@example.org", "40", "0.0", "0.0", "yes", "", ""],
    ]


# --- who may read it ---


@pytest.mark.parametrize("suffix", ["", "comments.csv", "attendees.csv"])
def test_reviewer_without_event_view_is_refused(client, roles, event, suffix):
    admin_login(client, make_staff(role=REVIEWERS))

    assert client.get(_url(event, suffix)).status_code == 403


def test_event_viewer_without_ce_permissions_is_refused(client, event):
    from django.contrib.auth.models import Permission

    staff = make_staff()
    staff.user_permissions.add(Permission.objects.get(codename="view_event", content_type__app_label="events"))
    admin_login(client, staff)

    assert client.get(_url(event)).status_code == 403
    page = client.get(f"/admin/events/event/{event.pk}/change/").content.decode()
    assert _url(event) not in page


@pytest.mark.parametrize("suffix", ["", "comments.csv"])
def test_anonymous_is_sent_to_sign_in(client, event, suffix):
    response = client.get(_url(event, suffix))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_unknown_event_is_404(editor_client):
    assert editor_client.get("/admin/events/event/999999/ce-report/").status_code == 404


# --- queries ---


def test_report_queries_do_not_grow_with_attendees(
    editor_client, event, offers, questions, django_assert_max_num_queries
):
    overall, _, change = questions

    def add(count, start):
        for n in range(start, start + count):
            registration = _attendee(event, offers, name=f"Person{n}")
            _evaluate(registration, {overall: 4, change: f"Comment {n}"}, at=START + timedelta(hours=2))
            PostTestAttempt.objects.create(
                registration=registration, number=1, correct=4, total=5, score_percent=80, passed=True
            )
            _certificate(registration, offers[0], Decimal(1), f"NMT-CE-2030-{n:04d}-XY")

    add(3, 0)
    editor_client.get(_url(event))  # warm the session and permission caches
    with CaptureQueriesContext(connection) as few:
        assert editor_client.get(_url(event)).status_code == 200
        assert editor_client.get(_url(event, "attendees.csv")).status_code == 200
    add(27, 3)

    with django_assert_max_num_queries(len(few)):
        response = editor_client.get(_url(event))
        attendees_csv = editor_client.get(_url(event, "attendees.csv"))

    assert response.status_code == 200
    assert len(response.context["report"].attendees) == 30
    assert len(_rows(attendees_csv)) == 31


def test_report_average_rounds_half_up(event, offers, questions):
    overall = questions[0]
    for n, rating in enumerate([4, 4, 5, 4]):
        registration = _attendee(event, offers, name=f"Rater{n}")
        _evaluate(registration, {overall: rating}, at=START + timedelta(hours=2))

    result = ce_report(event).ratings[0]

    assert (result.count, result.average) == (4, Decimal("4.3"))
