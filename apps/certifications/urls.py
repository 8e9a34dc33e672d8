"""Public URLs of certification (DESIGN.md's contract)."""

from django.urls import path

from . import views

app_name = "certifications"

urlpatterns = [
    # Programs and applications (issue 3)
    path("certification/", views.ProgramListView.as_view(), name="programs"),
    path("apply/individual/", views.IndividualApplyView.as_view(), name="apply-individual"),
    path("apply/site/", views.SiteApplyView.as_view(), name="apply-site"),
    path("apply/resume/<str:token>/", views.ResumeView.as_view(), name="resume"),
    # The application as a journey (issue 12): one page per section, then "check your answers".
    path("apply/<str:kind>/sections/<slug:section>/", views.SectionView.as_view(), name="apply-section"),
    path("apply/<str:kind>/check/", views.CheckView.as_view(), name="apply-check"),
    path("apply/received/", views.ApplicationReceivedView.as_view(), name="apply-received"),
    path("apply/saved/", views.DraftSavedView.as_view(), name="apply-saved"),
    path("applications/<str:token>/", views.StatusView.as_view(), name="status"),
    path("status/", views.LookupView.as_view(), name="lookup"),
    path("status/sent/", views.LookupSentView.as_view(), name="lookup-sent"),
    path("staff/documents/<int:pk>/download/", views.document_download, name="document-download"),
    # Registry and verification (issue 4)
    path("registry/", views.RegistryView.as_view(), name="registry"),
    path("verify/", views.VerifyLookupView.as_view(), name="verify-lookup"),
    path("verify/<str:number>.json", views.VerifyJsonView.as_view(), name="verify-json"),
    path("verify/<str:number>/", views.VerifyView.as_view(), name="verify"),
    path("certificates/<str:token>/", views.CertificateView.as_view(), name="certificate"),
]
