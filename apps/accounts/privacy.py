"""Privacy self-service: a person's data as a ZIP, their erasure (asked by them, confirmed by staff),
and the retention rules the daily job applies. The rules are written here once; the privacy notice
(apps/faq/trust_pages.py, "How long we keep it") says the same in words, and a test holds the
notice to these numbers.

What an erasure keeps (everything else about the person is deleted):
- a certificate still in its retention period (valid, or ended less than CERTIFICATE_RETENTION_YEARS
  ago), so that "was X certified on date D" can be answered: for a person, its number, holder's
  name, program, kind, dates and status, no longer in the registry, without city, country or email;
  for a site, the organisation's certificate as it was, without the coordinator's email;
- the application that certificate was issued from, in the same minimal form (APPLICATION_KEPT),
  its timeline's dates and statuses without their messages, no documents and no notes.
Deleted: every other application (drafts, in progress, withdrawn, rejected) with its documents,
timeline and notes, training registrations with their continuing-education records (attendance,
credit, the CE record, evaluation, post-test attempts and CE certificates, which are not kept for
verification), messages sent through the contact form, site memberships, the addresses and their
holdings, the account itself, and every simple-history copy of what was deleted or anonymised.
"""

import io
import json
import logging
import zipfile
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django_countries.fields import Country

from apps.certifications.models import (
    Application,
    ApplicationDocument,
    ApplicationEvent,
    ApplicationNote,
    Certificate,
    Kind,
    Status,
)
from apps.certifications.services import InvalidTransition, MessageRequired, NotPermitted
from apps.certifications.services.documents import delete_files_on_commit
from apps.core.emails import email_queue
from apps.events.models import Registration
from apps.events.services import event_fill_seats
from apps.learning.invitations import invite_pending
from apps.learning.models import AttendanceSession, CECertificate, CreditAward, EvaluationAnswer, PostTestAttempt
from apps.learning.retention import purge_expired_ce_records

from .models import EmailHolding, ErasureRequest
from .records import records_of
from .services import accounts_unconfirmed_remove

logger = logging.getLogger(__name__)

# THE RETENTION RULES

# Staff who may confirm or decline an erasure: site administrators (who hold every permission).
# Reviewers and content editors hold no permission of the accounts app's erasure requests.
ERASURE_PERMISSION = "accounts.change_erasurerequest"

# A certificate stays verifiable for this many years after it expires or is revoked.
CERTIFICATE_RETENTION_YEARS = 7

# Documents of rejected and withdrawn applications are deleted DOCUMENT_RETENTION_MONTHS after the
# decision or the withdrawal (settings; 12 by default): time to answer a complaint or an appeal.
ENDED_STATUSES = (Status.REJECTED, Status.WITHDRAWN)

# The fields of an application an erasure keeps when its certificate is kept; every other answer is
# emptied. The workflow's own fields (reference, status, dates, program, reviewer) stay; a site's
# application keeps the organisation's answers, never the coordinator's or the sponsor's.
APPLICATION_WORKFLOW = {
    "id",
    "public_id",
    "reference",
    "kind",
    "program",
    "status",
    "submission_key",
    "token_version",
    "submitted_at",
    "decided_at",
    "assigned_to",
    "created_at",
    "updated_at",
    "consent_privacy",
}
APPLICATION_KEPT = {
    Kind.INDIVIDUAL: {"full_name"},
    Kind.SITE: {
        "organisation_name",
        "organisation_type",
        "website",
        "address_line1",
        "address_line2",
        "postal_code",
        "region",
        "country",
        "city",
        "staff_to_train",
        "settings_served",
        "services_description",
        "sustainability_plan",
        "populations",
        "show_on_map",
    },
}

# What an erasure empties on a certificate it keeps. A person's certificate leaves the registry and
# keeps what verification shows; a site's stays the organisation's, without the person's address.
CERTIFICATE_CLEARED = {
    Kind.INDIVIDUAL: {"email": "", "country": "", "city": "", "listed_publicly": False},
    Kind.SITE: {"email": ""},
}

# A kept certificate of an erased person: no address to write to, so no renewal reminders either.
ERASED_CERTIFICATES = Q(kind=Kind.INDIVIDUAL, email="")

HISTORY_REASON = "Erased at the holder's request"


def certificate_ended_on(certificate):
    """The day a certificate stopped being valid (revoked or expired), or None while it is valid."""
    if certificate.status == Certificate.Status.REVOKED:
        return timezone.localdate(certificate.revoked_at)
    if certificate.expires_on < timezone.localdate():
        return certificate.expires_on
    return None


def certificate_retained(certificate, *, today=None):
    """True while a certificate must stay verifiable: valid, or ended within the retention period.
    A site's certificate is the organisation's, and a person's erasure never removes it."""
    if certificate.kind == Kind.SITE:
        return True
    ended = certificate_ended_on(certificate)
    cutoff = (today or timezone.localdate()) - relativedelta(years=CERTIFICATE_RETENTION_YEARS)
    return ended is None or ended >= cutoff


def documents_cutoff(now=None):
    """The moment before which an ended application's documents are deleted."""
    return (now or timezone.now()) - relativedelta(months=settings.DOCUMENT_RETENTION_MONTHS)


# DOWNLOAD MY DATA


class _Encoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, Country):
            return o.code
        return super().default(o)


# Never exported: the keys of private links and the internal assignment.
APPLICATION_NOT_EXPORTED = {"id", "public_id", "submission_key", "token_version", "assigned_to"}


def _application_answers(application):
    values = {}
    for field in Application._meta.concrete_fields:
        if field.name in APPLICATION_NOT_EXPORTED:
            continue
        if field.name == "program":
            values["program"] = application.program.name
        else:
            values[field.name] = field.value_from_object(application)
    return values


def _document_path(folder, name, taken):
    """documents/<folder>/<name>, made unique in the archive: a second "cv.pdf" is "cv (2).pdf"."""
    name = name.replace("/", "_").replace("\\", "_").strip(" .") or "document"
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    path, n = f"documents/{folder}/{name}", 1
    while path in taken:
        n += 1
        path = f"documents/{folder}/{stem} ({n}){dot}{extension}"
    taken.add(path)
    return path


def _continuing_education(registration):
    """The CE records of one registration (prefetched by `person_data_export`)."""
    record = getattr(registration, "ce_record", None)
    evaluation = getattr(registration, "evaluation", None)
    return {
        "attendance_sessions": [
            {"joined_at": session.joined_at, "left_at": session.left_at}
            for session in registration.attendance_sessions.all()
        ],
        "credit_awards": [
            {
                "credit_type": award.offer.name,
                "minutes_attended": award.minutes_attended,
                "hours": award.hours,
                "reason": award.reason,
            }
            for award in registration.credit_awards.all()
        ],
        "ce_record": None
        if record is None
        else {
            "licence_number": record.licence_number,
            "invited_at": record.invited_at,
            "released_at": record.released_at,
        },
        "evaluation": None
        if evaluation is None
        else {
            "submitted_at": evaluation.submitted_at,
            "answers": [
                {"question": answer.question.text, "rating": answer.rating, "text": answer.text}
                for answer in evaluation.answers.all()
            ],
        },
        "post_test_attempts": [
            {
                "number": attempt.number,
                "submitted_at": attempt.submitted_at,
                "correct": attempt.correct,
                "total": attempt.total,
                "score_percent": attempt.score_percent,
                "passed": attempt.passed,
            }
            for attempt in registration.post_test_attempts.all()
        ],
        "ce_certificates": [
            {
                "number": certificate.number,
                "credit_type": certificate.credit_type,
                "hours": certificate.hours,
                "licence_number": certificate.licence_number,
                "issued_at": certificate.issued_at,
                "revoked_at": certificate.revoked_at,
                "revoked_reason": certificate.revoked_reason,
            }
            for certificate in registration.ce_certificates.all()
        ],
    }


def person_data_export(*, user):
    """A ZIP (bytes) of everything the portal holds about `user`: `data.json` with every record
    (account, addresses, applications with their timeline and answers, certificates, training
    registrations with their continuing education, contact messages, site memberships, erasure
    requests) and each application document under
    `documents/<reference>/<name>`. Staff's internal notes are not the person's record and stay out.
    The number of queries does not grow with the records."""
    from allauth.account.models import EmailAddress

    records = records_of(user)
    applications = list(
        records.applications.select_related("program")
        .prefetch_related(
            Prefetch("events", queryset=ApplicationEvent.objects.order_by("created_at", "pk")),
            Prefetch("documents", queryset=ApplicationDocument.objects.order_by("uploaded_at", "pk")),
        )
        .order_by("created_at", "pk")
    )
    certificates = records.certificates.select_related("program", "application").order_by("issued_on", "number")
    registrations = (
        records.registrations.select_related("event", "ce_record", "evaluation")
        .prefetch_related(
            Prefetch("attendance_sessions", queryset=AttendanceSession.objects.order_by("joined_at", "pk")),
            Prefetch("credit_awards", queryset=CreditAward.objects.select_related("offer")),
            Prefetch("evaluation__answers", queryset=EvaluationAnswer.objects.select_related("question")),
            Prefetch("post_test_attempts", queryset=PostTestAttempt.objects.order_by("number")),
            Prefetch("ce_certificates", queryset=CECertificate.objects.order_by("issued_at", "pk")),
        )
        .order_by("event__starts_at", "pk")
    )
    inquiries = records.inquiries.order_by("created_at", "pk")
    memberships = user.site_memberships.select_related("site").order_by("created_at", "pk")

    archive = io.BytesIO()
    taken = set()
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zip_file:
        exported_applications = []
        drafts = 0
        for application in applications:
            if application.reference:
                folder = application.reference
            else:
                drafts += 1
                folder = f"draft-{drafts}"
            documents = []
            for document in application.documents.all():
                path = _document_path(folder, document.original_name, taken)
                try:
                    with document.file.open("rb") as handle:
                        zip_file.writestr(path, handle.read())
                except FileNotFoundError:
                    logger.error("Document %s of application %s is missing from storage", document.pk, application.pk)
                    path = None
                documents.append(
                    {
                        "kind": document.kind,
                        "name": document.original_name,
                        "content_type": document.content_type,
                        "size": document.size,
                        "sha256": document.sha256,
                        "uploaded_at": document.uploaded_at,
                        "file": path,
                    }
                )
            exported_applications.append(
                {
                    **_application_answers(application),
                    "status_display": application.get_status_display(),
                    "timeline": [
                        {
                            "at": event.created_at,
                            "from_status": event.from_status,
                            "to_status": event.to_status,
                            "message": event.message,
                        }
                        for event in application.events.all()
                    ],
                    "documents": documents,
                }
            )
        data = {
            "exported_at": timezone.now(),
            "account": {
                "email": user.email,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "date_joined": user.date_joined,
                "last_login": user.last_login,
            },
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in EmailAddress.objects.filter(user=user).order_by("pk")
            ],
            "address_holdings": [
                {"email": holding.email, "since": holding.since, "until": holding.until}
                for holding in EmailHolding.objects.filter(user=user).order_by("since", "pk")
            ],
            "applications": exported_applications,
            "certificates": [
                {
                    "number": certificate.number,
                    "application": certificate.application.reference,
                    "kind": certificate.kind,
                    "program": certificate.program.name,
                    "holder_name": certificate.holder_name,
                    "email": certificate.email,
                    "country": certificate.country,
                    "city": certificate.city,
                    "listed_publicly": certificate.listed_publicly,
                    "issued_on": certificate.issued_on,
                    "expires_on": certificate.expires_on,
                    "status": certificate.effective_status().value,
                    "revoked_at": certificate.revoked_at,
                    "revoked_reason": certificate.revoked_reason,
                }
                for certificate in certificates
            ],
            "registrations": [
                {
                    "event": registration.event.title,
                    "starts_at": registration.event.starts_at,
                    "name": registration.name,
                    "email": registration.email,
                    "organisation": registration.organisation,
                    "role": registration.role,
                    "is_nmt_certified": registration.is_nmt_certified,
                    "status": registration.status,
                    "registered_at": registration.created_at,
                    "confirmed_at": registration.confirmed_at,
                    "waitlisted_at": registration.waitlisted_at,
                    "cancelled_at": registration.cancelled_at,
                    "attended": registration.attended,
                    **_continuing_education(registration),
                }
                for registration in registrations
            ],
            "contact_messages": [
                {
                    "sent_at": inquiry.created_at,
                    "name": inquiry.name,
                    "email": inquiry.email,
                    "organisation": inquiry.organisation,
                    "topic": inquiry.topic,
                    "message": inquiry.message,
                }
                for inquiry in inquiries
            ],
            "site_memberships": [
                {
                    "site": membership.site.organisation_name,
                    "site_application": membership.site.reference,
                    "role": membership.role,
                    "status": membership.status,
                    "email": membership.email,
                    "invited_at": membership.created_at,
                    "accepted_at": membership.accepted_at,
                    "ended_at": membership.ended_at,
                    "consent_at": membership.consent_at,
                }
                for membership in memberships
            ],
            "erasure_requests": [
                {
                    "requested_at": erasure.created_at,
                    "status": erasure.status,
                    "reason": erasure.reason,
                    "decided_at": erasure.decided_at,
                    "decision_note": erasure.decision_note,
                }
                for erasure in user.erasure_requests.order_by("created_at", "pk")
            ],
        }
        zip_file.writestr("data.json", json.dumps(data, cls=_Encoder, indent=2, ensure_ascii=False))
    return archive.getvalue()


# ERASE MY DATA


def erasure_open(*, user):
    """The person's request waiting for staff, or None."""
    return ErasureRequest.objects.filter(user=user, status=ErasureRequest.Status.REQUESTED).first()


@transaction.atomic
def erasure_request(*, user, reason=""):
    """Ask staff to erase `user`'s data; nothing is deleted until a site administrator confirms.
    Notifies staff (the notice names no one). Raises InvalidTransition if a request already waits."""
    if erasure_open(user=user) is not None:
        raise InvalidTransition("Your request to erase your data is already waiting for our staff.")
    try:
        with transaction.atomic():
            erasure = ErasureRequest.objects.create(user=user, reason=(reason or "").strip())
    except IntegrityError as error:  # a second click at the same moment
        raise InvalidTransition("Your request to erase your data is already waiting for our staff.") from error
    email_queue(
        to=[settings.STAFF_NOTIFICATION_EMAIL],
        template="accounts/email/erasure_requested_staff",
        context={
            "erasure": erasure,
            "admin_url": settings.SITE_URL + reverse("admin:accounts_erasurerequest_change", args=[erasure.pk]),
        },
    )
    return erasure


@dataclass(frozen=True)
class ErasurePlan:
    """What an erasure of one person deletes and what it keeps, before anything is done."""

    applications_deleted: list
    applications_kept: list
    certificates_deleted: list
    certificates_kept: list
    documents: list
    registrations: list
    ce_certificates: list
    inquiries: list

    def counts(self):
        return {
            "applications_deleted": len(self.applications_deleted),
            "applications_anonymised": len(self.applications_kept),
            "certificates_deleted": len(self.certificates_deleted),
            "certificates_anonymised": len(self.certificates_kept),
            "documents_deleted": len(self.documents),
            "registrations_deleted": len(self.registrations),
            "ce_certificates_deleted": len(self.ce_certificates),
            "contact_messages_deleted": len(self.inquiries),
        }


def erasure_plan(*, user, lock=False):
    """Sort `user`'s records by the retention rules: certificates in their retention period and the
    applications they came from are kept in minimal form, the rest is deleted. With `lock`, the
    applications and certificates are locked until the transaction ends."""
    records = records_of(user)
    applications = records.applications.order_by("pk")
    certificates = records.certificates.order_by("pk")
    if lock:
        applications, certificates = applications.select_for_update(), certificates.select_for_update()
    applications = list(applications)
    own = {application.pk for application in applications}
    certificates = list(certificates)
    kept_certificates = [c for c in certificates if c.application_id not in own or certificate_retained(c)]
    kept_applications = {c.application_id for c in kept_certificates}
    registrations = list(records.registrations.select_related("event").order_by("pk"))
    return ErasurePlan(
        applications_deleted=[a for a in applications if a.pk not in kept_applications],
        applications_kept=[a for a in applications if a.pk in kept_applications],
        certificates_deleted=[c for c in certificates if c not in kept_certificates],
        certificates_kept=kept_certificates,
        documents=list(records.documents.order_by("pk")),
        registrations=registrations,
        # Deleted with their registrations (CE certificates are not kept for verification).
        ce_certificates=list(CECertificate.objects.filter(registration__in=registrations).order_by("pk")),
        inquiries=list(records.inquiries.order_by("pk")),
    )


def _lock_waiting(erasure, staff):
    if not staff.has_perm(ERASURE_PERMISSION):
        raise NotPermitted("Only site administrators can confirm or decline an erasure.")
    locked = ErasureRequest.objects.select_for_update(of=("self",)).select_related("user").get(pk=erasure.pk)
    if locked.status != ErasureRequest.Status.REQUESTED:
        raise InvalidTransition(f"{locked} was already decided.")
    return locked


def _person_address(user):
    from allauth.account.models import EmailAddress

    primary = EmailAddress.objects.filter(user=user, primary=True).values_list("email", flat=True).first()
    return primary or user.email


@transaction.atomic
def erasure_confirm(*, request, staff):
    """Erase the person of `request` by the retention rules (module docstring), in one transaction:
    their records deleted or anonymised, the simple-history copies of them deleted, their account
    deleted. The request keeps the counts only (`summary`) and no longer names anyone. Document files
    leave storage after the commit, so a rollback loses none. Emails the person the outcome.

    Never touches another person's records: only what `records_of` gives. A freed training seat goes
    to the waitlist as after a cancellation. Raises NotPermitted (staff without ERASURE_PERMISSION,
    or a staff account to erase: its staff status must be removed first) or InvalidTransition."""
    erasure = _lock_waiting(request, staff)
    user = erasure.user
    if user is None:
        raise InvalidTransition(f"{erasure} no longer has an account to erase.")
    if user.is_staff or user.is_superuser:
        raise NotPermitted("This is a staff account: remove its staff status before erasing it.")
    address = _person_address(user)
    plan = erasure_plan(user=user, lock=True)
    summary = _erase_records(plan)
    summary |= _erase_account(user, erasure)
    erasure.status = ErasureRequest.Status.COMPLETED
    erasure.decided_by, erasure.decided_at = staff, timezone.now()
    erasure.summary, erasure.reason, erasure.user = summary, "", None
    erasure.save(update_fields=["status", "decided_by", "decided_at", "summary", "reason", "user", "updated_at"])
    email_queue(
        to=[address],
        template="accounts/email/erasure_completed",
        context={"summary": summary, "retention_years": CERTIFICATE_RETENTION_YEARS},
    )
    return erasure


def _erase_records(plan):
    deleted_ids = [a.pk for a in plan.applications_deleted]
    kept_ids = [a.pk for a in plan.applications_kept]
    all_ids = deleted_ids + kept_ids
    certificate_ids = [c.pk for c in plan.certificates_deleted + plan.certificates_kept]

    names = [document.file.name for document in plan.documents]
    ApplicationDocument.objects.filter(pk__in=[d.pk for d in plan.documents]).delete()
    delete_files_on_commit(names)
    notes, _ = ApplicationNote.objects.filter(application__in=all_ids).delete()
    ApplicationEvent.objects.filter(application__in=kept_ids).update(message="")

    Certificate.objects.filter(pk__in=[c.pk for c in plan.certificates_deleted]).delete()
    Application.objects.filter(pk__in=deleted_ids).delete()
    # After the deletions, which simple-history records too; the kept rows' saves below then write
    # one fresh copy each, of the minimal form.
    history = Certificate.history.filter(id__in=certificate_ids).delete()[0]
    history += Application.history.filter(id__in=all_ids).delete()[0]

    for application in plan.applications_kept:
        _application_anonymise(application)
    own = set(all_ids)
    for certificate in plan.certificates_kept:
        # A certificate claimed by this person's address but issued from someone else's
        # application keeps everything but the address.
        cleared = CERTIFICATE_CLEARED[certificate.kind] if certificate.application_id in own else {"email": ""}
        _certificate_anonymise(certificate, cleared)

    _registrations_delete(plan.registrations)
    # By name: no app imports `inquiries` (DESIGN.md).
    apps.get_model("inquiries", "Inquiry").objects.filter(pk__in=[i.pk for i in plan.inquiries]).delete()
    return {**plan.counts(), "notes_deleted": notes, "history_rows_deleted": history}


def _application_anonymise(application):
    kept = APPLICATION_WORKFLOW | APPLICATION_KEPT[application.kind]
    changed = []
    for field in Application._meta.concrete_fields:
        if field.name in kept:
            continue
        if field.null:
            empty = None
        elif field.has_default():
            empty = field.get_default()
        else:
            empty = ""
        setattr(application, field.attname, empty)
        changed.append(field.attname)
    application.token_version += 1  # the private status link stops working
    application._change_reason = HISTORY_REASON
    application.save(update_fields=[*changed, "token_version", "updated_at"])


def _certificate_anonymise(certificate, cleared):
    now = timezone.now()
    for name, value in cleared.items():
        setattr(certificate, name, value)
    # No address to remind any more: every reminder counts as done.
    certificate.reminded_90_at = certificate.reminded_90_at or now
    certificate.reminded_30_at = certificate.reminded_30_at or now
    certificate.reminded_0_at = certificate.reminded_0_at or now
    certificate._change_reason = HISTORY_REASON
    certificate.save(update_fields=[*cleared, "reminded_90_at", "reminded_30_at", "reminded_0_at", "updated_at"])


def _registrations_delete(registrations):
    now = timezone.now()
    seats_freed = {
        r.event_id: r.event
        for r in registrations
        if r.status == Registration.Status.CONFIRMED and not r.event.has_started(now)
    }
    Registration.objects.filter(pk__in=[r.pk for r in registrations]).delete()
    for event in seats_freed.values():
        event_fill_seats(event=event)


def _erase_account(user, erasure):
    from allauth.account.models import EmailAddress

    memberships = user.site_memberships.count()
    addresses, _ = EmailAddress.objects.filter(user=user).delete()
    holdings, _ = EmailHolding.objects.filter(user=user).delete()
    # Earlier (declined) requests no longer name the person or keep what they wrote.
    ErasureRequest.objects.filter(user=user).exclude(pk=erasure.pk).update(reason="", user=None)
    get_user_model().objects.filter(pk=user.pk).delete()
    return {
        "site_memberships_deleted": memberships,
        "email_addresses_deleted": addresses,
        "address_holdings_deleted": holdings,
        "account_deleted": 1,
    }


@transaction.atomic
def erasure_decline(*, request, staff, note):
    """Decline an erasure (for example while a complaint about a certificate is open): nothing is
    deleted, and the person is emailed `note`, which is required."""
    note = (note or "").strip()
    if not note:
        raise MessageRequired("Say why the erasure is declined: the person is sent this note.")
    erasure = _lock_waiting(request, staff)
    erasure.status = ErasureRequest.Status.DECLINED
    erasure.decided_by, erasure.decided_at, erasure.decision_note = staff, timezone.now(), note
    erasure.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    if erasure.user is not None:
        email_queue(
            to=[_person_address(erasure.user)],
            template="accounts/email/erasure_declined",
            context={"erasure": erasure, "note": note, "privacy_url": settings.SITE_URL + reverse("accounts:privacy")},
        )
    return erasure


# THE DAILY JOB


def documents_retention_purge(*, older_than):
    """Delete the documents of rejected and withdrawn applications that reached that status before
    `older_than` (a later reopening and decision counts from the new one). The rows go in one
    transaction, their files after it commits. Returns how many documents were deleted."""
    recent = ApplicationEvent.objects.filter(
        application=OuterRef("pk"), to_status=OuterRef("status"), created_at__gte=older_than
    )
    ended = Application.objects.filter(status__in=ENDED_STATUSES).exclude(Exists(recent))
    with transaction.atomic():
        documents = ApplicationDocument.objects.select_for_update().filter(application__in=ended.values("pk"))
        rows = list(documents.values_list("pk", "file"))
        ApplicationDocument.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
        delete_files_on_commit([name for _, name in rows])
    return len(rows)


def certificates_erased_purge(*, today=None):
    """Delete the kept certificates of erased people whose retention period is over, with the
    minimal application they came from and the history of both. Returns how many."""
    today = today or timezone.localdate()
    cutoff = today - relativedelta(years=CERTIFICATE_RETENTION_YEARS)
    cutoff_start = timezone.make_aware(datetime.combine(cutoff, time.min))
    ended = Certificate.objects.filter(ERASED_CERTIFICATES).filter(
        Q(status=Certificate.Status.REVOKED, revoked_at__lt=cutoff_start)
        | (~Q(status=Certificate.Status.REVOKED) & Q(expires_on__lt=cutoff))
    )
    with transaction.atomic():
        rows = list(ended.select_for_update().values_list("pk", "application_id"))
        certificate_ids, application_ids = [pk for pk, _ in rows], [a for _, a in rows]
        names = list(ApplicationDocument.objects.filter(application__in=application_ids).values_list("file", flat=True))
        Certificate.objects.filter(pk__in=certificate_ids).delete()
        Application.objects.filter(pk__in=application_ids).delete()
        Certificate.history.filter(id__in=certificate_ids).delete()
        Application.history.filter(id__in=application_ids).delete()
        delete_files_on_commit(names)
    return len(rows)


def privacy_daily(*, now=None):
    """The daily privacy run: documents past their retention, erased certificates past theirs,
    accounts nobody confirmed, and the CE records of trainings past theirs. Returns the counts
    (the CE records' by kind, under "ce"). It also invites to their CE certificate the attendees
    with credit of recent trainings whom no import or marking invited (`ce_invited`)."""
    now = now or timezone.now()
    return {
        "documents": documents_retention_purge(older_than=documents_cutoff(now)),
        "certificates": certificates_erased_purge(today=timezone.localdate(now)),
        "accounts": accounts_unconfirmed_remove(older_than=now - timedelta(hours=settings.ACCOUNTS_UNCONFIRMED_HOURS)),
        "ce": purge_expired_ce_records(now=now),
        "ce_invited": len(invite_pending(now=now)),
    }
