from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from apps.core.roles import ROLES, roles_sync


class Command(BaseCommand):
    help = (
        "Create the staff roles (Reviewers, Content editors, Site administrators) and set each one's "
        "permissions to exactly those apps/core/roles.py names, undoing edits made to these groups in "
        "the admin. Run it on every deploy, after migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database to sync (default: default).")

    def handle(self, *args, database, **options):
        changed = roles_sync(using=database)
        self.stdout.write(f"Roles: {len(ROLES)} in step, {len(changed)} created or changed.")
