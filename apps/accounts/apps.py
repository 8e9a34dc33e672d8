from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = "Accounts and My NMT"

    def ready(self):
        from . import receivers  # noqa: F401 - keeps address holdings in step with allauth's signals
