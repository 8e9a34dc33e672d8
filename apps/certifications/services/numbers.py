"""Reference and certificate numbers."""

import secrets

from django.db import transaction
from django.utils import timezone

from ..models import Kind, ReferenceCounter

REFERENCE_PREFIX = {Kind.INDIVIDUAL: "NMT-I", Kind.SITE: "NMT-S"}
CERTIFICATE_PREFIX = "NMT-C"
# No 0/O, 1/I/L or U: nothing to misread when a number is typed from paper.
UNGUESSABLE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
UNGUESSABLE_LENGTH = 6  # 30**6: about 729 million endings for each sequence number


def next_number(prefix, *, year=None):
    """The next number like `NMT-I-2026-00042`, gapless within a year.

    The counter row is locked until the surrounding transaction ends, so concurrent callers wait
    for each other and never share a number; a rolled-back transaction gives its number back.
    """
    year = year or timezone.localdate().year
    with transaction.atomic():
        ReferenceCounter.objects.get_or_create(prefix=prefix, year=year)
        counter = ReferenceCounter.objects.select_for_update().get(prefix=prefix, year=year)
        counter.last_value += 1
        counter.save(update_fields=["last_value"])
    return f"{prefix}-{year}-{counter.last_value:05d}"


def with_unguessable_part(number, *, rng=None):
    """`number` with random characters added, like `NMT-C-2026-00031-7KQX4M`.

    The sequence alone would let anyone walk the verification URLs and list every holder, those
    who left the public registry included; the ending makes a number impossible to guess. `rng`
    is for repeatable benchmark data only; numbers people receive use the `secrets` module.
    """
    choice = rng.choice if rng is not None else secrets.choice
    return f"{number}-{''.join(choice(UNGUESSABLE_ALPHABET) for _ in range(UNGUESSABLE_LENGTH))}"


def next_certificate_number():
    """A new certificate's number: the year's sequence, then the unguessable ending."""
    return with_unguessable_part(next_number(CERTIFICATE_PREFIX))
