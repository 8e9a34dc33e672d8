"""The partner listings follow their certificate when it is renewed: one entry on the map, whose
"NMT certified" badge reads the current certificate."""

from django.dispatch import receiver

from apps.certifications.signals import current_certificate_changed

from .models import Partner


@receiver(current_certificate_changed, dispatch_uid="partners.follow_the_current_certificate")
def follow_the_current_certificate(sender, previous, certificate, **kwargs):
    # Saved one by one, so that the field history records the move (and the map's cache retires).
    for partner in Partner.objects.filter(certificate=previous):
        partner.certificate = certificate
        partner.save(update_fields=["certificate", "updated_at"])
