"""The private cancellation link each registrant receives by email.

The token signs the registration's random public id; it does not expire, because a registrant
may cancel at any time until the event starts (the service refuses after that).
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Registration

CANCEL_SALT = "events.cancel-link"


def make_cancel_token(registration):
    return signing.dumps(registration.public_id.hex, salt=CANCEL_SALT)


def read_cancel_token(token, *, event):
    """The registration of `event` that `token` names, or None for a bad or foreign token."""
    try:
        public_id = signing.loads(token, salt=CANCEL_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return Registration.objects.filter(public_id=public_id, event=event).select_related("event").first()


def cancel_url(registration):
    path = reverse("events:cancel", kwargs={"slug": registration.event.slug, "token": make_cancel_token(registration)})
    return f"{settings.SITE_URL}{path}"
