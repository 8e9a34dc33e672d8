"""Privacy self-service: download my data, erase my data."""

from django.urls import path

from .views import privacy

urlpatterns = [
    path("my/privacy/", privacy.PrivacyView.as_view(), name="privacy"),
    path("my/privacy/erase/", privacy.ErasureRequestView.as_view(), name="privacy-erase"),
    path("my/privacy/download/", privacy.data_download, name="privacy-download"),
]
