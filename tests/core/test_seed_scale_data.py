"""`manage.py seed_scale_data`: the benchmark data of bench/scale/, under its old name and options."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from apps.certifications.models import Application, Certificate, Status
from apps.events.models import Event, Registration
from apps.faq.models import Question
from apps.library.models import Publication
from apps.partners.models import Partner

pytestmark = pytest.mark.django_db


# VACUUM, which the command ends with, cannot run inside the transaction of an ordinary test.
@pytest.mark.django_db(transaction=True)
def test_seed_scale_data_fills_every_app_with_certificates_built_like_approvals(starter_content):
    out = StringIO()
    call_command(
        "seed_scale_data",
        yes=True,
        faqs=5,
        applications=300,
        partners=20,
        events=4,
        registrations=30,
        publications=6,
        seed=1,
        verbosity=0,
        stdout=out,
    )

    approved = Application.objects.filter(status=Status.APPROVED)
    certificate = Certificate.objects.select_related("application", "program").first()
    assert Application.objects.count() == 300
    assert Certificate.objects.count() == approved.count() > 0
    assert all(
        re.fullmatch(r"NMT-C-\d{4}-\d{5}-[2-9A-Z]{6}", n) for n in Certificate.objects.values_list("number", flat=True)
    )
    assert (certificate.holder_name, certificate.email) == (
        certificate.application.applicant_name,
        certificate.application.email,
    )
    assert (
        Partner.objects.count(),
        Event.objects.count(),
        Publication.objects.filter(slug__startswith="scale-").count(),
    ) == (20, 4, 6)
    assert Question.objects.filter(slug__startswith="scale-").count() == 5
    assert Registration.objects.count() <= 30
    # The planner's statistics and the visibility map are made at the end, and the command says so.
    assert ("VACUUM ANALYZE" in out.getvalue()) == (connection.vendor == "postgresql")


def test_seed_scale_data_refuses_without_yes():
    with pytest.raises(CommandError, match="Pass --yes"):
        call_command("seed_scale_data", applications=1, verbosity=0)
