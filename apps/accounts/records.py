"""What belongs to a person: the records made with an address they hold or held, by the rule of
EmailHolding (the span of each holding claims the records made in it). `accounts` composes the other
apps' records here; no other app imports it."""

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from apps.certifications.models import Application, ApplicationDocument, Certificate
from apps.events.models import Registration

from .models import EmailHolding


def holdings_condition(holdings, *, email="email", created="created_at"):
    """A Q selecting the rows whose address and creation time fall in one of `holdings`; a Q that
    selects nothing when there are none. The rows must be aliased with `email_lower`."""
    condition = Q(pk__in=[])
    for holding in holdings:
        part = Q(email_lower=holding.email.lower())
        if holding.claims_from is not None:
            part &= Q(**{f"{created}__gte": holding.claims_from})
        if holding.until is not None:
            part &= Q(**{f"{created}__lt": holding.until})
        condition |= part
    return condition


def _owned(queryset, holdings, *, email="email"):
    return queryset.alias(email_lower=Lower(email)).filter(holdings_condition(holdings))


@dataclass(frozen=True)
class Records:
    """A person's records, as querysets (nothing is read until they are)."""

    applications: QuerySet
    certificates: QuerySet
    registrations: QuerySet
    documents: QuerySet
    inquiries: QuerySet


def records_of(user, *, holdings=None):
    """Everything that belongs to `user`: applications in any state (drafts included), their
    certificates, training registrations, application documents and the messages they sent
    through the contact form."""
    if holdings is None:
        holdings = list(EmailHolding.objects.filter(user=user)) if user.is_authenticated else []
    applications = _owned(Application.objects.all(), holdings)
    application_ids = applications.values("pk")
    certificates = Certificate.objects.filter(
        Q(application__in=application_ids) | Q(pk__in=_owned(Certificate.objects.all(), holdings).values("pk"))
    )
    return Records(
        applications=applications,
        certificates=certificates,
        registrations=_owned(Registration.objects.all(), holdings),
        documents=ApplicationDocument.objects.filter(application__in=application_ids),
        # By name: no app imports `inquiries` (DESIGN.md).
        inquiries=_owned(apps.get_model("inquiries", "Inquiry").objects.all(), holdings),
    )


def holds_address(user, email):
    """True if `user` holds `email` now (case-insensitively)."""
    return EmailHolding.objects.current().filter(user=user, email=email.lower()).exists()
