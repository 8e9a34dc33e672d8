"""The accounts app in the Django admin: address holdings, site memberships, listing changes
(content editors approve them) and erasure requests (staff confirm them)."""

from . import people, privacy, sites  # noqa: F401 - each registers its models
