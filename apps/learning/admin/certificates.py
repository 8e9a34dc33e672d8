"""The learning admin: certificates."""
