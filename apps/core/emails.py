"""One way to send an email: `email_queue` renders it now, in the standard wording of its file
templates or in staff's own, and queues it for the worker in the current transaction (it commits
with what it is about, or not at all).

An email is named by its file templates, `<template>_subject.txt` and `<template>.txt` (for example
`certifications/email/application_approved`). Each app lists in its `emails.py`, as
`EDITABLE_EMAILS`, the emails staff may reword in the admin (`EmailText`), with the placeholders
each may use. A staff text is Django template syntax rendered in a sandbox:

- the context holds plain values only (strings, numbers, dates and dicts of them), never a model,
  so no method of a model, the database or the settings can be reached;
- only text, `{{ variables }}` with filters, `{% if %}`, `{% comment %}` and `{% autoescape %}` are
  allowed; `load`, `include`, `extends`, `debug` and every other tag are refused when saved;
- a variable outside the email's listed placeholders is refused when saved.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import TextNode, VariableNode
from django.template.defaulttags import AutoEscapeControlNode, CommentNode, IfNode
from django.template.loader import get_template, render_to_string
from django.utils.module_loading import module_has_submodule

from .models import EmailText
from .tasks import send_email


@dataclass(frozen=True)
class EditableEmail:
    """An email staff may reword: its template, its name in the admin, the placeholders a staff
    text may use ({name: what it is}), and two functions of the app that sends it: the plain values
    of a context for the sandbox, and an invented context for previews."""

    template: str
    label: str
    placeholders: dict = field(hash=False)
    sandbox_values: Callable = field(hash=False)
    sample_context: Callable = field(hash=False)


@cache
def editable_emails():
    """{template: EditableEmail} of every portal app's `emails.EDITABLE_EMAILS`, in app order."""
    found = {}
    for config in apps.get_app_configs():
        if config.name.startswith("apps.") and module_has_submodule(config.module, "emails"):
            for email in getattr(import_module(f"{config.name}.emails"), "EDITABLE_EMAILS", []):
                found[email.template] = email
    return found


# RENDERING AND QUEUEING


def _render_files(template, context):
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    # Rendering marks the text HTML-safe, but an email's text is plain: a page that shows it (an
    # admin preview) must escape it like any other text, applicants' names and messages included.
    body = str.__str__(render_to_string(f"{template}.txt", context))
    return subject, body


def email_render(*, template, context):
    """(subject, body) of the email `template`: staff's wording where they changed it, else the
    standard text of the file templates."""
    if template in editable_emails():
        text = EmailText.objects.filter(template=template).first()
        if text is not None and text.is_customised:
            return render_staff_text(subject=text.subject, body=text.body, template=template, context=context)
    return _render_files(template, context)


def email_queue(*, to, template, context, reply_to=None, attachments=None, key=None):
    """Render the email `template` now and queue it for the worker in the current transaction;
    return (subject, body).

    Nothing is sent inside the request; if the transaction rolls back, nothing is queued.
    `attachments` is a list of (filename, text content, mimetype). `key` is the email's idempotency
    key (`email_queue_text`): a task that queues an email passes one of its own, so that running the
    task twice still sends one email.
    """
    subject, body = email_render(template=template, context=context)
    email_queue_text(to=to, subject=subject, body=body, reply_to=reply_to, attachments=attachments, key=key)
    return subject, body


def email_queue_text(*, to, subject, body, reply_to=None, attachments=None, key=None):
    """Queue an email already written for the worker, under an idempotency key made now (a new
    UUID, unless `key` is given): however many times its task runs (retried, requeued, on two
    workers), `send_email` sends it once.

    The task is a row in the same database (django-tasks-db), inserted in the current transaction:
    it commits with what the email is about or not at all, and the worker cannot see it before the
    commit. Queueing after the commit instead (on_commit) loses the email when the server dies
    between the two, which the two-server drill (bench/cluster.py) caught: an application kept,
    its staff notice gone."""
    send_email.enqueue(
        to=list(to),
        subject=subject,
        body=body,
        reply_to=list(reply_to) if reply_to else None,
        attachments=[list(a) for a in attachments] if attachments else None,
        key=str(key or uuid.uuid4()),
    )


# STAFF TEXTS: THE SANDBOX

_ALLOWED_NODES = (TextNode, VariableNode, IfNode, CommentNode, AutoEscapeControlNode)

# No loaders, no app libraries: `{% include %}` and `{% load %}` find nothing even before the
# node check refuses them. Plain text, so nothing is HTML-escaped.
_SANDBOX = Engine(loaders=[], libraries={}, autoescape=False, debug=False, string_if_invalid="")


def plain(value):
    """A value safe to hand to a staff-written template: strings, numbers, dates, or None."""
    if value is None or isinstance(value, (str, int, float, date, datetime)):
        return value
    return str(value)


def sandbox_context(template, context):
    """The plain-values context of a staff text, from the context of the file template."""
    return {"site_url": settings.SITE_URL, **editable_emails()[template].sandbox_values(context)}


def compile_staff_text(source, *, template):
    """Compile a staff-written text of the email `template`, or raise ValidationError saying what
    is wrong with it."""
    try:
        compiled = _SANDBOX.from_string(source)
    except TemplateSyntaxError as error:
        raise ValidationError("This text is not valid template syntax: %(error)s", params={"error": error}) from error
    allowed = set(editable_emails()[template].placeholders)
    for node in compiled.nodelist.get_nodes_by_type(object):
        if not isinstance(node, _ALLOWED_NODES):
            token = getattr(node, "token", None)
            raise ValidationError(
                "Only {{ variables }}, {%% if %%} and {%% comment %%} may be used; “%(tag)s” is not allowed.",
                params={"tag": token.contents if token else type(node).__name__},
            )
        if isinstance(node, VariableNode):
            lookups = getattr(node.filter_expression.var, "lookups", None)
            if lookups and ".".join(lookups) not in allowed:
                raise ValidationError(
                    "“%(name)s” is not one of the placeholders of this email.", params={"name": ".".join(lookups)}
                )
    return compiled


def standard_source(template, *, subject=False):
    """The standard text of an email as staff would edit it (without the autoescape wrapper)."""
    source = get_template(f"{template}{'_subject' if subject else ''}.txt").template.source.strip()
    prefix, suffix = "{% autoescape off %}", "{% endautoescape %}"
    if source.startswith(prefix) and source.endswith(suffix):
        source = source[len(prefix) : -len(suffix)]
    return source.strip() if subject else source.strip("\n")


def render_staff_text(*, subject, body, template, context):
    """(subject, body) of a staff text, falling back field by field to the standard one."""
    standard_subject, standard_body = _render_files(template, context)
    safe = Context(sandbox_context(template, context), autoescape=False)
    if subject.strip():
        standard_subject = " ".join(compile_staff_text(subject, template=template).render(safe).split())
    if body.strip():
        standard_body = compile_staff_text(body, template=template).render(safe).strip("\n") + "\n"
    return standard_subject, standard_body
