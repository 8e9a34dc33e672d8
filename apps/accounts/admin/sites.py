"""Site memberships and listing changes in the admin (see apps/accounts/sites.py)."""
