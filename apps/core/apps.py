from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = "Site"

    def ready(self):
        from . import checks  # noqa: F401 - registers the production checks
        from .page_cache import connect_signals

        connect_signals()
