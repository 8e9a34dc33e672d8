"""Index declarations the apps share."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Cast, Upper


def trigram_index(field, name):
    """A trigram GIN index for `field__icontains`, which PostgreSQL runs as
    `UPPER(column::text) LIKE UPPER('%term%')`: the index is on exactly that expression, so a
    substring search reads the matching rows instead of every row. Needs `TrigramExtension` (pg_trgm)
    first; the embedded SQLite of `make run` leaves it out (nmt_portal/sqlite)."""
    return GinIndex(OpClass(Upper(Cast(field, models.TextField())), name="gin_trgm_ops"), name=name)
