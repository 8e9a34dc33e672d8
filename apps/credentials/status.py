"""The public status lists: a W3C `BitstringStatusListCredential` per list of 131,072 entries, and
1EdTech's Revocation List. Both read the certificates' own status, so a revocation shows as soon as
its transaction commits; both carry credential identifiers and bits only, never personal data.

A signed list is kept in the cache under the status version, which every change of a certificate's
status bumps after its commit (receivers below), so the list is signed once per change, not per request.
"""

import base64
import gzip

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from apps.certifications.models import Certificate

from . import keys, proofs
from .credential import CONTEXT, issuer_profile, revocation_list_url, status_list_url, timestamp
from .models import STATUS_LIST_SIZE, CredentialRecord

STATUS_VERSION_KEY = "credentials:status-version"
# How long a reader (and the portal's cache) may keep a list: a revocation reaches every verifier
# within this time.
STATUS_LIST_SECONDS = 300


def status_version():
    return cache.get_or_set(STATUS_VERSION_KEY, 1, None)


def status_changed():
    """Retire the signed lists once the current transaction commits."""

    def bump():
        try:
            cache.incr(STATUS_VERSION_KEY)
        except ValueError:
            cache.set(STATUS_VERSION_KEY, 2, None)

    transaction.on_commit(bump)


@receiver(post_save, sender=Certificate, dispatch_uid="credentials.certificate_status_changed")
def certificate_saved(sender, instance, update_fields=None, **kwargs):
    if update_fields is None or "status" in update_fields:
        status_changed()


def revoked_indexes(number):
    """The indexes set in list `number`: the entries of revoked certificates."""
    return list(
        CredentialRecord.objects.in_list(number)
        .filter(certificate__status=Certificate.Status.REVOKED)
        .values_list("status_index", flat=True)
    )


def encode_bitstring(indexes, size=STATUS_LIST_SIZE):
    """The Bitstring Status List's `encodedList`: the bits (index 0 the first byte's highest bit)
    GZIP-compressed and encoded as multibase base64url without padding ("u…")."""
    bits = bytearray(size // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def decode_bitstring(encoded):
    """The bits of an `encodedList`, as bytes (for verification and tests)."""
    if not encoded.startswith("u"):
        raise ValueError("The encoded list is not multibase base64url.")
    data = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def bit_is_set(bits, index):
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_credential(number):
    """The signed `BitstringStatusListCredential` of list `number`, from the cache when unchanged."""
    key = keys.signing_key()
    cache_key = f"credentials:status-list:{number}:{status_version()}:{key.id}"

    def build():
        url = status_list_url(number)
        document = {
            "@context": [CONTEXT[0]],
            "id": url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": issuer_profile()["id"],
            "validFrom": timestamp(timezone.now()),
            "credentialSubject": {
                "id": f"{url}#list",
                "type": "BitstringStatusList",
                "statusPurpose": "revocation",
                "encodedList": encode_bitstring(revoked_indexes(number)),
            },
        }
        return proofs.create_proof(
            document,
            private_key=key.private_key,
            verification_method=key.verification_method,
            created=document["validFrom"],
        )

    return cache.get_or_set(cache_key, build, STATUS_LIST_SECONDS * 12)


def revocation_list():
    """1EdTech's Revocation List (VCRL 1.0): the identifiers of the revoked credentials. The reason
    given is the same for all: the staff's reason stays internal, as on the verification page."""
    revoked = (
        CredentialRecord.objects.filter(certificate__status=Certificate.Status.REVOKED)
        .order_by("credential_id")
        .values_list("credential_id", flat=True)
    )
    return {
        "id": revocation_list_url(),
        "issuer": issuer_profile()["id"],
        "revokedCredentials": [
            {"id": f"urn:uuid:{credential_id}", "revocationReason": "Revoked by the issuer."}
            for credential_id in revoked
        ],
    }


def list_numbers():
    return list(CredentialRecord.objects.values_list("status_list", flat=True).distinct().order_by("status_list"))
