"""Queue templated emails for the background worker, after the surrounding transaction commits."""

from functools import partial

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from .tasks import send_email


def render_email(template, context):
    """Render `<template>_subject.txt` and `<template>.txt` into (subject, body)."""
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    # Rendering marks the text HTML-safe, but an email's text is plain: a page that shows it (an
    # admin preview) must escape it like any other text, applicants' names and messages included.
    body = str.__str__(render_to_string(f"{template}.txt", context))
    return subject, body


def queue_email(*, to, template, context, reply_to=None, attachments=None):
    """Render an email now and hand it to the worker once the current transaction commits.

    Nothing is sent inside the request; if the transaction rolls back, nothing is queued.
    `attachments` is a list of (filename, text content, mimetype).
    """
    subject, body = render_email(template, context)
    transaction.on_commit(
        partial(
            send_email.enqueue,
            to=list(to),
            subject=subject,
            body=body,
            reply_to=list(reply_to) if reply_to else None,
            attachments=[list(a) for a in attachments] if attachments else None,
        )
    )
