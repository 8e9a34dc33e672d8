"""allauth's signals keep the address holdings in step: a code sign-in confirms an address, and a
confirmed change of address moves the holding."""

from allauth.account.signals import email_changed, email_confirmed, user_logged_in
from django.dispatch import receiver

from .services import email_holding_end, email_holding_start


@receiver(user_logged_in, dispatch_uid="accounts.hold_on_login")
def hold_on_login(sender, request, user, **kwargs):
    from allauth.account.models import EmailAddress

    for address in EmailAddress.objects.filter(user=user, verified=True):
        email_holding_start(user=user, email=address.email)


@receiver(email_confirmed, dispatch_uid="accounts.hold_on_confirm")
def hold_on_confirm(sender, request, email_address, **kwargs):
    email_holding_start(user=email_address.user, email=email_address.email)


@receiver(email_changed, dispatch_uid="accounts.move_holding")
def move_holding(sender, request, user, from_email_address, to_email_address, **kwargs):
    email_holding_start(user=user, email=to_email_address.email)
    if from_email_address is not None and from_email_address.email.lower() != to_email_address.email.lower():
        email_holding_end(user=user, email=from_email_address.email)
