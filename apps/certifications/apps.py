from django.apps import AppConfig


class CertificationsConfig(AppConfig):
    name = "apps.certifications"
    label = "certifications"

    def ready(self):
        from . import home  # noqa: F401 - registers the home page's section
