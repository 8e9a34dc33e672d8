"""The learning app's admin, one module per part."""

from . import certificates, evaluations, events, progress, reports  # noqa: F401
