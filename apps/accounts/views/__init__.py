"""Views of My NMT."""

from .home import HomeView, MyApplicationView, MyCertificateView, document_download, draft_continue

__all__ = ["HomeView", "MyApplicationView", "MyCertificateView", "document_download", "draft_continue"]
