"""Remove a staff member's second factor, when they lost their authenticator app and recovery codes."""

from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Delete every authenticator (app and recovery codes) of one account, for a staff member who lost "
        "theirs. They then sign in to the admin with their password; a site administrator is asked to "
        "set up a new authenticator app at once. Site administrators can do the same in the admin "
        "(MFA › Authenticators)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account has the username {username!r}.")
        removed, _ = Authenticator.objects.filter(user=user).delete()
        self.stdout.write(
            f"Removed {removed} authenticators of {username}: they sign in to the admin with their password "
            "and, as a site administrator, set up a new authenticator app at once."
        )
