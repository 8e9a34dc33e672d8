"""Pieces the public views share: private-page headers and the answer to a broken link."""

import uuid
from functools import wraps

from django.core.exceptions import BadRequest
from django.template.response import TemplateResponse

from ..services import StorageUnavailable

SUBMITTED_SESSION_KEY = "certifications:submitted"
DRAFT_SESSION_KEY = "certifications:draft"
# The draft each kind's journey is working on in this browser: kind -> the application's public id.
JOURNEY_SESSION_KEY = "certifications:journey"
# What this browser submitted: "<program id>:<digest of the email>" -> the application's public id.
EARLIER_SESSION_KEY = "certifications:submitted-by-program"


def private_page(view=None, *, referrer_policy="no-referrer"):
    """For pages reached through a private link or showing an applicant's details: never stored by
    a browser or proxy, never indexed, and the secret in the URL never leaves in a Referer header.

    Pages whose own URL holds the secret and that carry POST forms use "strict-origin" instead:
    under "no-referrer" browsers send `Origin: null` with the form, which CSRF protection rightly
    refuses; "strict-origin" still sends no path (so no secret) anywhere, only the site's origin.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            return mark_private(view(request, *args, **kwargs), referrer_policy=referrer_policy)

        return wrapped

    return decorator(view) if view is not None else decorator


def mark_private(response, *, referrer_policy="no-referrer"):
    """The headers of `private_page`, for a view whose page is private only sometimes."""
    response["Referrer-Policy"] = referrer_policy
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


private_page_with_forms = private_page(referrer_policy="strict-origin")


def link_problem(request, error, *, draft=False):
    """An expired link gets 410 and the way to a new one; a tampered, unknown or revoked one 404."""
    return TemplateResponse(
        request,
        "certifications/link_problem.html",
        {"expired": error.expired, "draft": draft},
        status=410 if error.expired else 404,
    )


def refused(view, form, error):
    """The form again, with the service's refusal at its top. A store that could not take the
    documents is the site's fault, not the applicant's: 503, and the browser may try again."""
    form.add_error(None, str(error))
    response = view.form_invalid(form)
    if isinstance(error, StorageUnavailable):
        response.status_code = 503
        response["Retry-After"] = "60"
    return response


def posted_submission_key(request):
    """The UUID that ties a POST to one application; a POST without a valid one is a bad request."""
    try:
        return uuid.UUID(request.POST.get("submission_key", ""))
    except ValueError as error:
        raise BadRequest("The form is missing its submission key.") from error
