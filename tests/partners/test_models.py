from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.certifications.models import Certificate
from apps.certifications.services import certificate_revoke
from apps.partners.models import Partner
from tests.factories import make_partner, make_site_certificate

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("latitude", "longitude", "constraint"),
    [
        (Decimal("90.000001"), Decimal("0"), "partner_latitude_range"),
        (Decimal("-90.5"), Decimal("0"), "partner_latitude_range"),
        (Decimal("0"), Decimal("180.000001"), "partner_longitude_range"),
        (Decimal("0"), Decimal("-181"), "partner_longitude_range"),
        (Decimal("10"), None, "partner_coordinates_paired"),
        (None, Decimal("10"), "partner_coordinates_paired"),
    ],
)
def test_database_refuses_coordinates_out_of_range_or_unpaired(latitude, longitude, constraint):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        make_partner(latitude=latitude, longitude=longitude, is_published=False)

    assert Partner.objects.count() == 0


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(Decimal("90"), Decimal("180")), (Decimal("-90"), Decimal("-180")), (Decimal("0"), Decimal("0"))],
)
def test_database_accepts_coordinates_on_the_limits(latitude, longitude):
    partner = make_partner(latitude=latitude, longitude=longitude)

    partner.refresh_from_db()
    assert (partner.latitude, partner.longitude) == (latitude, longitude)


def test_database_refuses_a_published_partner_without_coordinates():
    with pytest.raises(IntegrityError, match="partner_published_located"), transaction.atomic():
        make_partner(latitude=None, longitude=None, is_published=True)


def test_unpublished_partner_may_wait_for_its_coordinates():
    partner = make_partner(latitude=None, longitude=None, is_published=False)

    assert partner.public_coordinates is None


def test_full_clean_reports_out_of_range_coordinates_at_the_fields():
    partner = Partner(name="X", slug="x", city="Oslo", country="NO", latitude=Decimal("91"), longitude=Decimal("200"))

    with pytest.raises(ValidationError) as error:
        partner.full_clean()

    assert error.value.message_dict["latitude"] == ["Ensure this value is less than or equal to 90."]
    assert error.value.message_dict["longitude"] == ["Ensure this value is less than or equal to 180."]


def test_practice_links_an_individual_certificate_and_a_site_a_site_certificate():
    site_certificate = make_site_certificate()
    partner = Partner(
        name="Practice",
        slug="practice",
        kind=Partner.Kind.PRACTICE,
        city="Houston",
        country="US",
        certificate=site_certificate,
    )

    with pytest.raises(ValidationError) as error:
        partner.full_clean()

    assert error.value.message_dict["certificate"] == [
        "A clinician practice links an individual certificate; a site or organisation links a site certificate."
    ]


def test_practice_is_shown_at_city_level():
    practice = make_partner(
        kind=Partner.Kind.PRACTICE,
        address="12 Elm Street",
        postal_code="77001",
        latitude=Decimal("29.764999"),
        longitude=Decimal("-95.366512"),
    )
    organisation = make_partner(address="1 Main Street", latitude=Decimal("29.764999"), longitude=Decimal("-95.366512"))

    assert (practice.public_coordinates, practice.public_address, practice.public_postal_code) == (
        (29.76, -95.37),
        "",
        "",
    )
    assert (organisation.public_coordinates, organisation.public_address) == ((29.764999, -95.366512), "1 Main Street")


def test_badge_follows_the_certificate_approval_then_revocation(superuser):
    certificate = make_site_certificate()
    partner = make_partner(kind=Partner.Kind.SITE, certificate=certificate)

    assert partner.is_certified is True
    assert list(Partner.objects.certified()) == [partner]

    certificate_revoke(certificate=certificate, user=superuser, reason="Training lapsed.")

    partner = Partner.objects.select_related("certificate").get(pk=partner.pk)
    assert partner.is_certified is False
    assert list(Partner.objects.certified()) == []


def test_badge_goes_when_the_certificate_passes_its_date_before_the_daily_task_runs():
    certificate = make_site_certificate()
    today = timezone.localdate()
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_on=today - timedelta(days=730), expires_on=today - timedelta(days=1)
    )
    partner = make_partner(kind=Partner.Kind.SITE, certificate=certificate)

    partner = Partner.objects.select_related("certificate").get(pk=partner.pk)
    assert partner.certificate.status == Certificate.Status.ACTIVE
    assert partner.is_certified is False
    assert list(Partner.objects.certified()) == []


def test_partner_without_certificate_has_no_badge():
    assert make_partner().is_certified is False


def test_deleting_a_certificate_keeps_the_partner_without_a_link():
    certificate = make_site_certificate()
    partner = make_partner(kind=Partner.Kind.SITE, certificate=certificate)

    Certificate.objects.filter(pk=certificate.pk).delete()

    partner.refresh_from_db()
    assert partner.certificate_id is None


def test_description_is_rendered_and_sanitised():
    partner = make_partner(description='**Welcome** <script>alert("x")</script>')

    assert partner.description_html == "<p><strong>Welcome</strong> </p>"


def test_partner_urls():
    partner = make_partner(slug="harbor")

    assert (str(partner), partner.get_absolute_url(), partner.logo_url) == (partner.name, "/partners/harbor/", "")
