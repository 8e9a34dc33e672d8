"""Fixtures of the hostile-input suite."""

import pytest

from tests.security.hostile import make_world


@pytest.fixture
def world():
    """One of everything a public URL can name."""
    return make_world()
