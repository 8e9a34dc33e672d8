"""Each person's progress toward a program's requirements, counted from their records (attended
trainings, CE credit awarded) and what staff confirmed for them, by the rules in Requirement's
docstring.

The person is given as two querysets, their registrations and their confirmations, so the caller
decides who they are (accounts' records of a signed-in person; an application's email address);
learning never imports accounts. Every count reads the person's records in at most four queries,
whatever the number of programs, requirements or records."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models.functions import Lower
from django.utils import timezone

from apps.certifications.models import Program
from apps.events.models import Registration

from .models import CreditAward, Requirement, RequirementConfirmation


def _number(value):
    """“3”, and hours as “1.5” or “2” (never “2.0”)."""
    return f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)


@dataclass(frozen=True)
class Evidence:
    """One record that counts: a training attended, the CE hours of one event, a confirmation."""

    title: str
    on: date
    amount: Decimal | int | None = None  # the hours or the count, where it is not simply one

    @property
    def amount_display(self):
        return _number(self.amount)


@dataclass(frozen=True)
class RequirementProgress:
    requirement: Requirement
    done: Decimal | int
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def target(self):
        return self.requirement.target

    @property
    def met(self):
        return self.done >= self.target

    @property
    def done_display(self):
        return _number(self.done)


@dataclass(frozen=True)
class ProgramProgress:
    program: Program
    since: date | None
    requirements: list[RequirementProgress]

    @property
    def met(self):
        return all(item.met for item in self.requirements)


def registrations_by_email(emails):
    """The registrations made with any of `emails`, case-insensitively."""
    lowered = {email.strip().lower() for email in emails if email}
    return Registration.objects.alias(email_lower=Lower("email")).filter(email_lower__in=lowered)


def confirmations_by_email(emails):
    """The staff confirmations recorded for any of `emails`, case-insensitively."""
    lowered = {email.strip().lower() for email in emails if email}
    return RequirementConfirmation.objects.alias(email_lower=Lower("email")).filter(email_lower__in=lowered)


def progress_for(program, *, registrations, confirmations, since=None):
    """`program`'s requirements, each with what the person has done toward it (a list of
    RequirementProgress, in the requirements' order). With `since` (the issue date of the
    certificate a renewal renews), only what was earned on or after that day counts."""
    return progress_of([(program, since)], registrations=registrations, confirmations=confirmations)[0].requirements


def progress_of(targets, *, registrations, confirmations):
    """One ProgramProgress per (program, since) pair of `targets`, in their order; see progress_for.

    `registrations` is a Registration queryset and `confirmations` a RequirementConfirmation
    queryset, both of the one person. An event counts on the day it starts (in the portal's time
    zone, the one certificates are dated in)."""
    targets = list(targets)
    requirements = defaultdict(list)
    for requirement in Requirement.objects.filter(program__in=[program for program, _ in targets]):
        requirements[requirement.program_id].append(requirement)
    kinds = {requirement.kind for program_requirements in requirements.values() for requirement in program_requirements}
    sinces = [since for program, since in targets if requirements[program.pk]]
    # Nothing earlier than the earliest `since` can count anywhere; None when one program counts all.
    earliest = None if not sinces or None in sinces else min(sinces)

    attended = _attended(registrations, earliest) if Requirement.Kind.TRAININGS in kinds else []
    awards = _awards(registrations, earliest) if Requirement.Kind.CE_HOURS in kinds else []
    confirmed = _confirmed(confirmations, requirements, earliest) if Requirement.Kind.CONFIRMED in kinds else {}

    return [
        ProgramProgress(
            program=program,
            since=since,
            requirements=[
                _progress(requirement, since, attended=attended, awards=awards, confirmed=confirmed)
                for requirement in requirements[program.pk]
            ],
        )
        for program, since in targets
    ]


def _started_on(event):
    return timezone.localdate(event.starts_at)


def _attended(registrations, earliest):
    """The person's attended registrations, one per event, earliest first."""
    queryset = registrations.filter(attended=True).select_related("event").order_by("event__starts_at", "pk")
    if earliest is not None:
        queryset = queryset.filter(event__starts_at__date__gte=earliest)
    seen, attended = set(), []
    for registration in queryset.only("event", "event__title", "event__kind", "event__starts_at"):
        if registration.event_id not in seen:  # two addresses registered for one event: one training
            seen.add(registration.event_id)
            attended.append(registration)
    return attended


def _awards(registrations, earliest):
    """The person's CE awards with credit, with their registration's event and their offer."""
    queryset = (
        CreditAward.objects.filter(registration__in=registrations.values("pk"), hours__gt=0)
        .select_related("registration__event", "offer")
        .order_by("registration__event__starts_at", "registration", "pk")
    )
    if earliest is not None:
        queryset = queryset.filter(registration__event__starts_at__date__gte=earliest)
    return list(
        queryset.only(
            "hours",
            "offer",
            "offer__credit_type",
            "registration",
            "registration__event",
            "registration__event__title",
            "registration__event__starts_at",
        )
    )


def _confirmed(confirmations, requirements, earliest):
    """{requirement id: [confirmation, …]} for the confirmed-by-staff requirements asked for."""
    ids = [r.pk for rs in requirements.values() for r in rs if r.kind == Requirement.Kind.CONFIRMED]
    queryset = confirmations.filter(requirement__in=ids).order_by("completed_on", "pk")
    if earliest is not None:
        queryset = queryset.filter(completed_on__gte=earliest)
    found = defaultdict(list)
    for confirmation in queryset:
        found[confirmation.requirement_id].append(confirmation)
    return found


def _progress(requirement, since, *, attended, awards, confirmed):
    kind = requirement.kind
    if kind == Requirement.Kind.TRAININGS:
        evidence = [
            Evidence(registration.event.title, _started_on(registration.event))
            for registration in attended
            if (not requirement.event_kind or registration.event.kind == requirement.event_kind)
            and (since is None or _started_on(registration.event) >= since)
        ]
        return RequirementProgress(requirement, len(evidence), evidence)
    if kind == Requirement.Kind.CE_HOURS:
        # Per event the largest award of the credit type asked for (of any type when none is): an
        # event offering APA and NBCC credit for the same hour counts that hour once.
        largest = {}
        for award in awards:
            event = award.registration.event
            if requirement.credit_type and award.offer.credit_type != requirement.credit_type:
                continue
            if since is not None and _started_on(event) < since:
                continue
            if event.pk not in largest or award.hours > largest[event.pk].hours:
                largest[event.pk] = award
        evidence = [
            Evidence(award.registration.event.title, _started_on(award.registration.event), award.hours)
            for award in largest.values()
        ]
        return RequirementProgress(requirement, sum((item.amount for item in evidence), Decimal(0)), evidence)
    evidence = [
        Evidence(confirmation.note or "Confirmed by NMT staff", confirmation.completed_on, confirmation.count)
        for confirmation in confirmed.get(requirement.pk, [])
        if since is None or confirmation.completed_on >= since
    ]
    return RequirementProgress(requirement, sum(item.amount for item in evidence), evidence)
