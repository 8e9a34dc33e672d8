"""The learning app's admin, one module per part."""

from . import events  # noqa: F401
