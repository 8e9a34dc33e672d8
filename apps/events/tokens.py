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
    """The same token every time for a registration, so every email carries the same link."""
    return signing.Signer(salt=CANCEL_SALT).sign(registration.public_id.hex)


def read_cancel_token(token, *, event):
    """The registration of `event` that `token` names, or None for a bad or foreign token."""
    try:
        public_id = signing.Signer(salt=CANCEL_SALT).unsign(token)
    except signing.BadSignature:
        return None
    if len(public_id) != 32 or not all(c in "0123456789abcdef" for c in public_id):
        return None
    return Registration.objects.filter(public_id=public_id, event=event).select_related("event").first()


def cancel_url(registration):
    path = reverse("events:cancel", kwargs={"slug": registration.event.slug, "token": make_cancel_token(registration)})
    return f"{settings.SITE_URL}{path}"
