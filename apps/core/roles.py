"""Staff roles: three groups and the permissions each one holds, kept in step with the models.

The table below is the one source of truth. `manage.py sync_roles`, run on every deploy after
`migrate`, creates the groups and sets each one's permissions to exactly what the table names, so
the permissions of models added later join their role without a new migration. Changes made to
these three groups in the admin are reset by the next `sync_roles`; give someone extra rights
through another group instead. `core` names other apps by label only.
"""

from django.contrib.auth.models import Group, Permission
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q

REVIEWERS = "Reviewers"
CONTENT_EDITORS = "Content editors"
SITE_ADMINISTRATORS = "Site administrators"

ROLES = {
    # Work the application queue: read everything about an application, move it through the
    # lifecycle (change), add internal notes, read and download documents, read certificates,
    # extend one certificate's renewal with a reason, and adjust the applicant email texts. Never
    # delete an application, reopen a decision or revoke.
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
            "certifications.extend_renewal",
            # Progress toward certification: read the requirements, confirm what a person completed
            # (a self-guided module, a fidelity exercise), and read CE certificates.
            "learning.view_requirement",
            "learning.view_requirementconfirmation",
            "learning.add_requirementconfirmation",
            "learning.view_cecertificate",
            "core.view_emailtext",
            "core.change_emailtext",
        ],
    },
    # Edit the public content, and approve site coordinators' changes to their partner listings;
    # run the trainings' continuing education (credit offers, attendance, evaluations, post-tests,
    # CE certificates, program requirements); no applications, no applicant documents, no
    # certificates.
    CONTENT_EDITORS: {
        "apps": ["faq", "partners", "events", "learning", "library", "inquiries"],
        "models": ["core.sitesettings", "core.photo", "accounts.listingchange"],
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


def roles_sync(*, using=DEFAULT_DB_ALIAS):
    """Create the role groups if missing and set each one's permissions to exactly the table's.

    Returns the names of the groups it created or changed.
    """
    changed = []
    for name, spec in ROLES.items():
        group, created = Group.objects.using(using).get_or_create(name=name)
        wanted = set(Permission.objects.using(using).filter(role_permissions_query(spec)).values_list("pk", flat=True))
        current = set(group.permissions.values_list("pk", flat=True))
        if wanted != current:
            group.permissions.remove(*(current - wanted))
            group.permissions.add(*(wanted - current))
        if created or wanted != current:
            changed.append(name)
    return changed
