"""The project's URLs with the badge's route included at the root, as it will be once wired."""

from django.urls import include, path

urlpatterns = [
    path("", include("apps.credentials.badge_urls")),
    path("", include("nmt_portal.urls")),
]
