"""Builders of the privacy tests' continuing education: a registration with every kind of CE record
(attendance, credit, CE record, evaluation, post-test attempts, CE certificates, one revoked)."""

from datetime import UTC, datetime

from apps.learning.models import (
    AttendanceImport,
    AttendanceSession,
    CERecord,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationResponse,
    PostTestAttempt,
)
from apps.learning.release import ce_certificate_revoke
from tests.learning.ce_builders import make_ce_certificate, make_ended_registration, make_offer

# The training ended at 13:30 UTC on 7 March 2025, after 90 minutes.
ENDED_AT = datetime(2025, 3, 7, 13, 30, tzinfo=UTC)
JOINED_AT = datetime(2025, 3, 7, 12, 0, tzinfo=UTC)
SUBMITTED_AT = datetime(2025, 3, 8, 9, 0, tzinfo=UTC)


def make_registration_with_ce(email, *, title="Spring case-based training"):
    """A registration of `email` for a 90-minute training with APA and NBCC credit, attended (two
    sessions), evaluated, its post-test passed at the second attempt, certified for both (NBCC's revoked)."""
    registration = make_ended_registration(
        email=email, name="Dana Whitfield", ended_at=ENDED_AT, event_overrides={"title": title}
    )
    event = registration.event
    attendance = AttendanceImport.objects.create(event=event, filename="zoom.csv")
    AttendanceSession.objects.bulk_create(
        [
            AttendanceSession(
                registration=registration,
                joined_at=JOINED_AT,
                left_at=datetime(2025, 3, 7, 12, 40, tzinfo=UTC),
                attendance_import=attendance,
            ),
            AttendanceSession(
                registration=registration,
                joined_at=datetime(2025, 3, 7, 12, 45, tzinfo=UTC),
                left_at=ENDED_AT,
                attendance_import=attendance,
            ),
        ]
    )
    CERecord.objects.create(
        registration=registration, licence_number="PSY-12345", invited_at=ENDED_AT, released_at=SUBMITTED_AT
    )
    rating = EvaluationQuestion.objects.create(event=event, position=0, text="How useful was the training?")
    comment = EvaluationQuestion.objects.create(
        event=event, position=1, kind=EvaluationQuestion.Kind.TEXT, text="What would you change?", required=False
    )
    response = EvaluationResponse.objects.create(registration=registration, submitted_at=SUBMITTED_AT)
    EvaluationAnswer.objects.create(response=response, question=rating, rating=4)
    EvaluationAnswer.objects.create(response=response, question=comment, text="More case time.")
    for number, correct in ((1, 2), (2, 4)):
        PostTestAttempt.objects.create(
            registration=registration,
            number=number,
            submitted_at=SUBMITTED_AT,
            correct=correct,
            total=4,
            score_percent=correct * 25,
            passed=correct == 4,
            answers={},
        )
    apa = make_ce_certificate(
        registration=registration,
        offer=make_offer(event, "apa"),
        hours="1.0",
        issued_at=SUBMITTED_AT,
        licence_number="PSY-12345",
    )
    nbcc = make_ce_certificate(
        registration=registration, offer=make_offer(event, "nbcc"), hours="1.5", issued_at=SUBMITTED_AT
    )
    ce_certificate_revoke(certificate=nbcc, reason="Issued in error.", now=datetime(2025, 4, 1, tzinfo=UTC))
    return registration, apa, nbcc
