from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "apps.events"
    label = "events"
    verbose_name = "Trainings and events"

    def ready(self):
        from . import home  # noqa: F401 - registers the home page's section
