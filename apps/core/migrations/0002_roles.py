"""Create the staff roles (Reviewers, Content editors, Site administrators) with their permissions.

Permissions of apps migrated later are added by the post_migrate sync in apps/core/roles.py.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from apps.core.roles import ROLES, roles_sync


def forwards(apps, schema_editor):
    # Permissions are normally created after the whole migrate; create those that can be now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = None
    roles_sync(apps=apps, using=schema_editor.connection.alias)


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.using(schema_editor.connection.alias).filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
