"""Staff admin of certification: programs, the review queue and its transitions, certificates,
and the dashboard. Importing the modules registers their ModelAdmins. (The email texts are
core's: `apps.core.admin`.)"""

from . import applications, certificates, programs

__all__ = ["applications", "certificates", "programs"]
