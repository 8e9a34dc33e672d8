from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class PartnersConfig(AppConfig):
    name = "apps.partners"
    label = "partners"
    verbose_name = "Partners and the map"

    def ready(self):
        from apps.certifications.models import Certificate

        from .services import certificate_changed

        # Approval, revocation and renewal show on the map at once (certifications knows nothing of
        # partners; partners listens). Expiry by date is caught by the date in the cache key.
        post_save.connect(certificate_changed, sender=Certificate, dispatch_uid="partners_certificate_saved")
        post_delete.connect(certificate_changed, sender=Certificate, dispatch_uid="partners_certificate_deleted")
