"""The CE emails staff may reword (`apps.core.emails.EditableEmail`): the invitation to the
evaluation and post-test, and the notice that the CE certificates are ready.

Every email goes out through `apps.core.emails.email_queue`; `template(event)` names the file
templates of an event, e.g. `learning/email/ce_invitation`.
"""

from django.conf import settings

from apps.core.emails import EditableEmail, plain

CE_VARIABLES = {
    "registration.name": "the attendee's name",
    "event.title": "the event's title",
    "event_date": "the event's date(s) in its own time zone, e.g. 7 March 2030",
    "ce_url": "the attendee's private CE page (keep it out of anything public)",
    "steps": "what the certificate needs, e.g. “the evaluation and the post-test” (empty when nothing)",
    "site_url": "the portal's address",
}
READY_VARIABLES = {
    **CE_VARIABLES,
    "certificates": "the certificates issued, one a line: number, hours and credit type",
}


def template(event):
    """The file templates of a CE email: `learning/email/<event>`."""
    return f"learning/email/{event}"


def sandbox_values(context):
    """The plain values of a CE email's context: the registration's name, the event's title and the
    strings (the link, the date, the steps, the certificates)."""
    safe = {}
    for key, value in context.items():
        if key == "registration":
            safe[key] = {"name": plain(value.name)}
        elif key == "event":
            safe[key] = {"title": plain(value.title)}
        elif isinstance(value, str | int):
            safe[key] = value
    return safe


def sample_context(event):
    """An invented attendee and event, for previews of a text in the admin."""
    from apps.events.models import Event, Registration

    training = Event(title="Spring case-based training")
    context = {
        "registration": Registration(name="Dana Whitfield", event=training),
        "event": training,
        "event_date": "7 March 2030",
        "ce_url": f"{settings.SITE_URL}/ce/(private link)/",
        "steps": "the evaluation and the post-test",
    }
    if event == "ce_certificates_ready":
        context["certificates"] = "NMT-CE-2030-00012-7KQX4M: 1.5 hours APA (psychologists)"
    return context


def _editable(event, label, placeholders):
    return EditableEmail(
        template=template(event),
        label=label,
        placeholders=placeholders,
        sandbox_values=sandbox_values,
        sample_context=lambda: sample_context(event),
    )


EDITABLE_EMAILS = [
    _editable("ce_invitation", "CE: evaluation and post-test invitation", CE_VARIABLES),
    _editable("ce_certificates_ready", "CE: certificates ready", READY_VARIABLES),
]
