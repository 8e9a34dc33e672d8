"""Create the staff roles (Reviewers, Content editors, Site administrators) with their permissions.

A frozen copy of the role table as it stood when this migration was written: a migration never
imports live application code. Later permissions join their role through `manage.py sync_roles`
(apps/core/roles.py), which every deploy runs after `migrate`.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.models import Q

ROLES = {
    "Reviewers": {
        "permissions": [
            "certifications.view_program",
            "certifications.view_programdocument",
            "certifications.view_application",
            "certifications.change_application",
            "certifications.view_applicationdocument",
            "certifications.view_applicationevent",
            "certifications.view_applicationnote",
            "certifications.add_applicationnote",
            "certifications.view_certificate",
            "certifications.view_emailtemplate",
            "certifications.change_emailtemplate",
        ],
    },
    "Content editors": {
        "apps": ["faq", "partners", "events", "library", "inquiries"],
        "models": ["core.sitesettings"],
    },
    "Site administrators": {"all": True},
}


def role_permissions_query(spec):
    if spec.get("all"):
        return Q()
    query = Q(pk__in=[])
    for label in spec.get("apps", []):
        query |= Q(content_type__app_label=label)
    for dotted in spec.get("models", []):
        app_label, model = dotted.split(".")
        query |= Q(content_type__app_label=app_label, content_type__model=model)
    for dotted in spec.get("permissions", []):
        app_label, codename = dotted.split(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    return query


def forwards(apps, schema_editor):
    using = schema_editor.connection.alias
    # Permissions are normally created after the whole migrate; create those that can be now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=using)
        app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, spec in ROLES.items():
        group, _ = group_model.objects.using(using).get_or_create(name=name)
        wanted = set(permission_model.objects.using(using).filter(role_permissions_query(spec)).values_list("pk", flat=True))
        current = set(group.permissions.values_list("pk", flat=True))
        if wanted != current:
            group.permissions.remove(*(current - wanted))
            group.permissions.add(*(wanted - current))


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.using(schema_editor.connection.alias).filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
