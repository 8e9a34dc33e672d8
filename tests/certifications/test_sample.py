"""The sample applications of `make run`, loaded through the services."""

import pytest

from apps.certifications import sample
from apps.core.starter import Ledger

pytestmark = pytest.mark.django_db


def test_sample_applications_are_labelled_and_reach_their_states_through_the_services(starter_content):
    from apps.certifications.models import Application

    ledger = Ledger("sample")
    sample.load(ledger)
    sample.load(ledger)

    rows = sorted(Application.objects.values_list("kind", "status", "full_name", "organisation_name"))
    assert rows == [
        ("individual", "approved", "Sample: Morgan Lee", ""),
        ("individual", "in_review", "Sample: Amara Okafor", ""),
        ("individual", "info_requested", "Sample: Liam Brennan", ""),
        ("individual", "submitted", "Sample: Dana Whitfield", ""),
        ("individual", "submitted", "Sample: Morgan Lee", ""),
        ("site", "info_requested", "", "Sample: Riverside Primary School"),
        ("site", "submitted", "", "Sample: Harbor Family Services"),
    ]
    assert all(a.reference and a.documents.exists() for a in Application.objects.filter(renews__isnull=True))
    renewal = Application.objects.get(renews__isnull=False)
    assert renewal.renews.application.full_name == "Sample: Morgan Lee"
    assert (renewal.audit_selected, renewal.employer) == (False, "Sample Family Therapy Centre")
    liam = Application.objects.get(full_name="Sample: Liam Brennan")
    assert [e.to_status for e in liam.events.all()] == ["submitted", "in_review", "info_requested"]
