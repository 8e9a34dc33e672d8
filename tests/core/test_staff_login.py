"""django-axes locks the staff login after repeated failures and unlocks after the cool-off."""

import time
from datetime import timedelta

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _login(client, password):
    return client.post("/admin/login/?next=/admin/", {"username": "staff", "password": password})


def test_staff_login_locks_after_repeated_failures_and_unlocks_after_cool_off(client, staff_user, settings):
    settings.AXES_COOLOFF_TIME = timedelta(seconds=2)

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _login(client, "wrong password")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()

    locked = _login(client, "wrong password")
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    # Even the right password is refused while locked.
    assert _login(client, "correct horse battery staple").status_code == 429

    time.sleep(2.1)
    response = _login(client, "correct horse battery staple")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_lockout_is_per_username_and_address(client, staff_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wrong password")

    other_address = client.post(
        "/admin/login/?next=/admin/",
        {"username": "staff", "password": "correct horse battery staple"},
        REMOTE_ADDR="198.51.100.23",
    )

    assert other_address.status_code == 302


PROXY = "10.0.0.2"  # the documented proxy: every connection comes from its address


def _login_behind_proxy(client, client_address, password):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "staff", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_REAL_IP=client_address,
    )


def test_behind_a_proxy_failures_from_one_client_never_lock_out_another(client, staff_user, settings):
    from axes.models import AccessAttempt

    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login_behind_proxy(client, "203.0.113.66", "wrong password")

    attacker = _login_behind_proxy(client, "203.0.113.66", "correct horse battery staple")
    administrator = _login_behind_proxy(Client(), "198.51.100.7", "correct horse battery staple")

    assert attacker.status_code == 429
    assert (administrator.status_code, administrator["Location"]) == (302, "/admin/")
    # The attempts are the attacker's only (the refused one while locked counts too), by its own address.
    assert list(AccessAttempt.objects.values_list("username", "ip_address", "failures_since_start")) == [
        ("staff", "203.0.113.66", settings.AXES_FAILURE_LIMIT + 1)
    ]
