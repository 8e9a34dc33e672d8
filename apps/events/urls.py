"""Public URLs of the trainings (DESIGN.md's contract)."""

from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("events/", views.EventListView.as_view(), name="list"),
    path("events/past/", views.EventListView.as_view(past=True), name="past"),
    path("events.ics", views.calendar_feed, name="feed"),
    path("events/<slug:slug>.ics", views.event_calendar, name="calendar"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="detail"),
    path("events/<slug:slug>/register/", views.RegisterView.as_view(), name="register"),
    path("events/<slug:slug>/registered/", views.RegisteredView.as_view(), name="registered"),
    path("events/<slug:slug>/cancel/<str:token>/", views.CancelView.as_view(), name="cancel"),
]
