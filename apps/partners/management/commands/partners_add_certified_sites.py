from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from apps.partners.services import partners_create_for_certified_sites


class Command(BaseCommand):
    help = (
        "Create an unpublished partner for every active site certificate whose application agreed to "
        "appear on the map and that has no partner yet. Editors then place and publish them in the admin."
    )

    def handle(self, *args, **options):
        created = partners_create_for_certified_sites()
        for partner in created:
            self.stdout.write(f"Added {partner.name} ({partner.certificate.number})")
        self.stdout.write(
            ngettext(
                "%(count)d certified site added as an unpublished partner.",
                "%(count)d certified sites added as unpublished partners.",
                len(created),
            )
            % {"count": len(created)}
        )
