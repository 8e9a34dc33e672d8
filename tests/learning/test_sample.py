"""The sample CE data `make run` loads: labelled, loaded once, and every CE page has something to show."""

from decimal import Decimal

import pytest

from apps.core.starter import load_from_apps
from apps.learning.models import CECertificate, CreditAward, Requirement, RequirementConfirmation

pytestmark = pytest.mark.django_db


def test_sample_ce_training_has_credit_certificates_and_requirements():
    load_from_apps("starter", prefix="starter")
    load_from_apps("sample", prefix="sample")

    awards = CreditAward.objects.select_related("registration", "offer").order_by("registration__email", "offer")
    assert [(a.registration.email, a.offer.credit_type, a.hours) for a in awards] == [
        ("dana.whitfield@example.org", "apa", Decimal("1.0")),
        ("dana.whitfield@example.org", "nbcc", Decimal("1.5")),
        ("sample.chen@example.org", "apa", Decimal("1.0")),
        ("sample.chen@example.org", "nbcc", Decimal("1.5")),
        # Ruiz left for 18 minutes in the first hour: it is void.
        ("sample.ruiz@example.org", "apa", Decimal("0.0")),
        ("sample.ruiz@example.org", "nbcc", Decimal("1.0")),
    ]
    certificates = CECertificate.objects.order_by("credit_type")
    assert [(c.participant_name, c.credit_type, c.hours) for c in certificates] == [
        ("Sample: Dana Whitfield", "APA (psychologists)", Decimal("1.0")),
        ("Sample: Dana Whitfield", "NBCC (counsellors)", Decimal("1.5")),
    ]
    assert all(c.event_title.startswith("Sample: ") and c.approval_statement.startswith("Sample") for c in certificates)
    assert all(r.title.startswith("Sample: ") for r in Requirement.objects.all())
    assert Requirement.objects.filter(program__slug="nmt-phase-i").count() == 3
    assert RequirementConfirmation.objects.get().email == "dana.whitfield@example.org"


def test_sample_ce_loads_once():
    load_from_apps("starter", prefix="starter")
    load_from_apps("sample", prefix="sample")
    load_from_apps("sample", prefix="sample")

    assert CECertificate.objects.count() == 2
    assert Requirement.objects.count() == 3


def test_the_sample_clinician_sees_her_ce_transcript_in_my_nmt(client):
    from apps.accounts.services import account_for_address, email_holding_start

    load_from_apps("starter", prefix="starter")
    load_from_apps("sample", prefix="sample")
    # As her first sign-in by code leaves her: the account holds the address and what was made with it.
    clinician = account_for_address(email="dana.whitfield@example.org")
    email_holding_start(user=clinician, email="dana.whitfield@example.org")
    client.force_login(clinician, backend="allauth.account.auth_backends.AuthenticationBackend")

    page = client.get("/my/ce/").content.decode()

    numbers = list(CECertificate.objects.values_list("number", flat=True))
    assert len(numbers) == 2
    assert all(number in page for number in numbers)
