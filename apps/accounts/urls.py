"""My NMT: the person's home and their records (/my/), and sign-in (/accounts/, django-allauth)."""

from django.urls import path

from . import privacy_urls, sites_urls, views

app_name = "accounts"

urlpatterns = [
    path("my/", views.HomeView.as_view(), name="home"),
    path("my/applications/<uuid:public_id>/", views.MyApplicationView.as_view(), name="application"),
    path("my/applications/<uuid:public_id>/continue/", views.draft_continue, name="draft-continue"),
    path("my/certificates/<str:number>/", views.MyCertificateView.as_view(), name="certificate"),
    path("my/certificates/<str:number>/renew/", views.RenewView.as_view(), name="renew"),
    path("my/ce/", views.TranscriptView.as_view(), name="ce-transcript"),
    path("my/ce/transcript.pdf", views.transcript_pdf, name="ce-transcript-pdf"),
    path("my/ce/transcript.csv", views.transcript_csv, name="ce-transcript-csv"),
    path("my/ce/<str:number>.pdf", views.certificate_pdf, name="ce-certificate"),
    path("my/documents/<int:pk>/download/", views.document_download, name="document-download"),
    *sites_urls.urlpatterns,
    *privacy_urls.urlpatterns,
]
