"""Declare the admin search's trigram GIN indexes on the model (`Application.Meta.indexes`).

Migration 0003 made them with raw SQL outside the model state (PostgreSQL only); this one drops
those and creates the declared ones, after `TrigramExtension` (pg_trgm). On the embedded SQLite of
`make run` the backend (nmt_portal/sqlite) leaves GIN indexes out; the state is the same.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models
from django.db.models.functions import Cast, Upper

# The columns 0003 indexed with raw SQL, as application_<column>_trgm.
RAW_SQL_COLUMNS = ["reference", "full_name", "organisation_name", "email", "coordinator_name"]


def drop_raw_sql_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in RAW_SQL_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS application_{column}_trgm")


def create_raw_sql_indexes(apps, schema_editor):
    """Backwards: the indexes exactly as 0003 made them."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in RAW_SQL_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS application_{column}_trgm ON certifications_application "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


class TrigramExtensionKeptBackwards(TrigramExtension):
    """0003 created pg_trgm already, and its raw-SQL indexes, made again backwards, need it."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass


def trigram_index(field, name):
    return migrations.AddIndex(
        model_name="application",
        index=GinIndex(OpClass(Upper(Cast(field, models.TextField())), name="gin_trgm_ops"), name=name),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("certifications", "0007_application_field_wording"),
    ]

    operations = [
        TrigramExtensionKeptBackwards(),
        migrations.RunPython(drop_raw_sql_indexes, create_raw_sql_indexes),
        trigram_index("reference", "application_reference_trgm"),
        trigram_index("full_name", "application_full_name_trgm"),
        trigram_index("organisation_name", "application_org_name_trgm"),
        trigram_index("email", "application_email_trgm"),
        trigram_index("coordinator_name", "application_coord_name_trgm"),
    ]
