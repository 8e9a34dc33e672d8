"""A certificate's credential identity: the `urn:uuid` its Open Badges credentials carry, the salt of
its holder's hashed address, and its place in the public status lists. The credential itself is
built from the certificate whenever it is asked for (credential.py); only what must never change
between two downloads is stored."""

import secrets
import uuid

from django.db import IntegrityError, models, transaction

from apps.certifications.models import Certificate

# W3C Bitstring Status List: at least 131,072 entries a list, so that one entry says nothing about
# whose it is. A list is left for the next once this share of it is taken, which keeps the random
# draw of a free index quick.
STATUS_LIST_SIZE = 131_072
STATUS_LIST_FILL = 0.75


def new_salt():
    """16 random bytes in hex: the salt of one holder's hashed address."""
    return secrets.token_hex(16)


class CredentialRecordQuerySet(models.QuerySet):
    def in_list(self, number):
        return self.filter(status_list=number)


class CredentialRecord(models.Model):
    certificate = models.OneToOneField(Certificate, on_delete=models.CASCADE, related_name="credential_record")
    credential_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Salted so that the hash in a credential cannot be matched against a list of addresses.
    identity_salt = models.CharField(max_length=32, default=new_salt, editable=False)
    status_list = models.PositiveIntegerField(default=1, editable=False)
    status_index = models.PositiveIntegerField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CredentialRecordQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["status_list", "status_index"], name="credential_status_entry_unique"),
            models.CheckConstraint(
                condition=models.Q(status_index__lt=STATUS_LIST_SIZE), name="credential_status_index_in_list"
            ),
        ]

    def __str__(self):
        return f"urn:uuid:{self.credential_id}"

    @property
    def urn(self):
        return f"urn:uuid:{self.credential_id}"


def credential_record_for(certificate):
    """The certificate's credential record, made on first use: a new `urn:uuid`, a salt and a random
    free index in the current status list (random, so that neighbouring entries are not neighbouring
    certificates)."""
    existing = CredentialRecord.objects.filter(certificate=certificate).first()
    if existing is not None:
        return existing
    for _ in range(50):
        number = _current_list()
        try:
            with transaction.atomic():
                return CredentialRecord.objects.create(
                    certificate=certificate, status_list=number, status_index=secrets.randbelow(STATUS_LIST_SIZE)
                )
        except IntegrityError:
            # The index was taken (or another request made the record at the same moment).
            existing = CredentialRecord.objects.filter(certificate=certificate).first()
            if existing is not None:
                return existing
    raise RuntimeError("No free status list index after 50 draws.")


def _current_list():
    last = CredentialRecord.objects.order_by("-status_list").values_list("status_list", flat=True).first() or 1
    if CredentialRecord.objects.in_list(last).count() >= STATUS_LIST_SIZE * STATUS_LIST_FILL:
        return last + 1
    return last
