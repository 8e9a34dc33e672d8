"""The search indexes declared on the models: built on PostgreSQL, used by the admin's search,
left out by the embedded SQLite backend of `make run`."""

import pytest
from django.contrib import admin
from django.contrib.postgres.indexes import GinIndex
from django.db import connection
from django.db.utils import ConnectionHandler

from apps.certifications.models import Application

pytestmark = pytest.mark.django_db

TRIGRAM_INDEXES = {
    "application_reference_trgm": "reference",
    "application_full_name_trgm": "full_name",
    "application_org_name_trgm": "organisation_name",
    "application_email_trgm": "email",
    "application_coord_name_trgm": "coordinator_name",
}


def test_the_admin_searches_exactly_the_indexed_columns():
    assert admin.site._registry[Application].search_fields == list(TRIGRAM_INDEXES.values())


def test_postgresql_has_the_declared_trigram_indexes_and_no_others():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'certifications_application' "
            "AND indexdef LIKE '%%gin_trgm_ops%%' ORDER BY indexname"
        )
        rows = cursor.fetchall()

    definition = "CREATE INDEX {} ON public.certifications_application USING gin (upper(({})::text) gin_trgm_ops)"
    assert rows == sorted((name, definition.format(name, column)) for name, column in TRIGRAM_INDEXES.items())


def _indexes_in_plan(node):
    return [node.get("Index Name"), *(name for child in node.get("Plans", []) for name in _indexes_in_plan(child))]


@pytest.mark.parametrize(("name", "column"), TRIGRAM_INDEXES.items())
def test_the_admin_search_expression_uses_the_trigram_index(name, column):
    # The admin's search is `column__icontains`: UPPER(column::text) LIKE UPPER('%term%') on PostgreSQL.
    sql, params = Application.objects.filter(**{f"{column}__icontains": "mary@ex"}).order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0][0]["Plan"]

    assert [index for index in _indexes_in_plan(plan) if index] == [name]


def _sqlite_schema_sql(build, path):
    sqlite = ConnectionHandler({"default": {"ENGINE": "nmt_portal.sqlite", "NAME": path / "db.sqlite3"}})["default"]
    try:
        with sqlite.schema_editor(collect_sql=True) as editor:
            build(editor)
        return editor.collected_sql
    finally:
        sqlite.close()


def test_the_embedded_sqlite_builds_the_model_without_its_gin_indexes(tmp_path):
    # A table remake (SQLite's way to add or alter a column) builds the table as create_model does.
    statements = _sqlite_schema_sql(lambda editor: editor.create_model(Application), tmp_path)

    created = sorted(s.split('"')[1] for s in statements if s.startswith("CREATE INDEX"))
    assert created == sorted(
        [
            "certifications_application_assigned_to_id_d9f7ddb0",
            "certifications_application_program_id_2c2d19ab",
            "certifications_application_renews_id_0ea3f0ee",
            "certifications_application_works_at_id_104ddab7",
        ]
        + [index.name for index in Application._meta.indexes if not isinstance(index, GinIndex)]
    )
    assert [s for s in statements if "gin_trgm_ops" in s] == []
    assert {index.name for index in Application._meta.indexes if isinstance(index, GinIndex)} == set(TRIGRAM_INDEXES)


def test_the_embedded_sqlite_skips_adding_and_removing_a_gin_index(tmp_path):
    index = next(index for index in Application._meta.indexes if index.name == "application_email_trgm")

    statements = _sqlite_schema_sql(
        lambda editor: (editor.add_index(Application, index), editor.remove_index(Application, index)), tmp_path
    )

    assert statements == []
