"""The learning admin: progress."""
