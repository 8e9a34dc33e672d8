"""Site coordinators and their staff: who may manage a certified site, the invitations, each staff
member's consent, the coordinator's handover, and the listing changes content editors approve.

The coordinator of a site is its active coordinator membership. The first one is claimed by the
person holding the address of the site's approved application (`site_coordinator_claim`); after
that the role passes only by handover, which the new coordinator confirms. Every write here is one
`@transaction.atomic` function that locks the rows it decides on, raises `SiteError` with a message
for the person who acted (and then changes nothing), and queues its emails after the commit.
Nothing here imports `partners`: the Partner model is looked up by label.
"""

import re

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from apps.certifications.lifecycle import AWAITING_REVIEW, Status
from apps.certifications.models import Application, Certificate, Kind
from apps.certifications.services import REMINDER_STAGES, ServiceError
from apps.core.emails import email_queue

from .models import EmailHolding, ListingChange, SiteMembership
from .records import holds_address, records_of

Role = SiteMembership.Role
State = SiteMembership.Status
OPEN = [State.INVITED, State.ACTIVE]

# The partner listing's public fields a coordinator may propose changes to. Name, place and
# coordinates stay with content editors: they move the marker on the map.
LISTING_FIELDS = ["description", "website", "email", "phone", "address", "postal_code"]

# A site's reference as the URL carries it (NMT-S-2026-00012); anything else is no site.
REFERENCE_SHAPE = re.compile(r"[A-Z0-9-]{1,20}")

# What a coordinator sees of a consenting staff member's applications: those not yet decided.
IN_PROGRESS = sorted(AWAITING_REVIEW | {Status.INFO_REQUESTED})


class SiteError(ServiceError):
    """A refusal of a site service: nothing was changed, and the message says why."""


def partner_model():
    return apps.get_model("partners", "Partner")


# READING


def held_addresses(user):
    """The addresses `user` holds now, in lower case."""
    if not user.is_authenticated:
        return []
    return list(EmailHolding.objects.current().filter(user=user).values_list("email", flat=True))


def approved_sites():
    """Certified sites, each once: its first application (its renewals continue it; they are not sites of their own)."""
    return Application.objects.filter(kind=Kind.SITE, status=Status.APPROVED, renews__isnull=True)


def sites_of(user):
    """The user's active memberships (coordinator or staff), each with its site and the site's
    certificate, by organisation name. A holder of a site's address becomes its coordinator here
    first, when the site has none yet."""
    if not user.is_authenticated:
        return []
    site_coordinator_claim(user=user)
    return list(
        SiteMembership.objects.filter(user=user, status=State.ACTIVE)
        .select_related("site", "site__certificate", "site__program")
        .order_by("site__organisation_name", "pk")
    )


def invitations_for(user):
    """Open invitations (staff, or to take over as coordinator) to an address `user` holds."""
    addresses = held_addresses(user)
    if not addresses:
        return []
    return list(
        SiteMembership.objects.alias(email_lower=Lower("email"))
        .filter(email_lower__in=addresses, status=State.INVITED)
        .select_related("site", "invited_by")
        .order_by("created_at", "pk")
    )


def coordinated_site(user, reference):
    """The active coordinator membership of `user` at the site `reference`, or None."""
    if not user.is_authenticated or not REFERENCE_SHAPE.fullmatch(reference):
        return None
    site_coordinator_claim(user=user)
    return (
        SiteMembership.objects.filter(
            user=user, role=Role.COORDINATOR, status=State.ACTIVE, site__reference=reference, site__kind=Kind.SITE
        )
        .select_related("site", "site__program")
        .first()
    )


def certification_of(site, today=None):
    """The site's certificate with the dates a coordinator plans by, or None before one is issued:
    {certificate, status, expires_on, renewal_opens, renewal_closes, renewal_state, days_to_expiry,
    reminders}, by the program's renewal window and grace period."""
    certificate = site_certificate(site)
    if certificate is None:
        return None
    today = today or timezone.localdate()
    reminders = [
        (days, getattr(certificate, field)) for field, _, days, _ in REMINDER_STAGES if getattr(certificate, field)
    ]
    return {
        "certificate": certificate,
        "status": certificate.effective_status(today),
        "expires_on": certificate.expires_on,
        "renewal_opens": certificate.renewal_opens_on,
        "renewal_closes": certificate.renewal_closes_on,
        "renewal_state": certificate.renewal_state(today),
        "days_to_expiry": certificate.days_to_expiry(today),
        "reminders": reminders,
        "can_renew": certificate.can_renew(today),
    }


def site_certificate(site):
    """The site's current certificate: the one its application was issued, or the latest renewal of it."""
    certificate = Certificate.objects.filter(application=site).select_related("program", "renewed_by").first()
    return certificate.current_in_line() if certificate is not None else None


def listing_of(site):
    """The partner listings linked to the site's certificate."""
    certificate = site_certificate(site)
    if certificate is None:
        return []
    return list(partner_model().objects.filter(certificate=certificate).order_by("pk"))


def staff_of(site):
    """The site's staff, invited and active, coordinator invitations included, each with
    `shared`: None without consent, else {certificates, applications} in progress."""
    members = list(
        site.memberships.filter(status__in=OPEN)
        .exclude(role=Role.COORDINATOR, status=State.ACTIVE)
        .select_related("user")
        .order_by("status", "email")
    )
    for member in members:
        member.shared = None
        if member.status == State.ACTIVE and member.role == Role.STAFF and member.consent_at is not None:
            records = records_of(member.user)
            member.shared = {
                "certificates": list(records.certificates.select_related("program").order_by("-issued_on")),
                "applications": list(
                    records.applications.filter(status__in=IN_PROGRESS)
                    .select_related("program")
                    .order_by("-submitted_at")
                ),
            }
    return members


def clinicians_naming(site):
    """Submitted individual applications that name `site` as where the clinician works, each with
    `linked`: whether that address is on the site's staff (invited or active)."""
    applications = list(
        Application.objects.filter(works_at=site, kind=Kind.INDIVIDUAL)
        .exclude(status__in=[Status.DRAFT, Status.WITHDRAWN])
        .select_related("program")
        .order_by("-submitted_at")
    )
    open_members = {
        email.lower(): status
        for email, status in site.memberships.filter(status__in=OPEN).values_list("email", "status")
    }
    for application in applications:
        application.membership_status = open_members.get(application.email.lower())
    return applications


def my_sites_url():
    return f"{settings.SITE_URL}{reverse('accounts:sites')}"


# WRITING


def _lock_site(site):
    return Application.objects.select_for_update().get(pk=site.pk, kind=Kind.SITE)


def _open_membership(site, email):
    return (
        SiteMembership.objects.select_for_update()
        .alias(email_lower=Lower("email"))
        .filter(site=site, email_lower=email, status__in=OPEN)
        .first()
    )


def _lock(membership):
    return SiteMembership.objects.select_for_update().select_related("site").get(pk=membership.pk)


def _site_email_context(site, **extra):
    return {"site_name": site.organisation_name, "my_sites_url": my_sites_url(), **extra}


def _active_coordinator(site):
    return SiteMembership.objects.filter(site=site, role=Role.COORDINATOR, status=State.ACTIVE)


@transaction.atomic
def site_coordinator_claim(*, user):
    """Make `user` the coordinator of every approved site whose application's address they hold
    and which has no coordinator yet; return the memberships made. Idempotent: the site row is
    locked, so two first visits at once make one coordinator."""
    addresses = held_addresses(user)
    if not addresses:
        return []
    candidates = (
        approved_sites()
        .alias(email_lower=Lower("email"))
        .filter(email_lower__in=addresses)
        .exclude(Exists(_active_coordinator(OuterRef("pk"))))
        .values_list("pk", flat=True)
    )
    made = []
    for pk in list(candidates):
        site = Application.objects.select_for_update().get(pk=pk)
        if _active_coordinator(site).exists():
            continue
        email = site.email.lower()
        now = timezone.now()
        existing = _open_membership(site, email)
        if existing is not None:
            # The address was invited as staff (or is on the staff): that row becomes the coordinator's.
            existing.role, existing.status, existing.user = Role.COORDINATOR, State.ACTIVE, user
            existing.accepted_at = existing.accepted_at or now
            existing.save(update_fields=["role", "status", "user", "accepted_at", "updated_at"])
            made.append(existing)
            continue
        made.append(
            SiteMembership.objects.create(
                site=site, role=Role.COORDINATOR, status=State.ACTIVE, email=email, user=user, accepted_at=now
            )
        )
    return made


def _require_coordinator(site, user):
    if not _active_coordinator(site).filter(user=user).exists():
        raise SiteError("Only the site’s coordinator can do this.")


@transaction.atomic
def site_staff_invite(*, site, email, invited_by):
    """Invite `email` to the site's staff and email them a link to My NMT (the link signs nobody
    in: they accept signed in with that address). Refused for an address already invited or on
    the staff."""
    site = _lock_site(site)
    _require_coordinator(site, invited_by)
    email = email.strip().lower()
    if _open_membership(site, email) is not None:
        raise SiteError(f"{email} is already invited to {site.organisation_name} or on its staff.")
    membership = SiteMembership.objects.create(
        site=site, role=Role.STAFF, status=State.INVITED, email=email, invited_by=invited_by
    )
    email_queue(
        to=[email],
        template="accounts/email/site_invitation",
        context=_site_email_context(site, coordinator_name=site.coordinator_name),
    )
    return membership


@transaction.atomic
def site_coordinator_handover(*, site, email, by):
    """Ask `email` to take over as the site's coordinator; they confirm in their own My NMT.

    An address already on the staff (or invited) keeps its one membership row, which becomes the
    coordinator invitation; declining or a cancelled handover returns it to what it was. One
    handover waits at a time."""
    site = _lock_site(site)
    _require_coordinator(site, by)
    email = email.strip().lower()
    if site.memberships.filter(role=Role.COORDINATOR, status=State.INVITED).exists():
        raise SiteError("A handover is already waiting for confirmation: cancel it first to ask someone else.")
    membership = _open_membership(site, email)
    if membership is not None and membership.role == Role.COORDINATOR:
        raise SiteError("You are already the coordinator of this site.")
    if membership is not None:
        membership.role, membership.status = Role.COORDINATOR, State.INVITED
        membership.save(update_fields=["role", "status", "updated_at"])
    else:
        membership = SiteMembership.objects.create(
            site=site, role=Role.COORDINATOR, status=State.INVITED, email=email, invited_by=by
        )
    email_queue(
        to=[email],
        template="accounts/email/site_handover",
        context=_site_email_context(site, coordinator_name=by.get_full_name() or site.coordinator_name),
    )
    return membership


def _was_staff(membership):
    """A coordinator invitation made from an active staff membership (it has been accepted)."""
    return membership.role == Role.COORDINATOR and membership.status == State.INVITED and membership.accepted_at


def _return_to_staff(membership):
    membership.role, membership.status = Role.STAFF, State.ACTIVE
    membership.save(update_fields=["role", "status", "updated_at"])
    return membership


def _end(membership, status):
    membership.status, membership.ended_at, membership.consent_at = status, timezone.now(), None
    membership.save(update_fields=["status", "ended_at", "consent_at", "updated_at"])
    return membership


def _lock_invitation(membership, user):
    membership = _lock(membership)
    if membership.status != State.INVITED:
        raise SiteError("This invitation is no longer open.")
    if not holds_address(user, membership.email):
        raise SiteError("Sign in with the address this invitation was sent to in order to answer it.")
    return membership


@transaction.atomic
def site_invitation_accept(*, membership, user):
    """Accept an invitation sent to an address `user` holds. A staff invitation makes them staff
    (sharing nothing until they consent); a coordinator invitation makes them the coordinator and
    the previous coordinator a staff member (who may then leave)."""
    _lock_site(membership.site)
    membership = _lock_invitation(membership, user)
    now = timezone.now()
    if membership.role == Role.COORDINATOR:
        previous = (
            SiteMembership.objects.select_for_update()
            .filter(site=membership.site, role=Role.COORDINATOR, status=State.ACTIVE)
            .first()
        )
        if previous is not None:
            # Demoted first: one active coordinator per site, checked at each statement.
            previous.role, previous.consent_at = Role.STAFF, None
            previous.save(update_fields=["role", "consent_at", "updated_at"])
    membership.status, membership.user = State.ACTIVE, user
    membership.accepted_at = membership.accepted_at or now
    membership.save(update_fields=["status", "user", "accepted_at", "updated_at"])
    return membership


@transaction.atomic
def site_invitation_decline(*, membership, user):
    """Decline an invitation sent to an address `user` holds. A staff member who declines to take
    over as coordinator stays on the staff."""
    membership = _lock_invitation(membership, user)
    if _was_staff(membership):
        return _return_to_staff(membership)
    return _end(membership, State.DECLINED)


@transaction.atomic
def site_staff_remove(*, membership, by):
    """The coordinator removes a staff member, or withdraws an invitation (a handover included:
    a staff member asked to take over stays on the staff). Their sharing ends with it."""
    membership = _lock(membership)
    _require_coordinator(membership.site, by)
    if membership.status not in OPEN or (membership.role == Role.COORDINATOR and membership.status == State.ACTIVE):
        raise SiteError(f"{membership.email} is not on the staff of {membership.site.organisation_name}.")
    if _was_staff(membership):
        return _return_to_staff(membership)
    was_active = membership.status == State.ACTIVE
    membership = _end(membership, State.REMOVED)
    if was_active:
        # A member is told; an invitation withdrawn before it was answered simply lapses.
        email_queue(
            to=[membership.email], template="accounts/email/site_removed", context=_site_email_context(membership.site)
        )
    return membership


def _lock_own_staff(membership, user):
    membership = _lock(membership)
    if membership.user_id != user.pk or membership.status != State.ACTIVE:
        raise SiteError("You are not on the staff of this site.")
    if membership.role != Role.STAFF:
        raise SiteError("As the site’s coordinator, hand the role over to someone else before you leave.")
    return membership


@transaction.atomic
def site_staff_leave(*, membership, user):
    """A staff member leaves the site; what they shared is no longer shown."""
    return _end(_lock_own_staff(membership, user), State.REMOVED)


@transaction.atomic
def site_consent_give(*, membership, user):
    """Share `user`'s certifications and applications in progress with the site's coordinator."""
    membership = _lock_own_staff(membership, user)
    if membership.consent_at is None:
        membership.consent_at = timezone.now()
        membership.save(update_fields=["consent_at", "updated_at"])
    return membership


@transaction.atomic
def site_consent_revoke(*, membership, user):
    """Stop sharing; the coordinator sees only the name and address again."""
    membership = _lock_own_staff(membership, user)
    if membership.consent_at is not None:
        membership.consent_at = None
        membership.save(update_fields=["consent_at", "updated_at"])
    return membership


@transaction.atomic
def site_application_link_confirm(*, site, application, by):
    """The coordinator confirms that the clinician of `application`, who named the site, works
    there: their address is invited to the staff (they still accept and consent themselves)."""
    application = Application.objects.get(pk=application.pk)
    if application.works_at_id != site.pk or application.kind != Kind.INDIVIDUAL:
        raise SiteError("This application does not name your site.")
    return site_staff_invite(site=site, email=application.email, invited_by=by)


# LISTING CHANGES


@transaction.atomic
def listing_change_propose(*, site, partner, proposed_by, changes):
    """Record the coordinator's proposed values of the listing's public fields (those that differ
    from the listing's) for content editors to approve. Nothing on the listing changes yet."""
    _require_coordinator(site, proposed_by)
    partner = partner_model().objects.get(pk=partner.pk, certificate=site_certificate(site))
    unknown = set(changes) - set(LISTING_FIELDS)
    if unknown:
        raise SiteError("Only the description, website, email, telephone and address can be changed here.")
    changed = {name: value for name, value in changes.items() if getattr(partner, name) != value}
    if not changed:
        raise SiteError("Nothing was changed: the listing already shows these values.")
    return ListingChange.objects.create(partner=partner, site=site, proposed_by=proposed_by, changes=changed)


def _lock_pending(change, editor):
    if not editor.has_perm("accounts.change_listingchange"):
        raise SiteError("Only content editors can decide on listing changes.")
    change = ListingChange.objects.select_for_update().select_related("site").get(pk=change.pk)
    if change.status != ListingChange.Status.PENDING:
        raise SiteError(f"This change to the listing was already {change.get_status_display().lower()}.")
    return change


def _email_coordinator(site, template, **context):
    addresses = list(_active_coordinator(site).values_list("email", flat=True))
    if addresses:
        email_queue(to=addresses, template=template, context=_site_email_context(site, **context))


@transaction.atomic
def listing_change_approve(*, change, editor):
    """Apply a pending change to the partner listing (its field history records it) and tell the
    site's coordinator."""
    change = _lock_pending(change, editor)
    partner = partner_model().objects.select_for_update().get(pk=change.partner_id)
    fields = [name for name in change.changes if name in LISTING_FIELDS]
    for name in fields:
        setattr(partner, name, change.changes[name])
    try:
        partner.full_clean(exclude=[f.name for f in partner._meta.fields if f.name not in fields])
    except ValidationError as error:
        raise SiteError(f"The change cannot be applied: {' '.join(error.messages)}") from error
    partner.save(update_fields=[*fields, "updated_at"])
    change.status, change.decided_by, change.decided_at = change.Status.APPROVED, editor, timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    _email_coordinator(
        change.site,
        "accounts/email/site_listing_approved",
        listing_url=f"{settings.SITE_URL}{partner.get_absolute_url()}",
    )
    return change


@transaction.atomic
def listing_change_reject(*, change, editor, note):
    """Reject a pending change, telling the coordinator why (`note` is required)."""
    if not note.strip():
        raise SiteError("Say why the change is rejected: the coordinator reads it.")
    change = _lock_pending(change, editor)
    change.status, change.decided_by, change.decided_at = change.Status.REJECTED, editor, timezone.now()
    change.decision_note = note.strip()
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    _email_coordinator(change.site, "accounts/email/site_listing_rejected", note=change.decision_note)
    return change


def pending_changes(site):
    return list(site.listing_changes.filter(status=ListingChange.Status.PENDING).order_by("created_at"))
