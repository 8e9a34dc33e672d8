"""People's addresses over time, site memberships (coordinator and staff), listing changes a
coordinator proposes, and erasure requests. Accounts are django.contrib.auth users; sign-in is by
email code through django-allauth, which keeps the verified address (allauth's EmailAddress)."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from apps.core.models import TimeStampedModel


class EmailHoldingQuerySet(models.QuerySet):
    def current(self):
        return self.filter(until__isnull=True)


class EmailHolding(models.Model):
    """One person holding one address for a span of time: who held which address when.

    Records (applications, certificates, registrations) carry an email, not an account. A record
    belongs to the holding of its address whose span claims the record's creation time: from
    `claims_from` (the end of the previous holder's span, or the beginning of time) to `until`
    (open while the address is held). So everything made before the account existed belongs to its
    first holder, and an address that passes to someone else passes only what is made after.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_holdings")
    email = models.EmailField(help_text="Stored in lower case.")
    since = models.DateTimeField(default=timezone.now, help_text="When this person confirmed the address.")
    until = models.DateTimeField(null=True, blank=True, help_text="When they gave it up; empty while held.")
    claims_from = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="Records made with this address from then on belong to this holding; empty: all earlier ones too.",
    )

    objects = EmailHoldingQuerySet.as_manager()

    class Meta:
        ordering = ["email", "since"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=models.Q(until__isnull=True), name="email_holding_one_current_holder"
            ),
            models.CheckConstraint(
                condition=models.Q(until__isnull=True) | models.Q(until__gte=models.F("since")),
                name="email_holding_until_after_since",
            ),
        ]
        indexes = [models.Index(Lower("email"), "since", name="email_holding_email_idx")]

    def __str__(self):
        return f"{self.email} ({self.since:%Y-%m-%d}–{self.until:%Y-%m-%d})" if self.until else self.email


class SiteMembership(TimeStampedModel):
    """A person's place at a certified site: its coordinator, or a member of its staff.

    The site is its approved site application. An invitation names an address; it becomes the
    person's membership when they accept it signed in with that address. A staff member shares
    their certifications and applications in progress with the coordinator only while `consent_at`
    is set (one consent, revocable)."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", "Coordinator"
        STAFF = "staff", "Staff member"

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        ACTIVE = "active", "Active"
        DECLINED = "declined", "Declined"
        REMOVED = "removed", "Removed"

    site = models.ForeignKey(
        "certifications.Application",
        on_delete=models.CASCADE,
        related_name="memberships",
        limit_choices_to={"kind": "site", "status": "approved"},
        help_text="The site's approved application.",
    )
    role = models.CharField(max_length=20, choices=Role)
    status = models.CharField(max_length=20, choices=Status, default=Status.INVITED)
    email = models.EmailField(help_text="The address invited, in lower case.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="site_memberships",
        help_text="Set when the person accepts.",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="site_invitations_sent",
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True, help_text="Declined or removed.")
    consent_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="While set, the coordinator sees this person's certifications and applications in progress.",
    )

    class Meta:
        ordering = ["site", "role", "email"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["coordinator", "staff"]), name="site_membership_role_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["invited", "active", "declined", "removed"]),
                name="site_membership_status_valid",
            ),
            # One open invitation or membership per address and site; one coordinator per site.
            models.UniqueConstraint(
                "site",
                Lower("email"),
                condition=models.Q(status__in=["invited", "active"]),
                name="site_membership_one_open_per_email",
            ),
            models.UniqueConstraint(
                "site",
                condition=models.Q(role="coordinator", status="active"),
                name="site_membership_one_coordinator",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="active") | models.Q(user__isnull=False, accepted_at__isnull=False),
                name="site_membership_active_has_user",
            ),
        ]
        indexes = [models.Index(Lower("email"), "status", name="site_membership_email_idx")]

    def __str__(self):
        return f"{self.email}: {self.get_role_display()} of {self.site_id}"


class ListingChange(TimeStampedModel):
    """A site coordinator's proposed change to the site's partner listing, which content editors
    approve (then it is applied to the listing) or reject."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved and applied"
        REJECTED = "rejected", "Rejected"

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="proposed_changes")
    site = models.ForeignKey("certifications.Application", on_delete=models.CASCADE, related_name="listing_changes")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="listing_changes"
    )
    changes = models.JSONField(help_text="The fields changed, with their proposed values.")
    status = models.CharField(max_length=20, choices=Status, default=Status.PENDING, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="listing_changes_decided",
    )
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decision_note = models.TextField(blank=True, help_text="Sent to the coordinator with a rejection.")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "approved", "rejected"]), name="listing_change_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="listing_change_queue_idx")]

    def __str__(self):
        return f"Change to {self.partner_id} ({self.get_status_display()})"


class ErasureRequest(TimeStampedModel):
    """A person's request to erase their data; staff confirm it before anything is deleted."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Waiting for staff"
        COMPLETED = "completed", "Erased"
        DECLINED = "declined", "Declined"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="erasure_requests",
        help_text="Empty once the account itself is erased.",
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.REQUESTED, editable=False)
    reason = models.TextField(blank=True, help_text="Optional: what the person told us.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="erasures_decided",
    )
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decision_note = models.TextField(blank=True)
    summary = models.JSONField(
        default=dict, blank=True, editable=False, help_text="What was deleted, anonymised and kept (counts only)."
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["requested", "completed", "declined"]),
                name="erasure_request_status_valid",
            ),
            models.UniqueConstraint(
                "user", condition=models.Q(status="requested"), name="erasure_request_one_open_per_user"
            ),
        ]

    def __str__(self):
        return f"Erasure request {self.pk} ({self.get_status_display()})"
