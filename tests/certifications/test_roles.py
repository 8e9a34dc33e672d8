"""The staff roles: what each group holds, and what each kind of user reaches in the admin."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal

from apps.core.roles import CONTENT_EDITORS, REVIEWERS, ROLES, SITE_ADMINISTRATORS
from tests.factories import make_application, make_certificate, make_staff
from tests.staff import admin_login

# Every test starts from the roles as a deploy leaves them: migrate, then `manage.py sync_roles`.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles")]

ANONYMOUS, NON_STAFF = "anonymous", "non-staff"
ROLE_NAMES = [ANONYMOUS, NON_STAFF, REVIEWERS, CONTENT_EDITORS, SITE_ADMINISTRATORS]


def _permissions(group_name):
    group = Group.objects.get(name=group_name)
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def test_sync_roles_creates_the_three_roles():
    Group.objects.filter(name__in=ROLES).delete()

    call_command("sync_roles", verbosity=0)

    assert set(Group.objects.filter(name__in=ROLES).values_list("name", flat=True)) == set(ROLES)


def test_reviewers_hold_exactly_the_review_permissions():
    assert _permissions(REVIEWERS) == {
        ("certifications", "view_program"),
        ("certifications", "view_programdocument"),
        ("certifications", "view_application"),
        ("certifications", "change_application"),
        ("certifications", "view_applicationdocument"),
        ("certifications", "view_applicationevent"),
        ("certifications", "view_applicationnote"),
        ("certifications", "add_applicationnote"),
        ("certifications", "view_certificate"),
        ("certifications", "extend_renewal"),
        ("learning", "view_requirement"),
        ("learning", "view_requirementconfirmation"),
        ("learning", "add_requirementconfirmation"),
        ("learning", "view_cecertificate"),
        ("core", "view_emailtext"),
        ("core", "change_emailtext"),
    }


def test_content_editors_hold_every_content_permission_and_nothing_of_certification():
    expected = (
        set(
            Permission.objects.filter(
                content_type__app_label__in=["faq", "inquiries", "partners", "events", "learning", "library"]
            ).values_list("content_type__app_label", "codename")
        )
        | {
            ("core", f"{action}_{model}")
            for action in ["add", "change", "delete", "view"]
            for model in ["sitesettings", "photo"]
        }
        | {("accounts", f"{action}_listingchange") for action in ["add", "change", "delete", "view"]}
    )

    held = _permissions(CONTENT_EDITORS)

    assert held == expected
    assert {label for label, _ in held} <= {
        "faq",
        "inquiries",
        "partners",
        "events",
        "learning",
        "library",
        "core",
        "accounts",
    }
    # Of the accounts app, only the coordinators' listing changes: no people, memberships or erasures.
    assert {codename for label, codename in held if label == "accounts"} == {
        "add_listingchange",
        "change_listingchange",
        "delete_listingchange",
        "view_listingchange",
    }


def test_site_administrators_hold_every_permission():
    assert _permissions(SITE_ADMINISTRATORS) == set(
        Permission.objects.values_list("content_type__app_label", "codename")
    )


def test_sync_roles_adds_new_permissions_and_resets_hand_edits():
    # A model added later (here a stand-in permission of the faq app) joins its role at the next sync.
    faq_type = ContentType.objects.get(app_label="faq", model="question")
    newcomer = Permission.objects.create(content_type=faq_type, codename="publish_question", name="Can publish")
    reviewers = Group.objects.get(name=REVIEWERS)
    reviewers.permissions.add(Permission.objects.get(codename="delete_application"))

    call_command("sync_roles", verbosity=0)

    assert ("faq", "publish_question") in _permissions(CONTENT_EDITORS)
    assert newcomer.group_set.filter(name=SITE_ADMINISTRATORS).exists()
    assert ("certifications", "delete_application") not in _permissions(REVIEWERS)


def test_sync_roles_reports_what_it_changed(capsys):
    Group.objects.get(name=REVIEWERS).permissions.clear()

    call_command("sync_roles")
    call_command("sync_roles")

    assert capsys.readouterr().out == (
        "Roles: 3 in step, 1 created or changed.\nRoles: 3 in step, 0 created or changed.\n"
    )


def test_migrate_leaves_the_groups_alone():
    # `migrate` ends with the post_migrate signal; roles change only through `sync_roles`.
    Group.objects.filter(name=REVIEWERS).delete()
    editors = Group.objects.get(name=CONTENT_EDITORS)
    editors.permissions.add(Permission.objects.get(codename="delete_application"))

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert not Group.objects.filter(name=REVIEWERS).exists()
    assert ("certifications", "delete_application") in _permissions(CONTENT_EDITORS)


@pytest.fixture
def as_role(client, django_user_model):
    def login(role):
        if role == ANONYMOUS:
            return client
        if role == NON_STAFF:
            client.force_login(django_user_model.objects.create_user(username="visitor", password="x" * 16))
            return client
        return admin_login(client, make_staff(role=role))

    return login


# (what, url builder, expected status for anonymous, non-staff, reviewer, content editor, site administrator)
LOGIN = 302
MATRIX = [
    ("applications queue", lambda ids: "/admin/certifications/application/", [LOGIN, LOGIN, 200, 403, 200]),
    (
        "application page",
        lambda ids: f"/admin/certifications/application/{ids['application']}/change/",
        [LOGIN, LOGIN, 200, 403, 200],
    ),
    (
        "application history",
        lambda ids: f"/admin/certifications/application/{ids['application']}/history/",
        [LOGIN, LOGIN, 200, 403, 200],
    ),
    (
        "request information",
        lambda ids: f"/admin/certifications/application/{ids['in_review']}/transition/request-info/",
        [LOGIN, LOGIN, 200, 403, 200],
    ),
    (
        "reopen a decision",
        lambda ids: f"/admin/certifications/application/{ids['approved']}/transition/reopen/",
        [LOGIN, LOGIN, 403, 403, 200],
    ),
    ("applications export", lambda ids: "/admin/certifications/application/export/", [LOGIN, LOGIN, 200, 403, 200]),
    ("dashboard", lambda ids: "/admin/certifications/application/dashboard/", [LOGIN, LOGIN, 200, 403, 200]),
    ("certificates", lambda ids: "/admin/certifications/certificate/", [LOGIN, LOGIN, 200, 403, 200]),
    ("certificates export", lambda ids: "/admin/certifications/certificate/export/", [LOGIN, LOGIN, 200, 403, 200]),
    (
        "revoke a certificate",
        lambda ids: f"/admin/certifications/certificate/{ids['certificate']}/revoke/",
        [LOGIN, LOGIN, 403, 403, 200],
    ),
    (
        "extend a certificate's renewal",
        lambda ids: f"/admin/certifications/certificate/{ids['certificate']}/extend-renewal/",
        [LOGIN, LOGIN, 200, 403, 200],
    ),
    ("email texts", lambda ids: "/admin/core/emailtext/", [LOGIN, LOGIN, 200, 403, 200]),
    ("programs", lambda ids: "/admin/certifications/program/", [LOGIN, LOGIN, 200, 403, 200]),
    ("add a program", lambda ids: "/admin/certifications/program/add/", [LOGIN, LOGIN, 403, 403, 200]),
    ("FAQ questions", lambda ids: "/admin/faq/question/", [LOGIN, LOGIN, 403, 200, 200]),
    ("add a FAQ question", lambda ids: "/admin/faq/question/add/", [LOGIN, LOGIN, 403, 200, 200]),
    ("information pages", lambda ids: "/admin/faq/page/", [LOGIN, LOGIN, 403, 200, 200]),
    ("inquiries", lambda ids: "/admin/inquiries/inquiry/", [LOGIN, LOGIN, 403, 200, 200]),
    ("site settings", lambda ids: "/admin/core/sitesettings/", [LOGIN, LOGIN, 403, 200, 200]),
    ("listing changes", lambda ids: "/admin/accounts/listingchange/", [LOGIN, LOGIN, 403, 200, 200]),
    ("site memberships", lambda ids: "/admin/accounts/sitemembership/", [LOGIN, LOGIN, 403, 403, 200]),
    ("staff accounts", lambda ids: "/admin/auth/user/", [LOGIN, LOGIN, 403, 403, 200]),
    ("roles", lambda ids: "/admin/auth/group/", [LOGIN, LOGIN, 403, 403, 200]),
    ("task results", lambda ids: "/admin/django_tasks_database/dbtaskresult/", [LOGIN, LOGIN, 403, 403, 200]),
]


@pytest.mark.parametrize(("role", "index"), [(role, i) for i, role in enumerate(ROLE_NAMES)])
@pytest.mark.parametrize(("what", "url", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_permission_matrix_in_the_admin(as_role, role, index, what, url, expected):
    approved = make_application(status="approved")
    ids = {
        "application": make_application(status="submitted").pk,
        "in_review": make_application(status="in_review").pk,
        "approved": approved.pk,
        "certificate": make_certificate(application=approved).pk,
    }
    client = as_role(role)

    response = client.get(url(ids))

    assert response.status_code == expected[index]
    if expected[index] == LOGIN:
        assert response["Location"].startswith("/admin/login/")


DOCUMENTS = {ANONYMOUS: False, NON_STAFF: False, REVIEWERS: True, CONTENT_EDITORS: False, SITE_ADMINISTRATORS: True}


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_documents_are_readable_by_reviewers_and_site_administrators_only(role, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    if role == ANONYMOUS:
        user = AnonymousUser()
    elif role == NON_STAFF:
        user = django_user_model.objects.create_user(username="visitor")
    else:
        user = make_staff(role=role)

    assert user.has_perm("certifications.view_applicationdocument") is DOCUMENTS[role]


@pytest.mark.parametrize(
    ("role", "reopen", "revoke"),
    [(REVIEWERS, False, False), (CONTENT_EDITORS, False, False), (SITE_ADMINISTRATORS, True, True)],
)
def test_only_site_administrators_reopen_and_revoke(role, reopen, revoke):
    user = make_staff(role=role)

    assert (
        user.has_perm("certifications.reopen_application"),
        user.has_perm("certifications.revoke_certificate"),
    ) == (reopen, revoke)


DOWNLOAD = {ANONYMOUS: LOGIN, NON_STAFF: 403, REVIEWERS: 200, CONTENT_EDITORS: 403, SITE_ADMINISTRATORS: 200}


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_document_download_follows_the_roles(as_role, role):
    from django.core.files.base import ContentFile

    from apps.certifications.models import ApplicationDocument

    document = ApplicationDocument(
        application=make_application(status="submitted"),
        kind="cv",
        original_name="cv.pdf",
        content_type="application/pdf",
        size=13,
        sha256="0" * 64,
    )
    document.file.save("cv.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    client = as_role(role)

    response = client.get(f"/staff/documents/{document.pk}/download/")

    assert response.status_code == DOWNLOAD[role]
    if response.status_code == 200:
        assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
        response.close()
        assert response["Content-Disposition"] == 'attachment; filename="cv.pdf"'
