"""The learning admin: reports."""
