"""Fixtures of the credentials tests: issuer keys in a temporary key file, never the developer's."""

from io import StringIO

import pytest
from django.core.management import call_command

from apps.credentials import keys


@pytest.fixture(autouse=True)
def _no_configured_issuer_keys(settings, tmp_path):
    """No test reads the keys of the machine it runs on (var/issuer-keys.json, CREDENTIALS_KEYS)."""
    settings.CREDENTIALS_KEYS = ""
    settings.CREDENTIALS_KEYS_FILE = tmp_path / "no-issuer-keys.json"
    keys.clear_cache()
    yield
    keys.clear_cache()


@pytest.fixture
def issuer_keys(settings, tmp_path, _no_configured_issuer_keys):
    """A key file with one key, made by `manage.py issuer_keys create` as a deploy would, and
    configured: its path (a folder the command creates)."""
    path = tmp_path / "secrets" / "issuer-keys.json"
    settings.CREDENTIALS_KEYS_FILE = path
    call_command("issuer_keys", "create", stdout=StringIO())
    keys.clear_cache()
    yield path
    keys.clear_cache()
