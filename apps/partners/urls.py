"""Public URLs of the partner directory (DESIGN.md's contract)."""

from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("partners/", views.PartnerListView.as_view(), name="map"),
    path("partners.geojson", views.PartnerGeoJsonView.as_view(), name="geojson"),
    path("partners/logos/<str:name>", views.PartnerLogoView.as_view(), name="logo"),
    path("partners/<slug:slug>/", views.PartnerDetailView.as_view(), name="detail"),
]
