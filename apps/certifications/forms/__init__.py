"""The public forms of certification, one module per area: the two applications (applications.py)
with their documents (documents.py), the status page's actions (status.py) and the lookup (lookup.py)."""

from .applications import APPLICATION_FORMS, IndividualApplicationForm, SiteApplicationForm
from .lookup import LookupForm, normalise_reference
from .status import RespondForm, WithdrawForm

__all__ = [
    "APPLICATION_FORMS",
    "IndividualApplicationForm",
    "LookupForm",
    "RespondForm",
    "SiteApplicationForm",
    "WithdrawForm",
    "normalise_reference",
]
