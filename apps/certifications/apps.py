from django.apps import AppConfig


class CertificationsConfig(AppConfig):
    name = "apps.certifications"
    label = "certifications"
