from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = "Site"

    def ready(self):
        from . import checks  # noqa: F401 - registers the production checks
        from .page_cache import connect_signals
        from .roles import sync_roles_after_migrate

        connect_signals()
        # Keeps the staff roles' permissions in step with the models after every migrate.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="core.sync_roles")
