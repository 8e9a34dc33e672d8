"""The partner listings follow their certificate when it is renewed: one entry on the map, whose
"NMT certified" badge reads the current certificate."""

from django.dispatch import receiver

from apps.certifications.signals import certificate_renewed

from .models import Partner


@receiver(certificate_renewed, dispatch_uid="partners.follow_renewed_certificate")
def follow_renewed_certificate(sender, previous, certificate, **kwargs):
    # Saved one by one, so that the field history records the move (and the map's cache retires).
    for partner in Partner.objects.filter(certificate=previous):
        partner.certificate = certificate
        partner.save(update_fields=["certificate", "updated_at"])
