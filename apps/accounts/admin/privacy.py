"""Erasure requests in the admin (see apps/accounts/privacy.py)."""
