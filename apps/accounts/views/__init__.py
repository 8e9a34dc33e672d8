"""Views of My NMT."""

from .ce import TranscriptView, certificate_pdf, transcript_csv, transcript_pdf
from .home import HomeView, MyApplicationView, MyCertificateView, document_download, draft_continue
from .renewals import RenewView

__all__ = [
    "HomeView",
    "MyApplicationView",
    "MyCertificateView",
    "RenewView",
    "TranscriptView",
    "certificate_pdf",
    "document_download",
    "draft_continue",
    "transcript_csv",
    "transcript_pdf",
]
