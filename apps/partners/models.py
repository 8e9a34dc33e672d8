"""Partner organisations and practices shown in the directory and on the map."""

import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from apps.certifications.models import Certificate
from apps.certifications.models import Kind as CertificateKind
from apps.core.indexes import trigram_index
from apps.core.links import row_url
from apps.core.markdown import render_markdown
from apps.core.models import TimeStampedModel

# A clinician practice is shown at city level: its public coordinates keep two decimals
# (about 1.1 km north-south), and its street address never reaches a public page.
PRACTICE_PRECISION = Decimal("0.01")


def logo_upload_to(instance, filename):
    # The stored name never derives from the uploaded one; a new logo gets a new name, so the
    # logo view can let browsers cache it for a year.
    extension = "png" if filename.lower().endswith(".png") else "jpg"
    return f"partners/logos/{uuid.uuid4().hex}.{extension}"


class PartnerQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def located(self):
        """With coordinates, so they can be placed on the map."""
        return self.filter(latitude__isnull=False, longitude__isnull=False)

    def certified(self, today=None):
        """Linked to a certificate that is active today (not revoked, not past its expiry date)."""
        return self.filter(
            certificate__status=Certificate.Status.ACTIVE,
            certificate__expires_on__gte=today or timezone.localdate(),
        )

    def search(self, text):
        """Every word of `text` appears in the name, city or region (case-insensitive)."""
        matches = models.Q()
        for word in text.split():
            matches &= (
                models.Q(name__icontains=word) | models.Q(city__icontains=word) | models.Q(region__icontains=word)
            )
        return self.filter(matches)

    def with_certified(self, today=None):
        """Annotate `certified_now`: whether the linked certificate is active today."""
        return self.annotate(
            certified_now=models.Case(
                models.When(
                    certificate__status=Certificate.Status.ACTIVE,
                    certificate__expires_on__gte=today or timezone.localdate(),
                    then=models.Value(True),
                ),
                default=models.Value(False),
                output_field=models.BooleanField(),
            )
        )


class Partner(TimeStampedModel):
    """An NMT site, a partner organisation or a clinician's practice, edited by content editors."""

    class Kind(models.TextChoices):
        SITE = "site", "NMT site"
        ORGANISATION = "organisation", "Partner organisation"
        PRACTICE = "practice", "Clinician practice"

    name = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=120, unique=True, help_text="The page address: /partners/the-slug/. Keep it stable once shared."
    )
    kind = models.CharField(
        max_length=20,
        choices=Kind,
        default=Kind.ORGANISATION,
        help_text="A clinician practice is shown at city level only: rounded coordinates and no street address.",
    )
    description = models.TextField(blank=True, max_length=5000, help_text="Markdown. Shown on the partner's page.")
    description_html = models.TextField(editable=False, blank=True)
    website = models.URLField(blank=True, max_length=300)
    email = models.EmailField("public email", blank=True, help_text="Shown to the public.")
    phone = models.CharField("public telephone", max_length=40, blank=True, help_text="Shown to the public.")
    address = models.CharField(
        "street address", max_length=250, blank=True, help_text="Never shown for a clinician practice."
    )
    postal_code = models.CharField(max_length=20, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField("state, province or region", max_length=100, blank=True)
    country = CountryField()
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text="Decimal degrees, −90 to 90 (north is positive). Click the map below to set it.",
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text="Decimal degrees, −180 to 180 (east is positive).",
    )
    logo = models.ImageField(
        upload_to=logo_upload_to,
        blank=True,
        max_length=100,
        help_text="PNG or JPEG. Resized to fit 320 × 320 pixels; its metadata is removed.",
    )
    is_published = models.BooleanField(
        "published", default=False, help_text="Shown in the directory and on the map. Needs coordinates."
    )
    certificate = models.ForeignKey(
        Certificate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partners",
        help_text="The “NMT certified” badge shows only while this certificate is active.",
    )

    history = HistoricalRecords(excluded_fields=["updated_at", "description_html"])
    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["site", "organisation", "practice"]), name="partner_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
                name="partner_latitude_range",
                violation_error_message="Latitude must be between −90 and 90.",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True) | models.Q(longitude__gte=-180, longitude__lte=180),
                name="partner_longitude_range",
                violation_error_message="Longitude must be between −180 and 180.",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="partner_coordinates_paired",
                violation_error_message="Give both latitude and longitude, or neither.",
            ),
            models.CheckConstraint(
                condition=models.Q(is_published=False) | models.Q(latitude__isnull=False),
                name="partner_published_located",
                violation_error_message="A published partner needs coordinates: click the map to place it.",
            ),
        ]
        indexes = [
            models.Index(fields=["is_published", "country", "kind"], name="partner_directory_idx"),
            # The directory's order, walked instead of sorted (a page reads its own rows only).
            models.Index(
                fields=["name", "id"], condition=models.Q(is_published=True), name="partner_directory_order_idx"
            ),
            # The directory's search: every word in the name, the city or the region.
            trigram_index("name", "partner_name_trgm"),
            trigram_index("city", "partner_city_trgm"),
            trigram_index("region", "partner_region_trgm"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        certificate = self.certificate if self.certificate_id else None
        expected = CertificateKind.INDIVIDUAL if self.kind == self.Kind.PRACTICE else CertificateKind.SITE
        if certificate is not None and certificate.kind != expected:
            raise ValidationError(
                {
                    "certificate": "A clinician practice links an individual certificate; "
                    "a site or organisation links a site certificate."
                }
            )

    def save(self, *args, **kwargs):
        self.description_html = render_markdown(self.description)
        if kwargs.get("update_fields") is not None and "description" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "description_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return row_url("partners:detail", slug=self.slug)

    @property
    def is_certified(self):
        """The badge: a linked certificate that is active today (checked now, never stored)."""
        return self.certificate_id is not None and self.certificate.is_active

    @property
    def is_practice(self):
        return self.kind == self.Kind.PRACTICE

    @property
    def public_address(self):
        """The street address as the public may see it: none for a clinician practice."""
        return "" if self.is_practice else self.address

    @property
    def public_postal_code(self):
        return "" if self.is_practice else self.postal_code

    @property
    def public_coordinates(self):
        """(latitude, longitude) as floats for the public, rounded for a practice; None if unplaced."""
        return public_coordinates(self.kind, self.latitude, self.longitude)

    @property
    def logo_url(self):
        if not self.logo:
            return ""
        return reverse("partners:logo", kwargs={"name": self.logo.name.rsplit("/", 1)[-1]})


def public_coordinates(kind, latitude, longitude):
    """The coordinates the public sees. Shared by the pages and the GeoJSON built from `.values()`."""
    if latitude is None or longitude is None:
        return None
    if kind == Partner.Kind.PRACTICE:
        latitude = latitude.quantize(PRACTICE_PRECISION, rounding=ROUND_HALF_UP)
        longitude = longitude.quantize(PRACTICE_PRECISION, rounding=ROUND_HALF_UP)
    return float(latitude), float(longitude)
