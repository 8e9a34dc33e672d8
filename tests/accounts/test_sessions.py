"""Sign out everywhere: the person's sessions, listed by allauth's usersessions, end together."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_sign_out_other_sessions_ends_them(mailoutbox, send_queued):
    import re

    person = make_person("holder@example.org")
    browsers = []
    for _ in range(2):
        browser = Client()
        with send_queued():
            browser.post("/accounts/login/", {"email": "holder@example.org"})
        code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mailoutbox[-1].body, re.MULTILINE).group(1)
        browser.post("/accounts/login/code/confirm/", {"code": code})
        assert browser.get(reverse("accounts:home")).context["user"] == person
        browsers.append(browser)
    here, elsewhere = browsers

    page = here.get(reverse("usersessions_list"))
    assert page.status_code == 200
    assert len(page.context["sessions"]) == 2
    response = here.post(reverse("usersessions_list"))

    assert response.status_code == 302
    assert here.get(reverse("accounts:home")).status_code == 200
    assert elsewhere.get(reverse("accounts:home")).status_code == 302
    assert Session.objects.count() == 1
