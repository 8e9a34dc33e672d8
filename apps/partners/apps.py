from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "apps.partners"
    label = "partners"
    verbose_name = "Partners and the map"

    def ready(self):
        from . import receivers  # noqa: F401 - connects the signal receivers
