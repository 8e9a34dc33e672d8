"""Staff sign-in for tests: an authenticator app with a known secret, its current code, and a client
signed in to the admin as its login view leaves a staff member who gave both factors."""

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value

from apps.core.admin_site import ADMIN_SESSION_KEY, admin_sign_in_state, has_authenticator


def add_totp(user):
    """Give `user` an authenticator app; returns its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret, *, steps=0):
    """The code the authenticator app shows now (or `steps` periods later)."""
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD + steps
    return format_hotp_value(hotp_value(secret, counter))


def admin_login(client, user):
    """Sign `user` in to the admin as after the password and the second factor: a user without an
    authenticator gets one first, as every site administrator must. Returns the client."""
    if not has_authenticator(user):
        add_totp(user)
    client.force_login(user)
    session = client.session
    session[ADMIN_SESSION_KEY] = admin_sign_in_state(user, second_factor=True)
    session.save()
    return client
