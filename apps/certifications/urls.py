"""Public URLs of certification (DESIGN.md's contract)."""

from django.urls import path

from . import views

app_name = "certifications"

urlpatterns = [
    # Programs and applications (issue 3)
    path("certification/", views.not_built, name="programs"),
    path("apply/individual/", views.not_built, name="apply-individual"),
    path("apply/site/", views.not_built, name="apply-site"),
    path("apply/resume/<str:token>/", views.not_built, name="resume"),
    path("applications/<str:token>/", views.not_built, name="status"),
    path("status/", views.not_built, name="lookup"),
    # Registry and verification (issue 4)
    path("registry/", views.RegistryView.as_view(), name="registry"),
    path("verify/", views.VerifyLookupView.as_view(), name="verify-lookup"),
    path("verify/<str:number>.json", views.VerifyJsonView.as_view(), name="verify-json"),
    path("verify/<str:number>/", views.VerifyView.as_view(), name="verify"),
    path("certificates/<str:token>/", views.CertificateView.as_view(), name="certificate"),
]
