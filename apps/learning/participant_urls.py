from django.urls import path

from .views import downloads, participant

urlpatterns = [
    path("ce/<str:token>/", participant.ParticipantView.as_view(), name="participant"),
    path("ce/<str:token>/evaluation/", participant.EvaluationView.as_view(), name="evaluation"),
    path("ce/<str:token>/post-test/", participant.PostTestView.as_view(), name="post-test"),
    path(
        "ce/<str:token>/certificates/<str:number>.pdf",
        downloads.participant_certificate_pdf,
        name="participant-certificate",
    ),
]
