"""Views of My NMT."""

from .home import HomeView, MyApplicationView, MyCertificateView, document_download, draft_continue
from .renewals import RenewView

__all__ = ["HomeView", "MyApplicationView", "MyCertificateView", "RenewView", "document_download", "draft_continue"]
