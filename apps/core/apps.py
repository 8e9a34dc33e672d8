from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = "Site"

    def ready(self):
        from . import checks  # noqa: F401 - registers the production checks
        from .page_cache import connect_signals

        connect_signals()


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin as the portal's PortalAdminSite: staff sessions only, with the second factor.
    Named in INSTALLED_APPS in place of django.contrib.admin; never the default for apps.core."""

    default = False
    default_site = "apps.core.admin_site.PortalAdminSite"

    def ready(self):
        super().ready()
        from . import admin_site  # noqa: F401 - connects the second factor's signal receiver
