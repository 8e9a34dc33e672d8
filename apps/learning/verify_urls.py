from django.urls import path

from .views import verify

urlpatterns = [
    path("ce/verify/<str:number>/", verify.VerifyView.as_view(), name="verify"),
]
