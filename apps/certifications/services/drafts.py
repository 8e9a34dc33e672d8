"""Drafts, their submission, and the applicant's private links."""

import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import F

from apps.core.emails import email_queue

from ..lookup import send_status_link
from ..models import Application, ApplicationDocument, Status
from ..tokens import DRAFT_MAX_AGE, draft_url
from . import transitions
from .documents import atomic_with_files, delete_files_on_commit, documents_store
from .errors import InvalidTransition


def application_draft_save(*, application, documents=(), removed=(), send_link=True):
    """Save a new or existing draft with its documents, and (`send_link`) email the private link
    to continue it; the journey saves at every step but sends the link only when it is asked for
    or the email address is new. A draft without an email address yet is saved without a link.

    `documents` are (kind, CleanFile) pairs, already validated; `removed` are stored documents of
    this draft to delete. All or nothing: if anything fails, no row is kept and no file stays in
    storage. Raises InvalidTransition if the draft was submitted meanwhile (a second tab or click).
    """

    def save(stored):
        draft = _draft_store(application, documents, removed, stored)
        if not send_link or not draft.email:
            return draft
        email_queue(
            to=[draft.email],
            template="certifications/email/application_draft_saved",
            context={"application": draft, "draft_url": draft_url(draft), "valid_days": DRAFT_MAX_AGE.days},
        )
        return draft

    return atomic_with_files(save)


def application_draft_submit(*, application, documents=(), removed=()):
    """Save a complete application with its documents and submit it, in one transaction.

    Gives the reference number, queues the applicant's confirmation and the staff notice. The
    form has checked completeness; the database checks the invariants again.
    """

    def submit(stored):
        draft = _draft_store(application, documents, removed, stored)
        submitted = transitions.application_submit(application=draft)
        email_queue(
            to=[settings.STAFF_NOTIFICATION_EMAIL],
            reply_to=[submitted.email],
            template="certifications/email/application_received_staff",
            context={
                "application": submitted,
                "admin_url": f"{settings.SITE_URL}/admin/certifications/application/{submitted.pk}/change/",
                "document_count": submitted.documents.count(),
            },
        )
        return submitted

    return atomic_with_files(submit)


def _draft_store(application, documents, removed, stored):
    """Insert or update the draft row (locked), replace and add its documents; returns the saved row."""
    if application.pk:
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != Status.DRAFT:
            raise InvalidTransition("This application has already been submitted.")
        application.token_version = locked.token_version
    application.save()
    names = [d.file.name for d in removed]
    ApplicationDocument.objects.filter(application=application, pk__in=[d.pk for d in removed]).delete()
    delete_files_on_commit(names)
    documents_store(application, documents, stored)
    return application


def application_drafts_purge(*, older_than):
    """Delete drafts untouched since `older_than` (their private links have expired), with their
    files. Returns how many drafts were deleted."""
    with transaction.atomic():
        ids = list(
            Application.objects.select_for_update()
            .filter(status=Status.DRAFT, updated_at__lt=older_than)
            .values_list("pk", flat=True)
        )
        names = list(ApplicationDocument.objects.filter(application__in=ids).values_list("file", flat=True))
        Application.objects.filter(pk__in=ids).delete()
        # The field history would otherwise keep the personal details of a draft nobody submitted.
        Application.history.filter(id__in=ids).delete()
        delete_files_on_commit(names)
    return len(ids)


def application_status_link_request(*, reference, email):
    """Queue the lookup of `reference` + `email`; the worker emails a status link on a match only.

    The request does the same work whether or not they match (see lookup.py)."""
    send_status_link.enqueue(reference=reference, email=email, key=str(uuid.uuid4()))


def application_links_revoke(*, application):
    """Invalidate every private link (status and draft) sent so far; new ones work again."""
    Application.objects.filter(pk=application.pk).update(token_version=F("token_version") + 1)
    application.refresh_from_db(fields=["token_version"])
    return application
