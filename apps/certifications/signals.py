"""What certification tells the rest of the portal, without knowing who listens."""

from django.dispatch import Signal

# A renewal's approval issued `certificate`, which continues `previous` (also sent when a reopened
# renewal is approved again). The partner listings move their link to the new certificate.
certificate_renewed = Signal()
