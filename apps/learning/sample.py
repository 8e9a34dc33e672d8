"""Sample continuing education for `make run` (never in production): a past case-based training
with CE credit, its evaluation and post-test, an imported attendance, one attendee's released CE
certificates (the sample clinician who signs in to My NMT), and sample requirements for Phase I.
Every title starts with "Sample:"."""

from datetime import datetime, timedelta

from django.utils import timezone

from apps.certifications.models import Program
from apps.events.models import Event, Registration
from apps.events.timezones import make_aware_local

from .attendance import attendance_import
from .models import (
    CreditOffer,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationResponse,
    PostTestAttempt,
    PostTestChoice,
    PostTestQuestion,
    Requirement,
    RequirementConfirmation,
)
from .release import release_if_complete

CLINICIAN = "dana.whitfield@example.org"
ZONE = "America/Chicago"
APA_STATEMENT = (
    "Sample approval statement: the Neurosequential Network is approved by the American Psychological "
    "Association to sponsor continuing education for psychologists. The Neurosequential Network maintains "
    "responsibility for this program and its content."
)
NBCC_STATEMENT = (
    "Sample approval statement: the Neurosequential Network has been approved by NBCC as an Approved "
    "Continuing Education Provider, ACEP No. 0000. Programs that do not qualify for NBCC credit are clearly "
    "identified."
)
RATINGS = [
    "The training met its stated learning objectives.",
    "The presenter was knowledgeable and clear.",
    "I can apply what I learned in my practice.",
]
POST_TEST = [
    ("In the NMT, which comes first when choosing interventions?", ["Regulation", "Reasoning", "Relating"], 0),
    ("A case-based training centres on…", ["A clinician's current case", "A lecture only", "A written exam"], 0),
    ("The NMT metric maps…", ["Brain-mediated functioning", "Height and weight", "School grades"], 0),
    ("Patterned, repetitive activities mainly help…", ["Regulation", "Spelling", "Memory of dates"], 0),
]
ATTENDEES = [
    ("Sample: Dana Whitfield", CLINICIAN, [("12:00", "13:30")]),
    ("Sample Attendee Ruiz", "sample.ruiz@example.org", [("12:00", "12:40"), ("12:58", "13:30")]),
    ("Sample Attendee Chen", "sample.chen@example.org", [("12:02", "12:50"), ("12:55", "13:30")]),
]


def load(ledger):
    now = timezone.now()
    day = datetime.combine((now - timedelta(days=30)).date(), datetime.min.time())
    event = ledger.add(
        "learning.event:ce-training",
        Event,
        {"slug": "sample-case-based-training-with-ce"},
        title="Sample: NMT case-based training with CE credit",
        kind=Event.Kind.CASE_BASED,
        description="A past 90-minute case-based training that offered CE credit.\n\n*Sample event.*",
        starts_at=make_aware_local(day.replace(hour=12), ZONE),
        timezone=ZONE,
        join_url="https://meet.example.org/sample-ce",
        capacity=80,
        is_published=True,
        ce_format="live interactive webinar",
        ce_requires_evaluation=True,
        ce_requires_post_test=True,
    )
    if event is not None:
        _load_event(event, day, now)
    _load_requirements(ledger)


def _load_event(event, day, now):
    CreditOffer.objects.create(
        event=event, credit_type="apa", provider_number="SAMPLE-APA-0000", approval_statement=APA_STATEMENT
    )
    CreditOffer.objects.create(
        event=event,
        credit_type="nbcc",
        provider_number="SAMPLE-ACEP-0000",
        approval_statement=NBCC_STATEMENT,
        allows_half_hours=True,
    )
    questions = [
        EvaluationQuestion.objects.create(event=event, position=n, kind="rating", text=text)
        for n, text in enumerate(RATINGS, start=1)
    ]
    comment = EvaluationQuestion.objects.create(
        event=event, position=len(RATINGS) + 1, kind="text", text="What would you change?", required=False
    )
    correct = {}
    for n, (text, choices, right) in enumerate(POST_TEST, start=1):
        question = PostTestQuestion.objects.create(event=event, position=n, text=text)
        for position, choice_text in enumerate(choices, start=1):
            choice = PostTestChoice.objects.create(
                question=question, position=position, text=choice_text, is_correct=position - 1 == right
            )
            if choice.is_correct:
                correct[str(question.pk)] = choice.pk
    rows = ["Name,Email,Join Time,Leave Time"]
    for name, email, sessions in ATTENDEES:
        Registration.objects.create(
            event=event,
            name=name,
            email=email,
            role=Registration.Role.CLINICIAN,
            status=Registration.Status.CONFIRMED,
            confirmed_at=now - timedelta(days=40),
        )
        rows += [f"{name},{email},{day:%Y-%m-%d} {join},{day:%Y-%m-%d} {leave}" for join, leave in sessions]
    attendance_import(event=event, text="\n".join(rows) + "\n", filename="sample-participants.csv")

    # The sample clinician has done everything: her CE certificates are released.
    dana = event.registrations.get(email=CLINICIAN)
    response = EvaluationResponse.objects.create(registration=dana)
    EvaluationAnswer.objects.bulk_create(
        [EvaluationAnswer(response=response, question=question, rating=5) for question in questions]
        + [EvaluationAnswer(response=response, question=comment, text="Sample comment: more time for questions.")]
    )
    PostTestAttempt.objects.create(
        registration=dana, number=1, correct=4, total=4, score_percent=100, passed=True, answers=correct
    )
    release_if_complete(dana)


def _load_requirements(ledger):
    program = Program.objects.filter(slug="nmt-phase-i").first()
    if program is None:
        return
    ledger.add(
        "learning.requirement:phase-i-trainings",
        Requirement,
        {"program": program, "title": "Sample: case-based trainings attended"},
        position=1,
        kind=Requirement.Kind.TRAININGS,
        event_kind=Event.Kind.CASE_BASED,
        target=4,
        description="Sample requirement: each quarterly case-based training attended counts once.",
    )
    ledger.add(
        "learning.requirement:phase-i-hours",
        Requirement,
        {"program": program, "title": "Sample: didactic CE hours"},
        position=2,
        kind=Requirement.Kind.CE_HOURS,
        target=12,
        description="Sample requirement: CE hours earned in NMT trainings.",
    )
    fidelity = ledger.add(
        "learning.requirement:phase-i-fidelity",
        Requirement,
        {"program": program, "title": "Sample: fidelity exercise passed"},
        position=3,
        kind=Requirement.Kind.CONFIRMED,
        target=1,
        description="Sample requirement: confirmed by NMT staff.",
    )
    if fidelity is not None:
        RequirementConfirmation.objects.create(
            requirement=fidelity, email=CLINICIAN, note="Sample: fidelity exercise passed", count=1
        )
