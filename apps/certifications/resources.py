"""Export columns (django-import-export) of applications and certificates, for CSV and XLSX.

Exports never carry tokens, document contents or internal notes. Formula escaping is on in the
settings (IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT), so a name like `=HYPERLINK(...)` stays text.
"""

from functools import partial

from django.utils import timezone
from import_export import fields, resources
from import_export.resources import modelresource_factory

from apps.core.countries import country_name

from .models import Application, Certificate
from .sections import all_field_names, answer, label


class ApplicationColumns(resources.ModelResource):
    """The columns about the application itself; ApplicationResource adds one per answer."""

    reference = fields.Field(attribute="reference", column_name="Reference")
    kind = fields.Field(column_name="Kind")
    application_type = fields.Field(attribute="application_type", column_name="Type")
    renews = fields.Field(column_name="Renewal of")
    audit = fields.Field(column_name="Audit")
    status = fields.Field(column_name="Status")
    applicant = fields.Field(column_name="Applicant or organisation")
    submitted_at = fields.Field(column_name="Submitted")
    decided_at = fields.Field(column_name="Decided")
    days_waiting = fields.Field(column_name="Days waiting")
    assigned_to = fields.Field(column_name="Assigned reviewer")
    certificate = fields.Field(column_name="Certificate")

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("program", "assigned_to", "certificate", "works_at", "renews")

    def dehydrate_kind(self, application):
        return application.get_kind_display()

    def dehydrate_status(self, application):
        return application.get_status_display()

    def dehydrate_renews(self, application):
        return application.renews.number if application.renews_id else ""

    def dehydrate_audit(self, application):
        return audit_label(application)

    def dehydrate_applicant(self, application):
        return application.applicant_name

    def dehydrate_submitted_at(self, application):
        return _local(application.submitted_at)

    def dehydrate_decided_at(self, application):
        return _local(application.decided_at)

    def dehydrate_days_waiting(self, application):
        days = application.days_waiting()
        return "" if days is None else days

    def dehydrate_assigned_to(self, application):
        reviewer = application.assigned_to
        return (reviewer.get_full_name() or reviewer.get_username()) if reviewer else ""

    def dehydrate_certificate(self, application):
        certificate = getattr(application, "certificate", None)
        return certificate.number if certificate else ""


APPLICATION_COLUMNS = [
    "reference",
    "kind",
    "application_type",
    "renews",
    "audit",
    "status",
    "applicant",
    "submitted_at",
    "decided_at",
    "days_waiting",
    "assigned_to",
    "certificate",
    # Then every answer of either kind (sections.py), each once, headed with the model's wording.
    *all_field_names(),
]

ApplicationResource = modelresource_factory(
    Application,
    resource_class=ApplicationColumns,
    meta_options={"fields": APPLICATION_COLUMNS, "export_order": APPLICATION_COLUMNS},
    custom_fields={
        name: fields.Field(column_name=label(name), dehydrate_method=partial(answer, name=name))
        for name in all_field_names()
    },
)


class CertificateResource(resources.ModelResource):
    number = fields.Field(attribute="number", column_name="Number")
    holder_name = fields.Field(attribute="holder_name", column_name="Holder")
    kind = fields.Field(column_name="Kind")
    program = fields.Field(attribute="program__name", column_name="Program")
    status = fields.Field(column_name="Status")
    issued_on = fields.Field(attribute="issued_on", column_name="Issued")
    expires_on = fields.Field(attribute="expires_on", column_name="Expires")
    revoked_on = fields.Field(column_name="Revoked")
    email = fields.Field(attribute="email", column_name="Email")
    country = fields.Field(column_name="Country")
    city = fields.Field(attribute="city", column_name="City")
    listed_publicly = fields.Field(column_name="Listed in registry")
    application = fields.Field(attribute="application__reference", column_name="Application")
    renews = fields.Field(attribute="renews__number", column_name="Renews")

    class Meta:
        model = Certificate
        fields = [
            "number",
            "holder_name",
            "kind",
            "program",
            "status",
            "issued_on",
            "expires_on",
            "revoked_on",
            "email",
            "country",
            "city",
            "listed_publicly",
            "application",
            "renews",
        ]
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("program", "application", "renews")

    def dehydrate_kind(self, certificate):
        return certificate.get_kind_display()

    def dehydrate_status(self, certificate):
        return certificate.effective_status().label

    def dehydrate_revoked_on(self, certificate):
        return certificate.revoked_at.date() if certificate.revoked_at else ""

    def dehydrate_country(self, certificate):
        return country_name(certificate.country)

    def dehydrate_listed_publicly(self, certificate):
        return "yes" if certificate.listed_publicly else "no"


def audit_label(application):
    """A renewal's audit in a word or two: "audited", "audit overdue", "not drawn" ("" if not a renewal)."""
    if application.audit_selected is None:
        return ""
    if not application.audit_selected:
        return "not drawn"
    return "audit overdue" if application.audit_overdue else "audited"


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""
