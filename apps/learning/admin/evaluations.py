"""The learning admin: evaluations."""
