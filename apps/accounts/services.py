"""Writes of the accounts app: accounts made for an address, and who holds which address when."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .models import EmailHolding


def account_for_address(*, email):
    """The active account that signs in with `email`, made (with no password and nothing verified)
    when there is none, so that everyone who types an address is sent a code and the answer never
    tells whether the address was known. An account never confirmed is removed by the daily
    `accounts_unconfirmed_remove` job. Returns None for an address whose account was deactivated."""
    from allauth.account.models import EmailAddress

    email = email.strip().lower()
    User = get_user_model()
    address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
    if address is not None:
        return address.user if address.user.is_active else None
    existing = User.objects.filter(email__iexact=email).order_by("pk").first()
    if existing is not None:
        # A staff account made in the admin, before its address was ever confirmed here.
        if not existing.is_active:
            return None
        EmailAddress.objects.get_or_create(user=existing, email=email, defaults={"primary": True, "verified": False})
        return existing
    with transaction.atomic():
        user = User(username=_username_for(email), email=email)
        user.set_unusable_password()
        user.save()
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    return user


def _username_for(email):
    """A unique username (Django's User needs one): never shown, never used to sign in."""
    import secrets

    return f"u-{secrets.token_hex(8)}"


@transaction.atomic
def email_holding_start(*, user, email, when=None):
    """Record that `user` holds `email` from `when` (now), after confirming it. Idempotent. Any other
    current holder's span ends at that moment; the new span claims records made since the last
    span of the address ended (all of them, for an address nobody held before)."""
    email = email.strip().lower()
    when = when or timezone.now()
    current = EmailHolding.objects.select_for_update().filter(email=email, until__isnull=True).first()
    if current is not None and current.user_id == user.pk:
        return current
    if current is not None:
        current.until = when
        current.save(update_fields=["until"])
    claims_from = EmailHolding.objects.filter(email=email, until__isnull=False).aggregate(Max("until"))["until__max"]
    return EmailHolding.objects.create(user=user, email=email, since=when, claims_from=claims_from)


@transaction.atomic
def email_holding_end(*, user, email, when=None):
    """Record that `user` gave `email` up. The records made while they held it stay theirs."""
    return EmailHolding.objects.filter(user=user, email=email.strip().lower(), until__isnull=True).update(
        until=when or timezone.now()
    )


def accounts_unconfirmed_remove(*, older_than):
    """Delete the accounts made for an address that nobody confirmed (never signed in, no
    password, no staff rights) before `older_than`. Returns how many."""
    User = get_user_model()
    stale = User.objects.filter(
        last_login__isnull=True, is_staff=False, is_superuser=False, date_joined__lt=older_than
    ).exclude(emailaddress__verified=True)
    stale = [user for user in stale.only("pk", "password") if not user.has_usable_password()]
    count = len(stale)
    User.objects.filter(pk__in=[user.pk for user in stale]).delete()
    return count
