"""Public pages of certification, and the staff-only document download, one module per area."""

from .apply import (
    ApplicationReceivedView,
    DraftSavedView,
    IndividualApplyView,
    ProgramListView,
    ResumeView,
    SiteApplyView,
)
from .documents import document_download
from .journey import CheckView, SectionView
from .registry import CertificateView, RegistryView, VerifyJsonView, VerifyLookupView, VerifyView
from .status import LookupSentView, LookupView, StatusView

__all__ = [
    "ApplicationReceivedView",
    "CertificateView",
    "CheckView",
    "DraftSavedView",
    "IndividualApplyView",
    "LookupSentView",
    "LookupView",
    "ProgramListView",
    "RegistryView",
    "ResumeView",
    "SectionView",
    "SiteApplyView",
    "StatusView",
    "VerifyJsonView",
    "VerifyLookupView",
    "VerifyView",
    "document_download",
]
