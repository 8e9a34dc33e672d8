"""Views of My NMT."""

from .home import HomeView, MyApplicationView, MyCertificateView, document_download

__all__ = ["HomeView", "MyApplicationView", "MyCertificateView", "document_download"]
