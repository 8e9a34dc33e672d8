"""Staff admin of certification: programs, the review queue and its transitions, certificates,
email texts, and the dashboard. Importing the modules registers their ModelAdmins."""

from . import applications, certificates, email_texts, programs

__all__ = ["applications", "certificates", "email_texts", "programs"]
