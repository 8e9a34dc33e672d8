"""A site administrator's first admin sign-in in a real browser: the password, then allauth.mfa's
authenticator app set-up (under the page's CSP), then the admin; the next sign-in asks for a code."""

import pytest
from playwright.sync_api import expect

from apps.core.roles import SITE_ADMINISTRATORS
from tests.factories import make_staff
from tests.staff import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long administrator passphrase"
INDEX_HEADING = "Neurosequential Model of Therapeutics: staff"


def _password(page, username):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_site_administrator_sets_up_an_authenticator_app_then_signs_in_with_it(page):
    administrator = make_staff(role=SITE_ADMINISTRATORS)
    administrator.set_password(PASSWORD)
    administrator.save()

    _password(page, administrator.username)
    expect(page.get_by_text("Site administrators sign in with a second factor")).to_be_visible()
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.get_by_role("link", name="Continue to the admin").click()
    expect(page.get_by_role("heading", name=INDEX_HEADING)).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    _password(page, administrator.username)
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name=INDEX_HEADING)).to_be_visible()
