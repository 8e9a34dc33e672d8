from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "apps.credentials"
    label = "credentials"
    verbose_name = "Verifiable credentials (Open Badges 3.0)"

    def ready(self):
        from . import status  # noqa: F401 - connects the receiver that retires the signed status lists
