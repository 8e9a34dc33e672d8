"""Benchmark data for `manage.py seed_scale_data`: years of applications, their timelines and certificates."""

from collections import defaultdict
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.certifications.models import (
    Application,
    ApplicationEvent,
    Certificate,
    Kind,
    Program,
    ReferenceCounter,
    Status,
)
from apps.certifications.services import certificate_build, with_unguessable_part
from apps.core.starter import load_from_apps

OPTIONS = {"applications": (100_000, "certification applications over five years (most approved, a recent open queue)")}

FIRST = [
    "Dana",
    "Sam",
    "Jordan",
    "Maria",
    "Aisha",
    "Kenji",
    "Ola",
    "Ingrid",
    "Priya",
    "Tomás",
    "Grace",
    "Liam",
    "Noah",
    "Emma",
    "Yusuf",
    "Chloé",
    "Mateo",
    "Sofia",
    "Hannah",
    "Arjun",
]
LAST = [
    "Whitfield",
    "Nguyen",
    "Smith",
    "García",
    "Okafor",
    "Hansen",
    "Rossi",
    "Kowalski",
    "Tanaka",
    "Brown",
    "Singh",
    "Müller",
    "Dubois",
    "Johansson",
    "O'Neill",
    "Kim",
    "Silva",
    "Cohen",
    "Haddad",
    "Walker",
]
PLACES = [
    ("US", "Houston"),
    ("US", "Chicago"),
    ("US", "Seattle"),
    ("CA", "Calgary"),
    ("CA", "Toronto"),
    ("GB", "Leeds"),
    ("IE", "Cork"),
    ("NO", "Oslo"),
    ("SE", "Malmö"),
    ("AU", "Adelaide"),
    ("NZ", "Wellington"),
    ("DE", "Hamburg"),
    ("NL", "Utrecht"),
    ("ZA", "Cape Town"),
]
PROFESSIONS = [
    "Clinical psychologist",
    "Social worker",
    "Occupational therapist",
    "Psychiatrist",
    "Counsellor",
    "Family therapist",
    "Teacher",
    "Paediatrician",
]
ORG_WORDS = ["Harbor", "Northside", "Lakeside", "Pine Valley", "Riverbend", "Sunrise", "Oak Hill", "Bayview"]
ORG_KINDS = [
    ("clinic", "Family Clinic"),
    ("school", "Academy"),
    ("residential", "Residential Centre"),
    ("child_welfare", "Child Services"),
    ("hospital", "Children's Hospital"),
]
# Status mix of five years of applications: most decided, a working queue of recent ones.
STATUS_WEIGHTS = [
    (Status.APPROVED, 33),
    (Status.REJECTED, 6),
    (Status.WITHDRAWN, 4),
    (Status.SUBMITTED, 3),
    (Status.IN_REVIEW, 3),
    (Status.INFO_REQUESTED, 1),
    (Status.ANSWERED, 1),
    (Status.DRAFT, 2),
]


def seed(*, counts, rng, log):
    total = counts["applications"]
    if not total:
        return
    if not Program.objects.exists():
        load_from_apps("starter", prefix="starter")
    programs = {kind: list(Program.objects.filter(kind=kind)) for kind in Kind.values}
    reviewers = _reviewers()
    now = timezone.now()
    statuses, weights = zip(*STATUS_WEIGHTS, strict=True)
    counters = defaultdict(int, {(c.prefix, c.year): c.last_value for c in ReferenceCounter.objects.all()})

    applications = []
    for i in range(total):
        kind = Kind.SITE if rng.random() < 0.15 else Kind.INDIVIDUAL
        status = rng.choices(statuses, weights)[0]
        created = now - timedelta(days=rng.uniform(0, 5 * 365))
        if status in (Status.SUBMITTED, Status.IN_REVIEW, Status.INFO_REQUESTED, Status.ANSWERED, Status.DRAFT):
            created = now - timedelta(days=rng.uniform(0, 90))  # the open queue is recent
        application = _application(rng, kind, status, created, programs[kind], reviewers, i)
        if status != Status.DRAFT:
            prefix = "NMT-I" if kind == Kind.INDIVIDUAL else "NMT-S"
            year = application.submitted_at.year
            counters[(prefix, year)] += 1
            application.reference = f"{prefix}-{year}-{counters[(prefix, year)]:05d}"
        applications.append(application)
    Application.objects.bulk_create(applications, batch_size=5000)
    log(f"  {len(applications)} applications")

    events, certificates = [], []
    for application in applications:
        events.extend(_timeline(application, rng))
        if application.status == Status.APPROVED:
            year = application.decided_at.year
            counters[("NMT-C", year)] += 1
            number = with_unguessable_part(f"NMT-C-{year}-{counters[('NMT-C', year)]:05d}", rng=rng)
            certificates.append(_certificate(application, number, now))
    ApplicationEvent.objects.bulk_create(events, batch_size=10000)
    Certificate.objects.bulk_create(certificates, batch_size=5000)
    for (prefix, year), value in counters.items():
        ReferenceCounter.objects.update_or_create(prefix=prefix, year=year, defaults={"last_value": value})
    log(f"  {len(events)} timeline events, {len(certificates)} certificates")


def _reviewers():
    User = get_user_model()
    reviewers = []
    for n in range(1, 6):
        user, _ = User.objects.get_or_create(
            username=f"scale-reviewer-{n}",
            defaults={"email": f"scale-reviewer-{n}@example.org", "is_staff": True, "first_name": f"Reviewer {n}"},
        )
        reviewers.append(user)
    return reviewers


def _application(rng, kind, status, created, programs, reviewers, i):
    country, city = rng.choice(PLACES)
    first, last = rng.choice(FIRST), rng.choice(LAST)
    application = Application(
        kind=kind,
        program=rng.choice(programs),
        status=status,
        email=f"{first.lower()}.{last.lower().replace(' ', '')}{i}@example.org".replace("'", ""),
        phone=f"+1 555 {rng.randint(1000, 9999)}",
        country=country,
        city=city,
        populations=rng.sample(["children", "adolescents", "adults", "families"], rng.randint(1, 3)),
        consent_privacy=status != Status.DRAFT,
        created_at=created,
        updated_at=created,
    )
    if kind == Kind.INDIVIDUAL:
        application.full_name = f"{first} {last}"
        application.profession = rng.choice(PROFESSIONS)
        application.credential_type = "Licence"
        application.credential_number = f"LIC-{rng.randint(10000, 99999)}"
        application.credential_issuer = f"{city} licensing board"
        application.employer = f"{rng.choice(ORG_WORDS)} {rng.choice(ORG_KINDS)[1]}"
        application.years_of_practice = rng.randint(1, 35)
        application.motivation = "I work with children who have experienced trauma and want to sequence care better."
        application.list_in_registry = rng.random() < 0.6
    else:
        org_kind, org_suffix = rng.choice(ORG_KINDS)
        application.organisation_name = f"{rng.choice(ORG_WORDS)} {org_suffix} {i}"
        application.organisation_type = org_kind
        application.address_line1 = f"{rng.randint(1, 400)} Main Street"
        application.staff_to_train = rng.randint(5, 80)
        application.coordinator_name = f"{first} {last}"
        application.coordinator_role = "Clinical director"
        application.sponsor_name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        application.services_description = "Outpatient therapy and school outreach for children and families."
        application.sustainability_plan = "Internal trainers and quarterly case reviews."
        application.show_on_map = rng.random() < 0.8
    if status != Status.DRAFT:
        application.submitted_at = created + timedelta(minutes=rng.randint(5, 600))
    if status in (Status.IN_REVIEW, Status.INFO_REQUESTED, Status.ANSWERED, Status.APPROVED, Status.REJECTED):
        application.assigned_to = rng.choice(reviewers)
    if status in (Status.APPROVED, Status.REJECTED):
        application.decided_at = application.submitted_at + timedelta(days=rng.uniform(3, 60))
    return application


def _timeline(application, rng):
    if application.status == Status.DRAFT:
        return []
    at = application.submitted_at
    steps = [("", Status.SUBMITTED, None, "")]
    if application.status == Status.WITHDRAWN:
        steps.append((Status.SUBMITTED, Status.WITHDRAWN, None, ""))
    elif application.status != Status.SUBMITTED:
        steps.append((Status.SUBMITTED, Status.IN_REVIEW, application.assigned_to, ""))
        if application.status in (Status.INFO_REQUESTED, Status.ANSWERED):
            steps.append(
                (Status.IN_REVIEW, Status.INFO_REQUESTED, application.assigned_to, "Please send your licence.")
            )
        if application.status == Status.ANSWERED:
            steps.append((Status.INFO_REQUESTED, Status.ANSWERED, None, "My licence is attached."))
        elif application.status == Status.APPROVED:
            steps.append((Status.IN_REVIEW, Status.APPROVED, application.assigned_to, ""))
        elif application.status == Status.REJECTED:
            steps.append((Status.IN_REVIEW, Status.REJECTED, application.assigned_to, "Training not completed."))
    events = []
    for from_status, to_status, actor, message in steps:
        events.append(
            ApplicationEvent(
                application=application,
                created_at=at,
                actor=actor,
                from_status=from_status,
                to_status=to_status,
                message=message,
            )
        )
        at = min(at + timedelta(days=rng.uniform(0.5, 20)), application.decided_at or at + timedelta(days=30))
    return events


def _certificate(application, number, now):
    certificate = certificate_build(application=application, number=number, issued_on=application.decided_at.date())
    if certificate.expires_on < now.date():
        certificate.status = Certificate.Status.EXPIRED
    return certificate
