"""Staff sign-in: the admin takes only a session signed in at its login, with the password and, for
staff with an authenticator, the second factor; site administrators must set one up first."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core.management import CommandError, call_command

from apps.core.admin_site import ADMIN_SESSION_KEY, PENDING_SECONDS, PENDING_SESSION_KEY
from apps.core.roles import REVIEWERS, SITE_ADMINISTRATORS
from tests.factories import make_application, make_document, make_partner, make_staff
from tests.html import elements
from tests.staff import add_totp, admin_login, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOGIN = "/admin/login/"
VERIFY = "/admin/login/verify/"
ACTIVATE = "/accounts/2fa/totp/activate/"
CODE_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def _staff(role=REVIEWERS, **overrides):
    user = make_staff(role=role, **overrides)
    user.set_password(PASSWORD)
    user.save()
    return user


def _password(client, user, password=PASSWORD, next="/admin/"):
    return client.post(f"{LOGIN}?next={next}", {"username": user.username, "password": password, "next": next})


def _code_errors(response):
    return [text for _, attrs, text in elements(response.content.decode(), "ul", class_="errorlist")]


def _signed_in_user_id(client):
    return client.session.get("_auth_user_id")


# STAFF WITHOUT A SECOND FACTOR


def test_staff_without_an_authenticator_are_admitted_after_the_password(client):
    user = _staff()

    response = _password(client, user)

    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert client.get("/admin/").status_code == 200
    assert client.session[ADMIN_SESSION_KEY] == {"user": str(user.pk), "second_factor": False}


def test_a_password_only_session_is_refused_once_its_user_has_an_authenticator(client):
    user = _staff()
    _password(client, user)

    add_totp(user)  # elsewhere, e.g. on My NMT's two-factor page

    response = client.get("/admin/")
    assert (response.status_code, response["Location"]) == (302, "/admin/login/?next=/admin/")


def test_the_admin_links_the_two_factor_page(client):
    _password(client, _staff())

    links = {text: attrs["href"] for _, attrs, text in elements(client.get("/admin/").content.decode(), "a")}
    page = client.get(links["Two-factor authentication"])

    assert links["Two-factor authentication"] == "/accounts/2fa/"
    assert page.status_code == 200
    assert {text: attrs["href"] for _, attrs, text in elements(page.content.decode(), "a")}["Back to the admin"] == (
        "/admin/"
    )


# allauth announces a new authenticator once its transaction commits, inside the request as in
# production: these tests commit (transaction=True).


@pytest.mark.django_db(transaction=True)
def test_staff_who_set_up_an_authenticator_from_the_admin_keep_their_session(client):
    user = _staff()
    _password(client, user)

    page = client.get(ACTIVATE)
    activated = client.post(ACTIVATE, {"code": totp_code(page.context["form"].secret)})

    assert (activated.status_code, activated["Location"]) == (302, "/accounts/2fa/recovery-codes/")
    assert list(Authenticator.objects.filter(user=user).values_list("type", flat=True).order_by("type")) == [
        "recovery_codes",
        "totp",
    ]
    assert client.session[ADMIN_SESSION_KEY] == {"user": str(user.pk), "second_factor": True}
    assert client.get("/admin/").status_code == 200


# STAFF WITH AN AUTHENTICATOR APP


@pytest.fixture
def totp_staff():
    user = _staff()
    return user, add_totp(user)


def test_the_password_alone_does_not_admit_staff_with_an_authenticator(client, totp_staff):
    user, _ = totp_staff

    response = _password(client, user)

    assert (response.status_code, response["Location"]) == (302, VERIFY)
    assert _signed_in_user_id(client) is None
    # The pending state is the session's, not the URL's; the admin itself still asks for a sign-in.
    assert client.session[PENDING_SESSION_KEY]["user"] == str(user.pk)
    skipped = client.get("/admin/")
    assert (skipped.status_code, skipped["Location"]) == (302, "/admin/login/?next=/admin/")


def test_the_second_step_asks_for_the_code(client, totp_staff):
    user, _ = totp_staff
    _password(client, user)

    response = client.get(VERIFY)

    html = response.content.decode()
    assert response.status_code == 200
    assert f"Signing in as {user.username}." in html
    [(_, field, _)] = elements(html, "input", name="code")
    assert (field["autocomplete"], field["inputmode"]) == ("one-time-code", "numeric")


def test_a_wrong_code_is_refused_at_the_field(client, totp_staff):
    user, secret = totp_staff
    _password(client, user)

    response = client.post(VERIFY, {"code": totp_code(secret, steps=10)})  # five minutes off

    assert response.status_code == 200
    assert response.context["form"].errors == {"code": ["Incorrect code."]}
    assert _code_errors(response) == ["Incorrect code."]
    assert _signed_in_user_id(client) is None


def test_the_right_code_admits_to_where_the_sign_in_was_going(client, totp_staff):
    user, secret = totp_staff
    _password(client, user, next="/admin/certifications/application/")

    response = client.post(VERIFY, {"code": totp_code(secret)})

    assert (response.status_code, response["Location"]) == (302, "/admin/certifications/application/")
    assert _signed_in_user_id(client) == str(user.pk)
    assert client.session[ADMIN_SESSION_KEY] == {"user": str(user.pk), "second_factor": True}
    assert PENDING_SESSION_KEY not in client.session
    assert client.get("/admin/").status_code == 200
    assert Authenticator.objects.get(user=user, type="totp").last_used_at is not None


def test_a_code_is_refused_the_second_time(client, totp_staff):
    user, secret = totp_staff
    code = totp_code(secret)
    _password(client, user)
    client.post(VERIFY, {"code": code})
    client.post("/admin/logout/")

    _password(client, user)
    response = client.post(VERIFY, {"code": code})

    assert response.context["form"].errors == {"code": ["Incorrect code."]}
    assert _signed_in_user_id(client) is None


def test_a_recovery_code_admits_once(client, totp_staff):
    user, _ = totp_staff
    code = RecoveryCodes.activate(user).generate_codes()[0]
    _password(client, user)

    first = client.post(VERIFY, {"code": code})
    client.post("/admin/logout/")
    _password(client, user)
    second = client.post(VERIFY, {"code": code})

    assert (first.status_code, first["Location"]) == (302, "/admin/")
    assert second.context["form"].errors == {"code": ["Incorrect code."]}


def test_the_second_step_expires(client, totp_staff):
    user, secret = totp_staff
    _password(client, user)
    session = client.session
    session[PENDING_SESSION_KEY]["at"] -= PENDING_SECONDS + 1
    session.save()

    response = client.post(VERIFY, {"code": totp_code(secret)}, follow=True)

    assert response.redirect_chain == [("/admin/login/", 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Please sign in again: the second step waits five minutes at most."
    ]
    assert _signed_in_user_id(client) is None
    assert PENDING_SESSION_KEY not in client.session


def test_the_second_step_without_a_password_first_goes_back_to_the_login(client, totp_staff):
    response = client.get(VERIFY)

    assert (response.status_code, response["Location"]) == (302, "/admin/login/")


def test_wrong_codes_count_toward_the_lockout(client, totp_staff, settings):
    user, secret = totp_staff
    _password(client, user)

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(VERIFY, {"code": "not a code"}).status_code == 200
    locked = client.post(VERIFY, {"code": "not a code"})
    right_code_while_locked = client.post(VERIFY, {"code": totp_code(secret)})
    password_while_locked = _password(client, user)

    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    assert right_code_while_locked.status_code == 429
    assert password_while_locked.status_code == 429
    assert _signed_in_user_id(client) is None


def test_giving_the_password_again_does_not_reset_the_count_of_wrong_codes(client, totp_staff, settings):
    user, _ = totp_staff

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _password(client, user)
        client.post(VERIFY, {"code": "not a code"})
    _password(client, user)
    locked = client.post(VERIFY, {"code": "not a code"})

    assert locked.status_code == 429


# A SESSION SIGNED IN BY EMAIL CODE


@pytest.fixture
def code_session(client):
    """A reviewer signed in at /accounts/login/ by email code, as allauth leaves them."""
    user = _staff(role=REVIEWERS)
    client.force_login(user, backend=CODE_BACKEND)
    return user


def test_a_code_session_gets_the_admin_login_at_the_admin(client, code_session):
    response = client.get("/admin/", follow=True)

    assert response.redirect_chain == [("/admin/login/?next=/admin/", 302)]
    assert response.context["form"].__class__.__name__ == "AdminAuthenticationForm"
    text = " ".join(response.content.decode().split())
    assert f"You are signed in as {code_session.username}, but not to the admin" in text


def test_a_code_session_signs_in_to_the_admin_with_the_password(client, code_session):
    response = _password(client, code_session)

    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert client.get("/admin/").status_code == 200


def test_a_code_session_is_sent_to_the_admin_login_from_the_document_download(client, code_session):
    document = make_document(make_application(status="submitted"))
    url = f"/staff/documents/{document.pk}/download/"

    response = client.get(url)

    assert (response.status_code, response["Location"]) == (302, f"/admin/login/?next={url}")


def test_a_code_session_can_use_my_nmt(client, code_session):
    assert client.get("/my/").status_code == 200


def test_a_code_session_gets_no_preview_of_an_unpublished_partner(client):
    editor = _staff(role="Content editors")
    partner = make_partner(is_published=False)
    client.force_login(editor, backend=CODE_BACKEND)
    code_session_page = client.get(partner.get_absolute_url())
    admin_login(client, editor)
    staff_session_page = client.get(partner.get_absolute_url())

    assert (code_session_page.status_code, staff_session_page.status_code) == (404, 200)


# SITE ADMINISTRATORS


@pytest.fixture(params=["group", "superuser"])
def site_administrator(request):
    if request.param == "group":
        return _staff(role=SITE_ADMINISTRATORS)
    return _staff(role=None, is_superuser=True)


@pytest.mark.parametrize("page", ["/admin/", "/admin/auth/user/", "/admin/certifications/application/dashboard/"])
def test_site_administrators_without_an_authenticator_are_sent_to_set_one_up(client, site_administrator, page):
    _password(client, site_administrator)

    response = client.get(page, follow=True)

    assert response.redirect_chain == [(ACTIVATE, 302)]
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Site administrators sign in with a second factor: set up an authenticator app to use the admin."
    ]


def test_site_administrators_without_an_authenticator_may_still_log_out(client, site_administrator):
    _password(client, site_administrator)

    response = client.post("/admin/logout/")

    assert response.status_code == 200
    assert _signed_in_user_id(client) is None


@pytest.mark.django_db(transaction=True)
def test_a_site_administrator_sets_up_an_authenticator_and_then_uses_the_admin(client, site_administrator):
    _password(client, site_administrator)
    client.get("/admin/")

    # Fresh from the password, allauth asks for no reauthentication; the page needs no inline
    # script or style (CSP) and carries the secret and its QR code.
    page = client.get(ACTIVATE)
    html = page.content.decode()
    secret = page.context["form"].secret
    assert page.status_code == 200
    assert (" style=" in html, "<style" in html) == (False, False)
    assert [attrs for _, attrs, _ in elements(html, "script") if "src" not in attrs] == []
    assert re.search(r'<img[^>]+src="data:image/svg\+xml;base64,', html)
    assert f'value="{secret}"' in html

    wrong = client.post(ACTIVATE, {"code": "not a code"})
    activated = client.post(ACTIVATE, {"code": totp_code(secret)}, follow=True)

    assert wrong.context["form"].errors == {"code": ["Incorrect code."]}
    assert activated.redirect_chain == [("/accounts/2fa/recovery-codes/", 302)]
    links = {text: attrs["href"] for _, attrs, text in elements(activated.content.decode(), "a")}
    assert links["Continue to the admin"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 200


def test_a_site_administrator_with_an_authenticator_signs_in_with_both_factors(client, site_administrator):
    secret = add_totp(site_administrator)
    _password(client, site_administrator)

    response = client.post(VERIFY, {"code": totp_code(secret)})

    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert client.get("/admin/auth/user/").status_code == 200


def test_a_site_administrator_without_an_authenticator_cannot_download_documents(client):
    administrator = _staff(role=SITE_ADMINISTRATORS)
    document = make_document(make_application(status="submitted"))
    _password(client, administrator)

    response = client.get(f"/staff/documents/{document.pk}/download/")

    assert (response.status_code, response["Location"]) == (302, ACTIVATE)


# A LOST AUTHENTICATOR


def test_reset_second_factor_removes_every_authenticator_of_the_account(capsys):
    user = _staff(role=SITE_ADMINISTRATORS)
    add_totp(user)
    RecoveryCodes.activate(user)
    other = _staff()
    add_totp(other)

    call_command("reset_second_factor", user.username)

    assert list(Authenticator.objects.values_list("user__username", flat=True)) == [other.username]
    assert capsys.readouterr().out == (
        f"Removed 2 authenticators of {user.username}: they sign in to the admin with their password "
        "and, as a site administrator, set up a new authenticator app at once.\n"
    )


def test_reset_second_factor_refuses_an_unknown_username():
    with pytest.raises(CommandError) as refused:
        call_command("reset_second_factor", "nobody")

    assert str(refused.value) == "No account has the username 'nobody'."


def test_authenticator_secrets_are_stored_encrypted_and_never_shown(client, django_user_model):
    from allauth.mfa.models import Authenticator

    from apps.core.roles import SITE_ADMINISTRATORS
    from tests.factories import make_staff
    from tests.staff import add_totp, admin_login, totp_code

    reviewer = make_staff(username="rev")
    secret = add_totp(reviewer)
    stored = Authenticator.objects.get(user=reviewer, type=Authenticator.Type.TOTP)
    assert secret not in str(stored.data)
    from allauth.mfa.totp.internal.auth import TOTP

    assert TOTP(stored).validate_code(totp_code(secret)) is True

    admin_login(client, make_staff(role=SITE_ADMINISTRATORS))
    page = client.get(f"/admin/mfa/authenticator/{stored.pk}/change/")
    assert page.status_code == 200
    assert stored.data["secret"] not in page.content.decode()
    assert secret not in page.content.decode()
    assert client.get("/admin/mfa/authenticator/add/").status_code == 403
