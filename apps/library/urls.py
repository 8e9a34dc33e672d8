"""Public URLs of the library."""

from django.urls import path

from . import views

app_name = "library"

urlpatterns = [
    path("library/", views.LibraryView.as_view(), name="list"),
    path("library/<slug:slug>.pdf", views.publication_pdf, name="pdf"),
    path("library/<slug:slug>/", views.PublicationDetailView.as_view(), name="detail"),
]
