"""Staff only: applicant documents, served after a permission check."""

import logging

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from apps.core.admin_site import staff_session_required
from apps.core.storage import STORAGE_ERRORS

from ..models import ApplicationDocument

logger = logging.getLogger(__name__)

DOCUMENT_PERMISSION = "certifications.view_applicationdocument"

# STAFF: DOCUMENTS


@require_safe
@staff_session_required
def document_download(request, pk):
    """An applicant's document, for staff with the permission, as an attachment the browser will
    neither sniff nor run. Streamed from the storage, an S3 bucket too: the object store may sit on
    a private network, and the response keeps these headers (a redirect to a presigned URL would not)."""
    if not request.user.has_perm(DOCUMENT_PERMISSION):
        raise PermissionDenied
    document = get_object_or_404(ApplicationDocument.objects.select_related("application"), pk=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        logger.error("Document %s of application %s is missing from storage", document.pk, document.application_id)
        raise Http404("The file is missing from storage.") from error
    except STORAGE_ERRORS as error:
        logger.error("Document %s could not be read from storage: %r", document.pk, error)
        return HttpResponse(
            "The document store is not answering just now. Please try again in a few minutes.",
            status=503,
            content_type="text/plain; charset=utf-8",
            headers={"Retry-After": "60", "Cache-Control": "private, no-store"},
        )
    logger.info(
        "Document %s of application %s downloaded by user %s", document.pk, document.application_id, request.user.pk
    )
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response
