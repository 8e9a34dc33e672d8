"""CSV/XLSX import and export of partners (django-import-export).

Every imported row goes through the model's `full_clean()` (field validators, choices and the
named constraints) before anything is saved; a row with a bad value is reported with its line
number on the confirmation page, and the import cannot be confirmed until the file is fixed.
"""

from decimal import Decimal, InvalidOperation

from django_countries import countries
from import_export import fields, resources, widgets

from apps.certifications.models import Certificate

from .models import Partner
from .services import partner_save, partners_changed, unique_slug


class CoordinateWidget(widgets.DecimalWidget):
    def clean(self, value, row=None, **kwargs):
        if self.is_empty(value):
            return None
        try:
            return Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation as error:
            raise ValueError(f"“{value}” is not a number: use decimal degrees, such as 51.507351.") from error


class CountryWidget(widgets.CharWidget):
    """A two- or three-letter code, or the English name ("GB", "GBR", "United Kingdom")."""

    def clean(self, value, row=None, **kwargs):
        value = (super().clean(value, row, **kwargs) or "").strip()
        if not value:
            return ""
        code = countries.alpha2(value) or countries.by_name(value)
        if not code:
            raise ValueError(f"Unknown country “{value}”: use a two-letter code such as GB, or the English name.")
        return code

    def render(self, value, obj=None, **kwargs):
        return getattr(value, "code", value) or ""


class KindWidget(widgets.CharWidget):
    """A kind's value or its label ("practice" or "Clinician practice")."""

    def clean(self, value, row=None, **kwargs):
        value = (super().clean(value, row, **kwargs) or "").strip()
        if not value:
            return Partner.Kind.ORGANISATION
        for choice, label in Partner.Kind.choices:
            if value.lower() in {choice, label.lower()}:
                return choice
        allowed = ", ".join(Partner.Kind.values)
        raise ValueError(f"Unknown kind “{value}”: use one of {allowed}.")


class StrictBooleanWidget(widgets.BooleanWidget):
    """Yes/no, true/false or 1/0; anything else is an error rather than a silent "no"."""

    TRUE_VALUES = ["1", 1, True, "true", "yes", "y"]
    FALSE_VALUES = ["0", 0, False, "false", "no", "n"]

    def clean(self, value, row=None, **kwargs):
        normalised = value.strip().lower() if isinstance(value, str) else value
        if normalised in ("", None):
            return False
        if normalised in self.TRUE_VALUES:
            return True
        if normalised in self.FALSE_VALUES:
            return False
        raise ValueError(f"“{value}” is not yes or no.")


class CertificateWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(Certificate, field="number")

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip() if isinstance(value, str) else value
        try:
            return super().clean(value, row, **kwargs)
        except Certificate.DoesNotExist as error:
            raise ValueError(f"No certificate is numbered “{value}”.") from error


class PartnerResource(resources.ModelResource):
    kind = fields.Field(attribute="kind", column_name="kind", widget=KindWidget())
    country = fields.Field(attribute="country", column_name="country", widget=CountryWidget())
    latitude = fields.Field(attribute="latitude", column_name="latitude", widget=CoordinateWidget())
    longitude = fields.Field(attribute="longitude", column_name="longitude", widget=CoordinateWidget())
    is_published = fields.Field(attribute="is_published", column_name="is_published", widget=StrictBooleanWidget())
    certificate = fields.Field(attribute="certificate", column_name="certificate", widget=CertificateWidget())

    class Meta:
        model = Partner
        fields = [
            "slug",
            "name",
            "kind",
            "description",
            "website",
            "email",
            "phone",
            "address",
            "postal_code",
            "city",
            "region",
            "country",
            "latitude",
            "longitude",
            "is_published",
            "certificate",
        ]
        export_order = fields
        import_id_fields = ["slug"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._new_slugs = set()

    def before_import(self, dataset, **kwargs):
        # The slug column is optional: new partners get one from their name.
        if "slug" not in dataset.headers:
            dataset.append_col([""] * len(dataset), header="slug")

    def before_import_row(self, row, **kwargs):
        if not (row.get("slug") or "").strip():
            slug = unique_slug(str(row.get("name") or ""), taken=self._new_slugs)
            self._new_slugs.add(slug)
            row["slug"] = slug

    def do_instance_save(self, instance, is_create):
        partner_save(partner=instance)

    def after_import(self, dataset, result, **kwargs):
        if not kwargs.get("dry_run"):
            partners_changed()
