"""The lifecycle's happy paths, end to end through the services (the full matrix lives with the review work)."""

import pytest

from apps.certifications.models import Certificate, Status
from tests.factories import make_application

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", [s.value for s in Status])
def test_builder_reaches_every_status_through_the_services(status):
    application = make_application(status=status)

    application.refresh_from_db()
    assert application.status == status
    assert (application.reference is None) == (status == Status.DRAFT)


def test_approval_issues_one_active_certificate():
    application = make_application(status=Status.APPROVED)

    certificate = Certificate.objects.get(application=application)
    assert certificate.number.startswith("NMT-C-")
    assert certificate.is_active
    assert certificate.holder_name == "Dana Whitfield"
    assert [e.to_status for e in application.events.all()] == ["submitted", "in_review", "approved"]
