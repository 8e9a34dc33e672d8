# Staff's email texts move to core.EmailText, keyed by the email's file templates, so that every
# app's emails go through one function; the rows keep their ids, texts, authors and history.

from django.core.management.color import no_style
from django.db import migrations

PREFIX = "certifications/email/"
FIELDS = ["id", "subject", "body", "updated_at", "updated_by_id"]
HISTORY_FIELDS = [
    "id",
    "subject",
    "body",
    "updated_by_id",
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
]


def _copy(rows, target, fields, key_from, key_to, convert):
    target.objects.bulk_create(
        target(**{name: getattr(row, name) for name in fields}, **{key_to: convert(getattr(row, key_from))})
        for row in rows.order_by("pk")
    )


def _reset_sequences(schema_editor, models):
    # The rows kept their ids: the next id must come after them.
    with schema_editor.connection.cursor() as cursor:
        for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def to_core(apps, schema_editor):
    old = apps.get_model("certifications", "EmailTemplate")
    old_history = apps.get_model("certifications", "HistoricalEmailTemplate")
    new = apps.get_model("core", "EmailText")
    new_history = apps.get_model("core", "HistoricalEmailText")
    _copy(old.objects.all(), new, FIELDS, "event", "template", lambda event: f"{PREFIX}{event}")
    _copy(old_history.objects.all(), new_history, HISTORY_FIELDS, "event", "template", lambda event: f"{PREFIX}{event}")
    _reset_sequences(schema_editor, [new, new_history])


def to_certifications(apps, schema_editor):
    old = apps.get_model("certifications", "EmailTemplate")
    old_history = apps.get_model("certifications", "HistoricalEmailTemplate")
    new = apps.get_model("core", "EmailText")
    new_history = apps.get_model("core", "HistoricalEmailText")
    mine = {"template__startswith": PREFIX}
    _copy(new.objects.filter(**mine), old, FIELDS, "template", "event", lambda t: t.removeprefix(PREFIX))
    _copy(new_history.objects.filter(**mine), old_history, HISTORY_FIELDS, "template", "event", lambda t: t.removeprefix(PREFIX))
    new_history.objects.filter(**mine).delete()
    new.objects.filter(**mine).delete()
    _reset_sequences(schema_editor, [old, old_history])


class Migration(migrations.Migration):
    dependencies = [
        ("certifications", "0004_add_answered_status"),
        ("core", "0003_add_email_text"),
    ]

    operations = [
        migrations.RunPython(to_core, to_certifications),
        migrations.RemoveConstraint(
            model_name="emailtemplate",
            name="email_template_event_valid",
        ),
        migrations.RemoveField(
            model_name="emailtemplate",
            name="updated_by",
        ),
        migrations.DeleteModel(
            name="HistoricalEmailTemplate",
        ),
        migrations.DeleteModel(
            name="EmailTemplate",
        ),
    ]
