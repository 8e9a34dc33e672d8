"""The badge's route, included at the root beside the verification pages it belongs with."""

from django.urls import path

from .views_badge import BadgeView

urlpatterns = [
    path("verify/<str:number>/badge.svg", BadgeView.as_view(), name="badge"),
]
