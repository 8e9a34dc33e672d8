"""When an attendee's CE certificates are released, issuing them and revoking one: the one place
that decides.

The gate, in order: the event is over; the attendee has credit (a CreditAward of more than 0 hours);
where the event requires an evaluation, it is submitted; where it requires a post-test, an attempt
passed. Then each award with credit becomes a CECertificate: a snapshot of every word it prints.
Issuing is idempotent (a second call, or two workers at once, issue nothing more) because it runs
under a lock on the registration row and the certificates are unique per registration and offer.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from apps.certifications.services.numbers import next_number, with_unguessable_part
from apps.events.models import Registration

from .models import MAX_POST_TEST_ATTEMPTS, CECertificate, CERecord, CESettings, CreditAward, EvaluationResponse

CE_CERTIFICATE_PREFIX = "NMT-CE"


@dataclass(frozen=True)
class CEStanding:
    """Where one registration stands on the way to its CE certificates."""

    event_over: bool
    has_credit: bool
    evaluation_required: bool
    evaluation_done: bool
    post_test_required: bool
    post_test_passed: bool
    post_test_attempts: int
    released: bool

    @property
    def evaluation_pending(self):
        return self.evaluation_required and not self.evaluation_done

    @property
    def post_test_pending(self):
        return self.post_test_required and not self.post_test_passed

    @property
    def post_test_attempts_left(self):
        return 0 if self.post_test_passed else max(MAX_POST_TEST_ATTEMPTS - self.post_test_attempts, 0)

    @property
    def post_test_failed(self):
        """Both attempts used without a pass: no certificate unless staff step in."""
        return self.post_test_pending and self.post_test_attempts_left == 0

    @property
    def can_release(self):
        return self.event_over and self.has_credit and not self.evaluation_pending and not self.post_test_pending


def ce_standing(registration, *, now=None):
    """The CEStanding of `registration` (a few small queries; the registration's event is read)."""
    event = registration.event
    attempts = list(registration.post_test_attempts.values_list("passed", flat=True))
    return CEStanding(
        event_over=event.is_over(now),
        has_credit=CreditAward.objects.filter(registration=registration, hours__gt=0).exists(),
        evaluation_required=event.ce_requires_evaluation,
        evaluation_done=EvaluationResponse.objects.filter(registration=registration).exists(),
        post_test_required=event.ce_requires_post_test,
        post_test_passed=any(attempts),
        post_test_attempts=len(attempts),
        released=CERecord.objects.filter(registration=registration, released_at__isnull=False).exists(),
    )


def release_if_complete(registration, *, now=None):
    """Issue `registration`'s CE certificates if the gate is passed; returns the certificates issued
    by this call (none when the gate is closed or they were issued before)."""
    with transaction.atomic():
        registration = Registration.objects.select_for_update().select_related("event").get(pk=registration.pk)
        standing = ce_standing(registration, now=now)
        if not standing.can_release:
            return []
        return _issue(registration, now=now or timezone.now())


def _issue(registration, *, now):
    event = registration.event
    record, _ = CERecord.objects.get_or_create(registration=registration)
    settings_row = CESettings.load()
    existing = set(registration.ce_certificates.values_list("offer_id", flat=True))
    issued = []
    for award in CreditAward.objects.filter(registration=registration, hours__gt=0).select_related("offer"):
        if award.offer_id in existing:
            continue
        offer = award.offer
        issued.append(
            CECertificate.objects.create(
                number=with_unguessable_part(next_number(CE_CERTIFICATE_PREFIX)),
                registration=registration,
                offer=offer,
                participant_name=registration.name,
                licence_number=record.licence_number,
                event_title=event.title,
                event_starts_on=event.local_start.date(),
                event_ends_on=event.local_end.date(),
                event_format=event.ce_format,
                credit_type=offer.name,
                hours=award.hours,
                provider_name=settings_row.provider_name,
                provider_number=offer.provider_number,
                approval_statement=offer.approval_statement,
                signatory_name=settings_row.signatory_name,
                signatory_title=settings_row.signatory_title,
                issued_at=now,
            )
        )
    if record.released_at is None:
        record.released_at = now
        record.save(update_fields=["released_at"])
    return issued


class CECertificateRevokeError(Exception):
    pass


@transaction.atomic
def ce_certificate_revoke(*, certificate, reason, now=None):
    """Revoke `certificate` for `reason`: its verification page then says it is revoked. Once only."""
    reason = reason.strip()
    if not reason:
        raise CECertificateRevokeError("Give the reason for revoking the certificate.")
    locked = CECertificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.is_revoked:
        raise CECertificateRevokeError(f"CE certificate {locked.number} was already revoked.")
    locked.revoked_at = now or timezone.now()
    locked.revoked_reason = reason
    locked.save(update_fields=["revoked_at", "revoked_reason"])
    return locked
