"""apps.core.admin_lists: the change list's row links and checkboxes, written once per page, are
exactly what Django writes row by row."""

import re

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.urls import reverse

from apps.certifications.models import Application
from tests.factories import make_application
from tests.staff import admin_login

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/certifications/application/"


def rows(response):
    return re.findall(r"<tr>.*?</tr>", response.content.decode(), flags=re.S)


@pytest.mark.parametrize("query", ["", "?status=all&q=Jane", "?status=all&p=1&o=3"])
def test_row_links_keep_the_list_filters_as_django_writes_them(client, superuser, query):
    application = make_application(full_name="Jane Example")
    admin_login(client, superuser)

    response = client.get(CHANGELIST + query)

    model_admin = admin.site.get_model_admin(Application)
    preserved = model_admin.get_preserved_filters(response.wsgi_request)
    change = reverse("admin:certifications_application_change", args=[application.pk])
    expected = add_preserved_filters({"preserved_filters": preserved, "opts": Application._meta}, change)
    assert response.status_code == 200
    assert f'href="{expected.replace("&", "&amp;")}"' in response.content.decode()
    assert ("_changelist_filters" in expected) == bool(query)


def test_the_action_checkbox_is_djangos_own(superuser):
    application = make_application(full_name="Jane <Example>")
    model_admin = admin.site.get_model_admin(Application)

    assert model_admin.action_checkbox(application) == admin.ModelAdmin.action_checkbox(model_admin, application)


def test_a_filtered_list_resolves_no_url_per_row(client, superuser, monkeypatch):
    from django.contrib.admin.templatetags import admin_urls

    for number in range(30):
        make_application(full_name=f"Applicant {number}")
    resolved = []
    real_resolve = admin_urls.resolve
    monkeypatch.setattr(admin_urls, "resolve", lambda path: resolved.append(path) or real_resolve(path))
    admin_login(client, superuser)

    response = client.get(CHANGELIST + "?status=all")

    assert response.status_code == 200
    assert len(rows(response)) >= 30
    # The add link and the row template: once each, whatever the number of rows (Django: twice a row).
    assert len(resolved) <= 2
