"""Sign-in by email code at /accounts/login/ (django-allauth's login by code)."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse

from apps.accounts.models import EmailHolding
from tests.factories import make_application, make_person

LOGIN = "/accounts/login/"
CONFIRM = "/accounts/login/code/confirm/"

pytestmark = pytest.mark.django_db


def code_in(message):
    return re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", message.body, re.MULTILINE).group(1)


def request_code(client, send_queued, email):
    with send_queued():
        response = client.post(LOGIN, {"email": email})
    return response


def test_login_page_asks_for_an_email_only(client):
    response = client.get(LOGIN)

    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<label\s+for="id_email"[^>]*>\s*Email address', html)
    assert 'type="password"' not in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_code_signs_in_and_opens_my_nmt(client, mailoutbox, send_queued):
    person = make_person("clinician@example.org")

    response = request_code(client, send_queued, "Clinician@Example.org")

    assert response.status_code == 302
    assert response["Location"] == CONFIRM
    assert [m.to for m in mailoutbox] == [["clinician@example.org"]]
    assert mailoutbox[0].subject == "NMT Portal: Your sign-in code"
    response = client.post(CONFIRM, {"code": code_in(mailoutbox[0]).lower().replace("-", " ")})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")
    assert client.get(reverse("accounts:home")).context["user"] == person


def test_unknown_address_gets_the_same_answer_and_an_account_on_confirming(client, mailoutbox, send_queued):
    make_application(status="submitted", email="new.person@example.org")

    response = request_code(client, send_queued, "new.person@example.org")

    assert response.status_code == 302
    assert response["Location"] == CONFIRM
    assert len(mailoutbox) == 1
    user = get_user_model().objects.get(email="new.person@example.org")
    assert not user.has_usable_password()
    assert EmailHolding.objects.filter(user=user).exists() is False
    client.post(CONFIRM, {"code": code_in(mailoutbox[0])})
    assert EmailAddress.objects.get(user=user).verified is True
    holding = EmailHolding.objects.get(user=user)
    assert (holding.email, holding.until, holding.claims_from) == ("new.person@example.org", None, None)
    home = client.get(reverse("accounts:home"))
    assert [a.email for a in home.context["applications"]] == ["new.person@example.org"]


def test_known_and_unknown_addresses_get_identical_pages(client, send_queued):
    make_person("known@example.org")

    known = request_code(client, send_queued, "known@example.org")
    known_page = client.get(CONFIRM).content.decode().replace("known@example.org", "ADDRESS")
    client.cookies.clear()
    unknown = request_code(client, send_queued, "unknown@example.org")
    unknown_page = client.get(CONFIRM).content.decode().replace("unknown@example.org", "ADDRESS")

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", known_page) == strip.sub("", unknown_page)


def test_three_wrong_codes_end_the_attempt(client, mailoutbox, send_queued):
    make_person("clinician@example.org")
    request_code(client, send_queued, "clinician@example.org")
    right = code_in(mailoutbox[0])

    for _ in range(2):
        response = client.post(CONFIRM, {"code": "WRONG-CODE"})
        assert response.status_code == 200
        assert response.context["verify_form"].errors == {"code": ["Incorrect code."]}
    response = client.post(CONFIRM, {"code": "WRONG-CODE"})
    # The third failure spends the code: even the right one no longer works.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_request_login_code")
    client.post(CONFIRM, {"code": right})
    assert client.get(reverse("accounts:home")).status_code == 302


def test_a_code_works_once(client, mailoutbox, send_queued):
    make_person("clinician@example.org")
    request_code(client, send_queued, "clinician@example.org")
    code = code_in(mailoutbox[0])
    client.post(CONFIRM, {"code": code})
    client.post(reverse("account_logout"))

    response = client.post(CONFIRM, {"code": code})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_request_login_code")
    assert client.get(reverse("accounts:home")).status_code == 302


def test_code_expires_after_fifteen_minutes(client, mailoutbox, send_queued, settings, monkeypatch):
    import time

    make_person("clinician@example.org")
    request_code(client, send_queued, "clinician@example.org")
    later = time.time() + 15 * 60 + 1
    monkeypatch.setattr(time, "time", lambda: later)

    response = client.post(CONFIRM, {"code": code_in(mailoutbox[0])})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_request_login_code")
    assert client.get(reverse("accounts:home")).status_code == 302


def test_requests_for_one_address_are_limited(client, mailoutbox, send_queued):
    for _ in range(5):
        client.cookies.clear()
        assert request_code(client, send_queued, "clinician@example.org").status_code == 302

    client.cookies.clear()
    response = request_code(client, send_queued, "clinician@example.org")

    assert response.status_code == 200
    assert response.context["form"].errors == {"email": ["Too many failed login attempts. Try again later."]}
    assert len(mailoutbox) == 5


def test_typing_someone_elses_address_shows_nothing_of_theirs(client, mailoutbox, send_queued):
    make_person("victim@example.org")
    make_application(status="submitted", email="victim@example.org")

    request_code(client, send_queued, "victim@example.org")
    response = client.post(CONFIRM, {"code": "ABCD-EFGH"})

    assert response.status_code == 200
    assert client.get(reverse("accounts:home")).status_code == 302
    assert [m.to for m in mailoutbox] == [["victim@example.org"]]


def test_the_code_email_holds_no_link_that_signs_in(client, mailoutbox, send_queued):
    make_person("clinician@example.org")

    request_code(client, send_queued, "clinician@example.org")

    assert "http" not in mailoutbox[0].body


def test_confirm_page_by_get_signs_nobody_in(client, mailoutbox, send_queued):
    make_person("clinician@example.org")
    request_code(client, send_queued, "clinician@example.org")

    response = client.get(CONFIRM + "?code=" + code_in(mailoutbox[0]))

    assert response.status_code == 200
    assert client.get(reverse("accounts:home")).status_code == 302


def test_sign_out_is_a_post(person_client):
    assert person_client.get(reverse("account_logout")).status_code == 200
    assert person_client.get(reverse("accounts:home")).status_code == 200

    response = person_client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert person_client.get(reverse("accounts:home")).status_code == 302


def test_password_pages_are_not_served(client):
    assert client.get("/accounts/password/reset/").status_code == 404
    assert client.get("/accounts/signup/").status_code in {200, 404}


def test_staff_with_an_authenticator_also_give_its_code_after_the_email_code(client, mailoutbox, send_queued):
    from tests.factories import make_staff
    from tests.staff import add_totp, totp_code

    staff = make_staff(email="reviewer@example.org")
    secret = add_totp(staff)

    request_code(client, send_queued, "reviewer@example.org")
    response = client.post(CONFIRM, {"code": code_in(mailoutbox[0])})

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    page = client.get(reverse("mfa_authenticate"))
    assert page.status_code == 200
    assert "style=" not in page.content.decode()
    assert client.get(reverse("accounts:home")).status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get(reverse("accounts:home")).context["user"] == staff
    # Signed in to My NMT, not to the admin: that takes the password at /admin/login/.
    assert client.get("/admin/").status_code == 302


def test_the_welcome_names_the_address_never_the_internal_username(client, mailoutbox, send_queued):
    person = make_person("clinician@example.org")
    request_code(client, send_queued, "clinician@example.org")

    response = client.post(CONFIRM, {"code": code_in(mailoutbox[0])}, follow=True)

    messages = [str(m) for m in response.context["messages"]]
    assert "You are signed in as clinician@example.org." in messages
    assert person.username not in response.content.decode()
