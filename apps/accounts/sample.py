"""Sample My NMT for `make run` (embedded database only): the coordinator of the sample site Harbor
Family Services has invited the sample applicant Dana Whitfield to its staff, so both see the site
pages at work once they sign in (the code is printed in the `make run` terminal)."""

from apps.certifications.models import Application, Kind, Status

from . import sites
from .services import account_for_address, email_holding_start

COORDINATOR = "coordinator@sample-harbor-family-services.example.org"
CLINICIAN = "dana.whitfield@example.org"


def _confirmed_account(email):
    """An account as a first code sign-in leaves it."""
    from allauth.account.models import EmailAddress

    user = account_for_address(email=email)
    EmailAddress.objects.filter(user=user, email=email).update(verified=True)
    email_holding_start(user=user, email=email)
    return user


def _invite():
    site = Application.objects.filter(kind=Kind.SITE, status=Status.APPROVED, email=COORDINATOR).first()
    if site is None:  # the sample partners were not loaded
        return None
    coordinator = _confirmed_account(COORDINATOR)
    sites.site_coordinator_claim(user=coordinator)
    return sites.site_staff_invite(site=site, email=CLINICIAN, invited_by=coordinator)


def load(ledger):
    ledger.once("accounts.sample-invitation", _invite)
