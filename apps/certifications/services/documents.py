"""Applicant documents: stored all or nothing with the rows that name them, and deleted with them."""

import logging
from functools import partial

from django.db import transaction

from apps.core.storage import STORAGE_ERRORS

from ..models import Application, ApplicationDocument
from .errors import DocumentLimit, StorageUnavailable

logger = logging.getLogger(__name__)

MAX_DOCUMENTS = 8  # per application, all kinds together


def _storage():
    return ApplicationDocument._meta.get_field("file").storage


def application_documents_add(*, application, documents):
    """Attach validated documents ((kind, CleanFile) pairs) to an application, all or none."""

    def add(stored):
        locked = Application.objects.select_for_update().get(pk=application.pk)
        return documents_store(locked, documents, stored)

    return atomic_with_files(add)


def documents_orphaned_delete(*, older_than):
    """Delete stored files that no document row names and that are older than `older_than`: left
    behind by a crash between storing and committing, or by rows deleted in bulk. Returns how many."""
    storage = _storage()
    known = set(ApplicationDocument.objects.values_list("file", flat=True))
    deleted = 0
    for name in _walk(storage, "applications"):
        if name not in known and storage.get_modified_time(name) < older_than:
            storage.delete(name)
            deleted += 1
    return deleted


def _walk(storage, folder):
    # An object store has no folders to test for: listing a prefix nobody wrote to gives nothing.
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _walk(storage, f"{folder}/{sub}")


def documents_store(application, documents, stored):
    """Store validated files under generated names; `stored` collects the names for cleanup.
    Raises DocumentLimit past MAX_DOCUMENTS (the forms say so at the field first), and
    StorageUnavailable if the store cannot take a file."""
    if application.documents.count() + len(documents) > MAX_DOCUMENTS:
        raise DocumentLimit(f"An application holds at most {MAX_DOCUMENTS} documents.")
    for kind, clean_file in documents:
        document = ApplicationDocument(
            application=application,
            kind=kind,
            original_name=clean_file.original_name,
            content_type=clean_file.content_type,
            size=clean_file.size,
            sha256=clean_file.sha256,
        )
        content = clean_file.as_content_file()
        try:
            document.file.save(content.name, content, save=False)
        except STORAGE_ERRORS as error:
            logger.error("Storing a document of application %s failed: %r", application.pk, error)
            raise StorageUnavailable(
                "Your documents could not be stored just now, so nothing was saved. Please try again in a few minutes."
            ) from error
        stored.append(document.file.name)
        document.save()
    return application


def atomic_with_files(work):
    """Run `work(stored)` in a transaction; if it fails, delete the files it stored (a database
    rollback cannot take back what was written to storage). A file the store cannot delete then
    (it went down) is left to documents_orphaned_delete, and the original error is raised."""
    stored = []
    try:
        with transaction.atomic():
            return work(stored)
    except BaseException:
        storage = _storage()
        for name in stored:
            try:
                storage.delete(name)
            except STORAGE_ERRORS as error:
                logger.error("Stored file %s of a failed save could not be deleted: %r", name, error)
        raise


def delete_files_on_commit(names):
    # After the commit only: a rollback must find the files its rows still point to. Robust: a
    # store that fails then cannot undo the commit; documents_orphaned_delete sweeps what is left.
    storage = _storage()
    for name in names:
        transaction.on_commit(partial(storage.delete, name), robust=True)
