"""The private link to an attendee's CE page (/ce/<token>/), sent in the invitation and the
“certificate ready” emails.

The token signs the registration's random public id, as the cancellation link does; it does not
expire, because the certificates stay downloadable for as long as the CE records are kept.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from apps.events.models import Registration

CE_SALT = "learning.ce-link"


def make_ce_token(registration):
    """The same token every time for a registration, so every email carries the same link."""
    return signing.Signer(salt=CE_SALT).sign(registration.public_id.hex)


def read_ce_token(token):
    """The registration (with its event) that `token` names, or None for a bad or unknown token."""
    try:
        public_id = signing.Signer(salt=CE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    if len(public_id) != 32 or not all(c in "0123456789abcdef" for c in public_id):
        return None
    return Registration.objects.filter(public_id=public_id).select_related("event").first()


def ce_url(registration):
    path = reverse("learning:participant", kwargs={"token": make_ce_token(registration)})
    return f"{settings.SITE_URL}{path}"
