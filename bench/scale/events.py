"""Benchmark data for `manage.py seed_scale_data`: years of trainings and their registrations."""

from datetime import timedelta

from django.utils import timezone

from apps.events.models import DEFAULT_DURATION, Event, Registration

OPTIONS = {
    "events": (2000, "training events, over five years past and one ahead"),
    "registrations": (50000, "registrations spread over the events"),
}

ZONES = ["America/Chicago", "America/New_York", "America/Toronto", "Europe/London", "Europe/Oslo", "Australia/Sydney"]
TITLES = ["NMT Case-based Training", "NMT Workshop: Sequencing Interventions", "NMT Webinar", "NMT Conference"]
KINDS = ["case_based", "workshop", "webinar", "conference"]
FIRST = ["Alex", "Sam", "Jordan", "Maria", "Aisha", "Kenji", "Ola", "Ingrid", "Priya", "Tomás", "Grace", "Liam"]
LAST = ["Nguyen", "Smith", "García", "Okafor", "Hansen", "Rossi", "Kowalski", "Tanaka", "Brown", "Singh"]


def seed(*, counts, rng, log):
    total = counts["events"]
    if not total:
        return
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    offset = Event.objects.count()
    events = []
    for i in range(total):
        kind = rng.randrange(len(KINDS))
        starts = now + timedelta(days=rng.randint(-5 * 365, 365), hours=rng.randint(0, 10))
        event = Event(
            title=f"{TITLES[kind]} {starts:%B %Y}",
            slug=f"scale-event-{offset + i}",
            kind=KINDS[kind],
            description="Clinicians present children they are struggling with; the NMT lens helps sequence care.",
            starts_at=starts,
            timezone=rng.choice(ZONES),
            duration=DEFAULT_DURATION,
            join_url=f"https://meet.example.org/nmt-{offset + i}",
            capacity=rng.choice([30, 60, 100, 250]),
            is_published=rng.random() < 0.95,
        )
        event.ends_at = event.starts_at + event.duration  # bulk_create skips save()
        event.description_html = f"<p>{event.description}</p>"
        events.append(event)
    events = Event.objects.bulk_create(events, batch_size=2000)

    registrations = []
    seen = set()
    for i in range(counts["registrations"]):
        event = rng.choice(events)
        email = f"{rng.choice(FIRST).lower()}.{rng.choice(LAST).lower()}{i}@example.org"
        if (event.pk, email) in seen:
            continue
        seen.add((event.pk, email))
        status = rng.choices(["confirmed", "waitlisted", "cancelled"], weights=[85, 5, 10])[0]
        moment = event.starts_at - timedelta(days=rng.randint(1, 60))
        registrations.append(
            Registration(
                event=event,
                name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                email=email,
                organisation=rng.choice(["", "Harbor Family Services", "Northside Schools", "Lakeside Clinic"]),
                role=rng.choice([choice for choice, _ in Registration.Role.choices]),
                is_nmt_certified=rng.random() < 0.3,
                status=status,
                confirmed_at=moment if status == "confirmed" else None,
                waitlisted_at=moment if status == "waitlisted" else None,
                cancelled_at=moment if status == "cancelled" else None,
            )
        )
    Registration.objects.bulk_create(registrations, batch_size=5000)
    log(f"  {len(events)} events, {len(registrations)} registrations")
