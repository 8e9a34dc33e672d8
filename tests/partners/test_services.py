import pytest

from apps.certifications.models import Certificate
from apps.certifications.services import certificate_revoke
from apps.core.starter import Ledger
from apps.partners import sample
from apps.partners.models import Partner
from apps.partners.services import partners_create_for_certified_sites, unique_slug
from tests.factories import make_application, make_partner, make_program

pytestmark = pytest.mark.django_db


def test_only_active_site_certificates_that_agreed_and_have_no_partner_are_added(superuser):
    site = make_program(kind="site")
    make_application(status="approved", program=site, organisation_name="Agreed")
    revoked = make_application(status="approved", program=site, organisation_name="Revoked").certificate
    certificate_revoke(certificate=revoked, user=superuser, reason="Requirements no longer met.")
    make_application(status="approved", program=site, organisation_name="Declined", show_on_map=False)
    make_application(status="approved", full_name="A Clinician")  # an individual certificate

    created = partners_create_for_certified_sites()

    assert [partner.name for partner in created] == ["Agreed"]
    assert partners_create_for_certified_sites() == []


def test_sites_with_the_same_name_get_distinct_slugs():
    site = make_program(kind="site")
    make_partner(name="Harbor", slug="harbor")
    for _ in range(2):
        make_application(status="approved", program=site, organisation_name="Harbor")

    created = partners_create_for_certified_sites()

    assert sorted(partner.slug for partner in created) == ["harbor-2", "harbor-3"]
    assert {partner.certificate for partner in created} == set(Certificate.objects.all())


def test_unique_slug_falls_back_for_names_without_letters():
    assert (unique_slug("Ærø Børn & Unge"), unique_slug("!!!")) == ("aero-born-unge", "partner")


def test_sample_partners_load_once_with_real_certificates():
    sample.load(Ledger("sample"))
    sample.load(Ledger("sample"))

    partners = Partner.objects.select_related("certificate")
    assert partners.count() == 26
    assert all(partner.name.startswith("Sample: ") for partner in partners)
    assert sorted(p.name for p in partners if p.is_certified) == [
        "Sample: Atlanta School Partnership",
        "Sample: Auckland Whānau Services",
        "Sample: Chicago Child Trauma Institute",
        "Sample: Harbor Family Services",
        "Sample: Prairie Child Trauma Centre",
        "Sample: Sydney Developmental Trauma Clinic",
        "Sample: Thames Valley Children's Centre",
        "Sample: Toronto Youth Wellness Centre",
    ]
    assert len({partner.country.code for partner in partners}) == 13
    assert sum(1 for partner in partners if partner.logo) == 5
