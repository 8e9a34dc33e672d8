"""Certification programs, individual and site applications with their documents and history,
and the certificates an approval issues."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from apps.core.indexes import trigram_index
from apps.core.links import row_url
from apps.core.markdown import render_markdown
from apps.core.models import TimeStampedModel
from apps.core.storage import private_storage

from .enums import DocumentKind, HeardAbout, Kind, OrganisationType, Population  # noqa: F401 - shared choices, also imported from here
from .lifecycle import AWAITING_REVIEW, DECIDED, WITHDRAW, Status

# A renewal in these states stops the reminders: under review, or done.
RENEWAL_UNDER_WAY = sorted(
    {Status.SUBMITTED, Status.IN_REVIEW, Status.INFO_REQUESTED, Status.ANSWERED, Status.APPROVED}
)

# PROGRAMS

DEFAULT_RENEWAL_ATTESTATIONS = (
    "I have continued to use the NMT in my practice since my last certificate.\n"
    "I have completed NMT training, supervision or case-based learning since my last certificate."
)


class ProgramQuerySet(models.QuerySet):
    def open(self):
        return self.filter(is_open=True)

    def individual(self):
        return self.filter(kind=Kind.INDIVIDUAL)

    def site(self):
        return self.filter(kind=Kind.SITE)


class Program(TimeStampedModel):
    """A certification track: an individual level (NMT Phase I, Phase II…) or a site certification."""

    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind, help_text="Who applies: a person or an organisation.")
    order = models.PositiveIntegerField(default=0, help_text="Lower numbers are listed first.")
    summary = models.CharField(max_length=300, help_text="One or two sentences for the programs page.")
    description = models.TextField(blank=True, help_text="Markdown.")
    description_html = models.TextField(editable=False, blank=True)
    requirements = models.TextField(blank=True, help_text="Markdown: what an applicant must have completed.")
    requirements_html = models.TextField(editable=False, blank=True)
    fee_text = models.CharField(
        "fee", max_length=200, blank=True, help_text="As shown to applicants, e.g. “USD 450, invoiced on approval”."
    )
    validity_months = models.PositiveSmallIntegerField(
        default=24, help_text="How long a certificate from this program stays valid."
    )
    is_open = models.BooleanField("open for applications", default=True)
    # Renewal (issue 14): when a certificate of this program may be renewed, and how renewals are audited.
    renewal_window_days = models.PositiveSmallIntegerField(
        "renewal opens (days before expiry)",
        default=90,
        help_text="A holder may renew from this many days before the certificate expires.",
    )
    renewal_grace_days = models.PositiveSmallIntegerField(
        "grace period (days after expiry)",
        default=90,
        help_text="A holder may still renew this many days after expiry (shown as expired meanwhile); "
        "after it they apply anew. At most 365.",
    )
    renewal_audit_percent = models.PositiveSmallIntegerField(
        "renewals audited (%)",
        default=10,
        help_text="The share of submitted renewals drawn at random for an audit of their evidence.",
    )
    renewal_audit_days = models.PositiveSmallIntegerField(
        "audit deadline (days)",
        default=30,
        help_text="How long an audited holder has to send the evidence asked for.",
    )

    renewal_attestations = models.TextField(
        "renewal attestations",
        blank=True,
        default=DEFAULT_RENEWAL_ATTESTATIONS,
        help_text="What a holder confirms when renewing, one statement per line; each is a box they must tick.",
    )

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "order", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=Kind.values), name="program_kind_valid"),
            models.CheckConstraint(condition=models.Q(validity_months__gte=1), name="program_validity_positive"),
            models.CheckConstraint(
                condition=models.Q(renewal_grace_days__lte=365), name="program_renewal_grace_at_most_a_year"
            ),
            models.CheckConstraint(
                condition=models.Q(renewal_audit_percent__lte=100), name="program_renewal_audit_percent_valid"
            ),
            models.CheckConstraint(condition=models.Q(renewal_audit_days__gte=1), name="program_renewal_audit_days"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.description_html = render_markdown(self.description)
        self.requirements_html = render_markdown(self.requirements)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{reverse('certifications:programs')}#{self.slug}"

    def audit_due_on(self, today=None):
        """The deadline of an audit requested on `today`."""
        return (today or timezone.localdate()) + timedelta(days=self.renewal_audit_days)

    @property
    def attestation_list(self):
        """The renewal attestations, one per non-empty line."""
        return [line.strip() for line in self.renewal_attestations.splitlines() if line.strip()]


class RequestedDocument(models.Model):
    """A kind of document a program asks for, required or optional, with a hint."""

    kind = models.CharField(max_length=30, choices=DocumentKind)
    required = models.BooleanField(default=True)
    help_text = models.CharField(max_length=200, blank=True)

    class Meta:
        abstract = True
        ordering = ["-required", "kind"]

    def __str__(self):
        return f"{self.get_kind_display()} ({'required' if self.required else 'optional'})"


class ProgramDocument(RequestedDocument):
    """A document a program asks applicants for (the individual CV is always asked for)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="documents")

    class Meta(RequestedDocument.Meta):
        constraints = [models.UniqueConstraint(fields=["program", "kind"], name="program_document_unique_kind")]


class RenewalDocument(RequestedDocument):
    """A document a program asks holders for when they renew (evidence of continued practice and
    training, for example), declared like the application's documents."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="renewal_documents")

    class Meta(RequestedDocument.Meta):
        constraints = [models.UniqueConstraint(fields=["program", "kind"], name="renewal_document_unique_kind")]


# APPLICATIONS


class ApplicationQuerySet(models.QuerySet):
    def submitted(self):
        """Everything past the draft stage."""
        return self.exclude(status=Status.DRAFT)

    def awaiting_review(self):
        """What the review queue shows: submitted, answered and in review."""
        return self.filter(status__in=sorted(AWAITING_REVIEW))  # sorted: the same SQL as its index

    def individual(self):
        return self.filter(kind=Kind.INDIVIDUAL)

    def site(self):
        return self.filter(kind=Kind.SITE)

    def renewals(self):
        return self.filter(renews__isnull=False)

    def audits_overdue(self):
        """Renewals whose audit evidence did not arrive by the deadline (the daily job returned them to
        review), not yet decided."""
        return self.filter(audit_overdue_at__isnull=False, status__in=sorted(AWAITING_REVIEW))

    def audits_lapsing(self, today=None):
        """Audits still waiting for their evidence after the deadline: the daily job's work."""
        return self.filter(
            status=Status.INFO_REQUESTED, audit_selected=True, audit_due_on__lt=today or timezone.localdate()
        )


def answered_first():
    """The review queue's first sort key: 0 for an answered information request, 1 for the rest."""
    return models.Case(models.When(status=Status.ANSWERED, then=models.Value(0)), default=models.Value(1))


class Application(TimeStampedModel):
    """One application, individual or site. Fields of the other kind stay empty.

    `status` is written only by services/transitions.py; `reference` is given at submission.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=20, unique=True, null=True, blank=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind, editable=False)
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT, editable=False)
    # A key carried by the form: a double click or a resubmitted POST finds the application it made.
    submission_key = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    # Bumped to revoke every private link sent so far.
    token_version = models.PositiveIntegerField(default=1, editable=False)

    # The applicant's answers. Their wording is here (verbose_name, help_text); which kind asks which,
    # in what order and under which heading, is sections.py.

    # Contact (the applicant, or the site coordinator)
    email = models.EmailField(
        help_text="We write to this address about the application and send your private links to it."
    )
    phone = models.CharField(
        "telephone", max_length=40, blank=True, help_text="Include the country code, e.g. +1 713 555 0100."
    )
    country = CountryField()
    city = models.CharField(max_length=100)

    # Individual
    full_name = models.CharField(max_length=150, blank=True, help_text="As it should appear on your certificate.")
    profession = models.CharField(
        max_length=120,
        blank=True,
        help_text="For example: clinical psychologist, social worker, occupational therapist.",
    )
    credential_type = models.CharField(
        "type of licence or credential",
        max_length=120,
        blank=True,
        help_text="For example: licensed clinical social worker (LCSW).",
    )
    credential_number = models.CharField(
        "licence or credential number",
        max_length=80,
        blank=True,
        help_text="If your licence or credential has a number.",
    )
    credential_issuer = models.CharField(
        "issuing body", max_length=150, blank=True, help_text="The board, college or body that issued it."
    )
    employer = models.CharField(
        "employer or organisation",
        max_length=200,
        blank=True,
        help_text="Leave empty if you are in private practice.",
    )
    works_at = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_applications",
        limit_choices_to={"kind": "site", "status": "approved"},
        verbose_name="NMT site you work at",
        help_text="Optional: the certificate number of the certified NMT site where you work, as its coordinator "
        "gives it (like NMT-C-2026-00012-7KQX4M). The site’s coordinator then confirms that you work there.",
    )
    years_of_practice = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Whole years since you were first licensed or credentialed."
    )
    prior_training = models.TextField(
        "prior NMT training",
        blank=True,
        max_length=3000,
        help_text="NMT trainings, case-based trainings or levels you have completed, with the year.",
    )
    heard_about = models.CharField("heard of the NMT through", max_length=20, choices=HeardAbout, blank=True)
    motivation = models.TextField(
        "statement of motivation",
        blank=True,
        max_length=5000,
        help_text="Why you are applying and how you will use the NMT in your work. Up to 5,000 characters.",
    )
    list_in_registry = models.BooleanField(
        "listed in the public registry once certified",
        default=False,
        help_text="The registry shows your name, country, city and level. You can change your mind later by "
        "writing to us.",
    )

    # Site
    organisation_name = models.CharField(
        max_length=200, blank=True, help_text="As it should appear on the certificate."
    )
    organisation_type = models.CharField("type of organisation", max_length=20, choices=OrganisationType, blank=True)
    website = models.URLField(blank=True, help_text="Optional, e.g. https://www.example.org")
    address_line1 = models.CharField("street address", max_length=200, blank=True)
    address_line2 = models.CharField("address line 2", max_length=200, blank=True)
    postal_code = models.CharField(max_length=20, blank=True, help_text="Optional where your country has none.")
    region = models.CharField("state, province or region", max_length=100, blank=True, help_text="Optional.")
    staff_to_train = models.PositiveIntegerField(
        "number of staff to be trained",
        null=True,
        blank=True,
        help_text="Roughly how many staff will take part in the training.",
    )
    settings_served = models.TextField(
        blank=True,
        max_length=3000,
        help_text="For example: outpatient clinic, classrooms, residential units, home visits.",
    )
    coordinator_name = models.CharField(
        "coordinator’s name",
        max_length=150,
        blank=True,
        help_text="The person who coordinates the NMT at the site; we write to them.",
    )
    coordinator_role = models.CharField("coordinator’s role", max_length=120, blank=True)
    sponsor_name = models.CharField(
        "sponsor’s name",
        max_length=150,
        blank=True,
        help_text="The executive who supports the site’s certification.",
    )
    sponsor_title = models.CharField("sponsor’s title", max_length=120, blank=True)
    sponsor_email = models.EmailField("sponsor’s email", blank=True, help_text="Optional.")
    services_description = models.TextField(
        "description of services",
        blank=True,
        max_length=5000,
        help_text="What the organisation does and for whom. Up to 5,000 characters.",
    )
    sustainability_plan = models.TextField(
        "how the NMT will be sustained",
        blank=True,
        max_length=5000,
        help_text="Internal trainers, supervision, case reviews, budget: how the NMT will last beyond the first "
        "training. Up to 5,000 characters.",
    )
    show_on_map = models.BooleanField(
        "shown on the partner map once certified",
        default=False,
        help_text="The map shows the organisation’s name, city and website.",
    )

    # Both
    populations = models.JSONField(
        "populations served", default=list, blank=True, help_text="Choose every population you work with."
    )
    consent_privacy = models.BooleanField("agreed to the privacy notice", default=False)

    # Renewal (issue 14): the certificate this application renews, what the holder attested, and
    # the audit draw made at submission (recorded once, never changed).
    renews = models.ForeignKey(
        "Certificate",
        # An erasure past retention may delete the old certificate; the renewal stays, unlinked.
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="renewals",
        verbose_name="renewal of",
    )
    attestations = models.JSONField(
        "attested", default=list, blank=True, editable=False, help_text="The statements the holder confirmed."
    )
    audit_selected = models.BooleanField("drawn for audit", null=True, blank=True, editable=False)
    audit_drawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    audit_due_on = models.DateField("audit evidence due", null=True, blank=True, editable=False)
    audit_overdue_at = models.DateTimeField("audit evidence overdue since", null=True, blank=True, editable=False)

    # Workflow
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_applications",
        verbose_name="assigned reviewer",
    )

    history = HistoricalRecords(excluded_fields=["token_version", "submission_key", "updated_at"])
    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        permissions = [("reopen_application", "Can reopen a decided application")]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=Kind.values), name="application_kind_valid"),
            models.CheckConstraint(condition=models.Q(status__in=Status.values), name="application_status_valid"),
            models.CheckConstraint(
                condition=models.Q(status=Status.DRAFT)
                | models.Q(reference__isnull=False, submitted_at__isnull=False, consent_privacy=True),
                name="application_submitted_complete",
            ),
            # Only a renewal drawn for audit has an audit deadline.
            models.CheckConstraint(
                condition=models.Q(audit_due_on__isnull=True) | models.Q(audit_selected=True),
                name="application_audit_due_if_drawn",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="application_queue_idx"),
            models.Index(fields=["kind", "status"], name="application_kind_status_idx"),
            models.Index(fields=["assigned_to", "status"], name="application_reviewer_idx"),
            models.Index(fields=["program", "status"], name="application_program_idx"),
            models.Index(fields=["country"], name="application_country_idx"),
            # A person's records by their address (My NMT), whatever the case they typed it in.
            models.Index(Lower("email"), name="application_email_lower_idx"),
            # The audits whose evidence came late or never (the queue's "audits overdue" filter).
            models.Index(
                fields=["submitted_at"],
                condition=models.Q(audit_overdue_at__isnull=False),
                name="application_audit_overdue_idx",
            ),
            # The audits waiting for evidence, by deadline (for the daily job that finds the overdue ones).
            models.Index(
                fields=["audit_due_on"],
                condition=models.Q(audit_selected=True, status="info_requested"),
                name="application_audit_due_idx",
            ),
            # The queue's order (oldest first, newest first for the other views), walked instead of sorted.
            models.Index(fields=["submitted_at", "id"], name="application_submitted_idx"),
            # The queue's own order (answers first, then oldest first) among what awaits review.
            models.Index(
                answered_first(),
                models.F("submitted_at"),
                models.F("id"),
                condition=models.Q(status__in=sorted(AWAITING_REVIEW)),
                name="application_queue_order_idx",
            ),
            # Admin search filters on UPPER(column::text) LIKE UPPER('%term%') in PostgreSQL: trigram GIN
            # indexes on exactly that expression keep it fast on 100,000 applications. The embedded
            # SQLite of `make run` has no GIN: its backend (nmt_portal/sqlite) leaves PostgreSQL-only indexes out.
            *[
                trigram_index(field, name)
                for field, name in [
                    ("reference", "application_reference_trgm"),
                    ("full_name", "application_full_name_trgm"),
                    ("organisation_name", "application_org_name_trgm"),
                    ("email", "application_email_trgm"),
                    ("coordinator_name", "application_coord_name_trgm"),
                ]
            ],
        ]

    def __str__(self):
        return f"{self.reference or 'Draft'}: {self.applicant_name}"

    @property
    def applicant_name(self):
        """The person's name for an individual application, the organisation's for a site."""
        return self.full_name if self.kind == Kind.INDIVIDUAL else self.organisation_name

    @property
    def is_decided(self):
        return self.status in DECIDED

    @property
    def is_renewal(self):
        return self.renews_id is not None

    @property
    def application_type(self):
        """ "Renewal" or "New application": what the queue, the exports and the emails call it."""
        return "Renewal" if self.is_renewal else "New application"

    @property
    def audit_overdue(self):
        """The audit's evidence did not arrive by its deadline, and no decision has been made yet."""
        return self.audit_overdue_at is not None and self.status in AWAITING_REVIEW

    @property
    def can_withdraw(self):
        return WITHDRAW.allows(self.status)

    def days_waiting(self, today=None):
        if not self.submitted_at or self.is_decided or self.status == Status.WITHDRAWN:
            return None
        return ((today or timezone.localdate()) - timezone.localdate(self.submitted_at)).days


class ReferenceCounter(models.Model):
    """The last number given per prefix and year; rows are locked while a number is taken."""

    prefix = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="reference_counter_unique")]

    def __str__(self):
        return f"{self.prefix}-{self.year}: {self.last_value}"


def document_upload_to(instance, filename):
    # The stored name never derives from the uploaded one: no traversal, no collisions, no leaks.
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[instance.content_type]
    return f"applications/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class ApplicationDocument(models.Model):
    """A validated upload, in private storage only. Staff read it through a permission-checked view."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=30, choices=DocumentKind)
    file = models.FileField(storage=private_storage, upload_to=document_upload_to, max_length=200)
    original_name = models.CharField(max_length=150, help_text="As the applicant named it, cleaned.")
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(content_type__in=["application/pdf", "image/jpeg", "image/png"]),
                name="document_content_type_allowed",
            ),
            models.CheckConstraint(condition=models.Q(size__lte=10 * 1024 * 1024), name="document_size_limit"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name}"


class ApplicationEvent(models.Model):
    """One step of the timeline: a status change with the message the applicant may read."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="application_events",
        help_text="Empty when the applicant acted.",
    )
    from_status = models.CharField(max_length=20, choices=Status, blank=True)
    to_status = models.CharField(max_length=20, choices=Status)
    message = models.TextField(blank=True, help_text="Shown to the applicant on the status page.")

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["application", "created_at"], name="application_event_idx")]

    def __str__(self):
        return f"{self.get_from_status_display() or 'new'} → {self.get_to_status_display()}"


class ApplicationNote(models.Model):
    """A staff-only note on an application; never shown to the applicant."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="application_notes"
    )
    created_at = models.DateTimeField(default=timezone.now)
    text = models.TextField(max_length=5000)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Note by {self.author} at {self.created_at:%Y-%m-%d %H:%M}"


# CERTIFICATES


class CertificateQuerySet(models.QuerySet):
    def active(self, today=None):
        """Valid today: not revoked and not past expiry, whether or not the daily task has run yet."""
        return self.filter(status=Certificate.Status.ACTIVE, expires_on__gte=today or timezone.localdate())

    def current(self):
        """The current certificate of each line: not renewed by a certificate that stands (a renewal
        whose decision was reopened is revoked, and gives the line back). Read from the stored
        `superseded`, which the registry's ordered index carries, so a late page of the registry
        reads index keys alone."""
        return self.filter(superseded=False)

    def listed(self):
        """Shown in the public registry: the holder agreed (always true of sites), and the certificate
        is the current one of its line."""
        return self.filter(listed_publicly=True).current()

    def renewal_in_progress(self):
        """Certificates with a renewal submitted and not withdrawn or rejected (under review or approved)."""
        return self.filter(renewals__status__in=RENEWAL_UNDER_WAY).distinct()


class Certificate(TimeStampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"

    # NMT-C-<year>-<sequence>-<six random characters>; numbers issued before the random ending
    # (NMT-C-2026-00031) keep verifying as they are.
    number = models.CharField(max_length=30, unique=True, editable=False)
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="certificate", editable=False
    )
    # The certificate this one renews: each certificate in a line is renewed by at most one.
    renews = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="renewed_by"
    )
    kind = models.CharField(max_length=20, choices=Kind, editable=False)
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="certificates", editable=False)
    holder_name = models.CharField(max_length=200)
    email = models.EmailField(help_text="Where renewal reminders go.")
    country = CountryField()
    city = models.CharField(max_length=100, blank=True)
    listed_publicly = models.BooleanField("listed in the public registry", default=False)
    # Renewed by a certificate that stands (active or expired, not revoked): kept by the renewal's
    # save and delete (Certificate.save, _predecessor_current_again), read by current() and the registry.
    superseded = models.BooleanField(default=False, editable=False)
    issued_on = models.DateField(editable=False)
    expires_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status, default=Status.ACTIVE, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_reason = models.TextField(blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="revoked_certificates",
    )
    # Renewal reminders, each sent once.
    reminded_90_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_30_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_0_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_grace_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Staff may keep one certificate's renewal open past its grace period, with a reason.
    renewal_extended_until = models.DateField(null=True, blank=True, editable=False)
    renewal_extension_reason = models.TextField(blank=True, editable=False)
    renewal_extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="renewal_extensions",
    )

    # superseded is derived from the renewal, whose own history says when.
    history = HistoricalRecords(excluded_fields=["updated_at", "superseded"])
    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-number"]
        permissions = [
            ("revoke_certificate", "Can revoke a certificate"),
            ("extend_renewal", "Can extend a certificate's renewal window"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__gt=models.F("issued_on")), name="certificate_expires_after_issue"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="revoked") | ~models.Q(revoked_reason=""),
                name="certificate_revoked_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "expires_on"], name="certificate_validity_idx"),
            models.Index(Lower("email"), name="certificate_email_lower_idx"),
            models.Index(fields=["listed_publicly", "kind", "country"], name="certificate_registry_idx"),
            # The admin list's order (newest first), walked backwards instead of sorted.
            models.Index(fields=["issued_on", "number"], name="certificate_issued_idx"),
            # The registry's order among the listed certificates, walked instead of sorted.
            models.Index(
                fields=["holder_name", "number", "expires_on", "id"],
                condition=models.Q(status="active", listed_publicly=True, superseded=False),
                name="certificate_current_order_idx",
            ),
            # The registry's search: every word in the holder's name or the city.
            trigram_index("holder_name", "certificate_holder_name_trgm"),
            trigram_index("city", "certificate_city_trgm"),
        ]

    def __str__(self):
        return f"{self.number}: {self.holder_name}"

    def get_absolute_url(self):
        return row_url("certifications:verify", number=self.number)

    def save(self, *args, update_fields=None, **kwargs):
        super().save(*args, update_fields=update_fields, **kwargs)
        # Only a save that may change the status moves the line (not a reminder's timestamp).
        if self.renews_id is not None and (update_fields is None or "status" in update_fields):
            self._mark_predecessor(superseded=self.status != self.Status.REVOKED)

    def _mark_predecessor(self, *, superseded):
        """The certificate this one renews is superseded while this one stands. An UPDATE of one
        column, so the predecessor's history and updated_at stay as they are."""
        Certificate.objects.filter(pk=self.renews_id).exclude(superseded=superseded).update(superseded=superseded)

    def effective_status(self, today=None):
        """The status as of `today`: an active certificate past its date is expired even before
        the daily task has marked it."""
        if self.status == self.Status.ACTIVE and self.expires_on < (today or timezone.localdate()):
            return self.Status.EXPIRED
        return self.Status(self.status)

    @property
    def is_active(self):
        return self.effective_status() == self.Status.ACTIVE

    @property
    def starts_later(self):
        """A renewal approved before the old expiry starts the day after it; until then the old one
        certifies the holder, and the line stays valid without a gap."""
        return self.issued_on > timezone.localdate()

    def days_to_expiry(self, today=None):
        return (self.expires_on - (today or timezone.localdate())).days

    # RENEWAL: from the program's window before expiry to the end of its grace period after it.

    class RenewalState(models.TextChoices):
        NOT_YET = "not_yet", "Renewal not open yet"
        OPEN = "open", "Renewal open"
        GRACE = "grace", "Expired: renewal still open (grace period)"
        CLOSED = "closed", "Renewal closed: apply anew"

    @property
    def renewal_opens_on(self):
        return self.expires_on - timedelta(days=self.program.renewal_window_days)

    @property
    def grace_ends_on(self):
        return self.expires_on + timedelta(days=self.program.renewal_grace_days)

    @property
    def renewal_closes_on(self):
        """The last day a renewal may be started: the end of the grace period, or a staff extension."""
        return max(self.grace_ends_on, self.renewal_extended_until or self.grace_ends_on)

    def renewal_state(self, today=None):
        """Where the certificate stands for renewal on `today`. A revoked one is never renewed."""
        today = today or timezone.localdate()
        if self.status == self.Status.REVOKED or today > self.renewal_closes_on:
            return self.RenewalState.CLOSED
        if today < self.renewal_opens_on:
            return self.RenewalState.NOT_YET
        if today <= self.expires_on:
            return self.RenewalState.OPEN
        return self.RenewalState.GRACE

    def can_renew(self, today=None):
        """The window is open and the certificate is the current one of its line."""
        return self.renewal_state(today) in {self.RenewalState.OPEN, self.RenewalState.GRACE} and not self.is_renewed

    @property
    def is_renewed(self):
        """Renewed by a certificate that stands (a revoked renewal, its decision reopened, does not count)."""
        successor = getattr(self, "renewed_by", None)
        return successor is not None and successor.status != self.Status.REVOKED

    def first_in_line(self):
        """The first certificate of the line this one continues (itself if it renews none)."""
        certificate = self
        while certificate.renews_id is not None:
            certificate = certificate.renews
        return certificate

    def current_in_line(self):
        """The latest standing certificate of the line this one starts or continues (itself if not renewed)."""
        certificate = self
        while certificate.is_renewed:
            certificate = certificate.renewed_by
        return certificate


@receiver(post_delete, sender=Certificate)
def _predecessor_current_again(sender, instance, **kwargs):
    """A renewal deleted (a superuser's correction, one by one or from the list) gives the line
    back to the certificate it renewed."""
    if instance.renews_id is not None:
        instance._mark_predecessor(superseded=False)
