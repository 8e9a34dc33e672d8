"""Fixtures of the accounts tests: people signed in by code, as allauth leaves them."""

import pytest

from tests.factories import make_person


@pytest.fixture
def person(db):
    return make_person("holder@example.org")


@pytest.fixture
def person_client(client, person):
    """A browser signed in as `person` through allauth's code sign-in."""
    client.force_login(person, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client
