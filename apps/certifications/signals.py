"""What certification tells the rest of the portal, without knowing who listens."""

from django.dispatch import Signal

# The current certificate of a line changed from `previous` to `certificate`: a renewal's approval
# issued `certificate` to continue `previous`, or a reopened renewal gave the line back to the
# certificate it renewed. The partner listings move their link to the current one.
current_certificate_changed = Signal()
