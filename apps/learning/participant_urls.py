from django.urls import path

from .views import downloads

urlpatterns = [
    path(
        "ce/<str:token>/certificates/<str:number>.pdf",
        downloads.participant_certificate_pdf,
        name="participant-certificate",
    ),
]
