"""The embedded SQLite of `make run`: Django's SQLite backend, without PostgreSQL-only indexes.

The models declare PostgreSQL indexes (trigram GIN for the admin search, `Meta.indexes`). SQLite
cannot build them: Django would send it `CREATE INDEX ... ((UPPER(CAST("email" AS text)))
gin_trgm_ops)`, a syntax error, when the migration adds one and again each time a later migration
remakes the table (SQLite's way to add or alter a column or a constraint), since a remake rebuilds
every index of the model state. This schema editor leaves them out wherever it would create or drop
one; the model state stays the same as on PostgreSQL. Likewise a stored search document (a
`GeneratedField` of `SearchVectorField`: PostgreSQL's `to_tsvector`, which SQLite lacks) is an
empty column here; the models' `search` methods match substrings on SQLite instead.
"""

from django.contrib.postgres.indexes import PostgresIndex
from django.contrib.postgres.search import SearchVectorField
from django.db.backends.sqlite3 import base, schema


class DatabaseSchemaEditor(schema.DatabaseSchemaEditor):
    def _column_generated_sql(self, field):
        if isinstance(field.output_field, SearchVectorField):
            return f"GENERATED ALWAYS AS (NULL) {self._column_generated_persistency_sql(field)}", ()
        return super()._column_generated_sql(field)

    def add_index(self, model, index):
        if not isinstance(index, PostgresIndex):
            super().add_index(model, index)

    def remove_index(self, model, index):
        if not isinstance(index, PostgresIndex):
            super().remove_index(model, index)

    def _model_indexes_sql(self, model):
        """Django's list (the fields' indexes, then Meta.indexes), less the PostgreSQL-only indexes."""
        if not model._meta.managed or model._meta.proxy or model._meta.swapped:
            return []
        output = []
        for field in model._meta.local_fields:
            output.extend(self._field_indexes_sql(model, field))
        output.extend(
            index.create_sql(model, self) for index in model._meta.indexes if not isinstance(index, PostgresIndex)
        )
        return output


class DatabaseWrapper(base.DatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor
