"""Sample trainings for `make run` (never in production): every title starts with "Sample:"."""

from datetime import datetime, timedelta

from django.utils import timezone

from .models import Event, Registration
from .timezones import make_aware_local

DESCRIPTION = (
    "A 90-minute web-based case conference. A clinician presents a child they are struggling with, "
    "and a clinical teaching conference model is used to understand the child better and suggest "
    "specific interventions based on the NMT approach.\n\n"
    "**Who it is for:** clinicians, supervisors and educators working with children, whether new to the "
    "NMT or certified.\n\n*Sample event for local development.*"
)


def _quarter_starts(today, count):
    """The first days of the next `count` calendar quarters."""
    month = ((today.month - 1) // 3 + 1) * 3 + 1
    year = today.year
    for _ in range(count):
        if month > 12:
            month, year = month - 12, year + 1
        yield datetime(year, month, 1)
        month += 3


def _third_thursday(first):
    offset = (3 - first.weekday()) % 7
    return first + timedelta(days=offset + 14)


def load(ledger):
    now = timezone.now()
    for first in _quarter_starts(timezone.localdate(), 3):
        day = _third_thursday(first).replace(hour=12)
        ledger.add(
            f"events.event:case-based-{day:%Y-%m}",
            Event,
            {"slug": f"sample-case-based-training-{day:%Y-%m-%d}"},
            title=f"Sample: NMT case-based training, {day:%B %Y}",
            kind=Event.Kind.CASE_BASED,
            description=DESCRIPTION,
            starts_at=make_aware_local(day, "America/Chicago"),
            timezone="America/Chicago",
            join_url="https://meet.example.org/sample-case-based",
            capacity=80,
            is_published=True,
        )

    workshop_day = datetime.combine((now + timedelta(days=24)).date(), datetime.min.time())
    workshop = ledger.add(
        "events.event:workshop",
        Event,
        {"slug": "sample-workshop-regulation-in-the-classroom"},
        title="Sample: Workshop: regulation in the classroom",
        kind=Event.Kind.WORKSHOP,
        description="A half-day in-person workshop for educators on the NME.\n\n*Sample event.*",
        starts_at=make_aware_local(workshop_day.replace(hour=9), "Europe/London"),
        timezone="Europe/London",
        duration=timedelta(hours=3, minutes=30),
        venue="Sample Hall, 1 Example Street, London",
        capacity=12,
        is_published=True,
    )
    if workshop is not None:
        for n in range(1, 11):
            Registration.objects.create(
                event=workshop,
                name=f"Sample Registrant {n}",
                email=f"sample.registrant{n}@example.org",
                role=Registration.Role.EDUCATOR,
                status=Registration.Status.CONFIRMED,
                confirmed_at=now,
            )

    past_day = datetime.combine((now - timedelta(days=40)).date(), datetime.min.time())
    ledger.add(
        "events.event:past-webinar",
        Event,
        {"slug": "sample-webinar-introduction-to-the-nmt"},
        title="Sample: Webinar: an introduction to the NMT",
        kind=Event.Kind.WEBINAR,
        description="A one-hour introduction to the Neurosequential Model of Therapeutics.\n\n*Sample event.*",
        starts_at=make_aware_local(past_day.replace(hour=11), "America/New_York"),
        timezone="America/New_York",
        duration=timedelta(hours=1),
        join_url="https://meet.example.org/sample-webinar",
        capacity=200,
        is_published=True,
    )
