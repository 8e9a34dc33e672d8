"""The sample My NMT of `make run`: a sample site's coordinator has invited a sample applicant."""

import pytest

from apps.accounts import sample
from apps.accounts.models import SiteMembership
from apps.accounts.records import records_of
from apps.certifications import sample as certification_sample
from apps.core.starter import Ledger
from apps.partners import sample as partner_sample

pytestmark = pytest.mark.django_db


def test_the_sample_coordinator_has_invited_the_sample_applicant(starter_content, mailoutbox):
    ledger = Ledger("sample")
    certification_sample.load(ledger)
    partner_sample.load(ledger)

    sample.load(ledger)
    sample.load(ledger)

    memberships = sorted(SiteMembership.objects.values_list("site__organisation_name", "role", "status", "email"))
    assert memberships == [
        ("Sample: Harbor Family Services", "coordinator", "active", sample.COORDINATOR),
        ("Sample: Harbor Family Services", "staff", "invited", sample.CLINICIAN),
    ]
    coordinator = SiteMembership.objects.get(role="coordinator").user
    assert [a.organisation_name for a in records_of(coordinator).applications] == ["Sample: Harbor Family Services"]


def test_without_the_sample_partners_nothing_is_made(starter_content):
    sample.load(Ledger("sample"))

    assert SiteMembership.objects.count() == 0
