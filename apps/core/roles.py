"""Staff roles: three groups and the permissions each one holds, kept in step with the models.

The table below is the one source of truth. A data migration creates the groups, and every
`migrate` (the `post_migrate` signal) sets each group's permissions to exactly what the table
names, so the permissions of models added later join their role without a new migration.
Changes made to these three groups in the admin are reset by the next `migrate`; give someone
extra rights through another group instead. `core` names other apps by label only.
"""

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q

REVIEWERS = "Reviewers"
CONTENT_EDITORS = "Content editors"
SITE_ADMINISTRATORS = "Site administrators"

ROLES = {
    # Work the application queue: read everything about an application, move it through the
    # lifecycle (change), add internal notes, read and download documents, read certificates and
    # adjust the applicant email texts. Never delete an application, reopen a decision or revoke.
    REVIEWERS: {
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
            "core.view_emailtext",
            "core.change_emailtext",
        ],
    },
    # Edit the public content; no applications, no applicant documents, no certificates.
    CONTENT_EDITORS: {
        "apps": ["faq", "partners", "events", "library", "inquiries"],
        "models": ["core.sitesettings"],
    },
    # Everything, staff accounts and groups included, plus reopening decisions and revoking.
    SITE_ADMINISTRATORS: {"all": True},
}


def role_permissions_query(spec):
    """A Q over auth.Permission selecting what one role's entry in ROLES names."""
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


def roles_sync(*, apps=global_apps, using=DEFAULT_DB_ALIAS):
    """Create the role groups if missing and set each one's permissions to exactly the table's."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, spec in ROLES.items():
        group, _ = group_model.objects.using(using).get_or_create(name=name)
        wanted = set(
            permission_model.objects.using(using).filter(role_permissions_query(spec)).values_list("pk", flat=True)
        )
        current = set(group.permissions.values_list("pk", flat=True))
        if wanted != current:
            group.permissions.remove(*(current - wanted))
            group.permissions.add(*(wanted - current))


def sync_roles_after_migrate(sender, *, apps=global_apps, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_migrate receiver: runs once per migrate, after the last app has created its permissions."""
    with_models = [config for config in global_apps.get_app_configs() if config.models_module is not None]
    if not with_models or sender.label != with_models[-1].label:
        return
    try:
        apps.get_model("auth", "Permission")
    except LookupError:  # auth is not migrated in this database
        return
    roles_sync(apps=apps, using=using)
