"""Every write to partners. Each one retires the cached pages and map once its transaction commits."""

import logging

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.text import slugify

from apps.certifications.models import Certificate
from apps.certifications.models import Kind as CertificateKind
from apps.core.page_cache import content_changed

from .models import Partner

logger = logging.getLogger(__name__)


def partners_changed():
    """Retire the cached pages, map and country menu after the current transaction commits: the
    content version's receivers do it for each save and delete, this for a whole import or batch."""
    content_changed()


def _delete_file_after_commit(name):
    def delete():
        default_storage.delete(name)

    if name:
        transaction.on_commit(delete, robust=True)


@transaction.atomic
def partner_save(*, partner):
    """Save a validated partner (new or changed). A replaced logo file is deleted after the commit.

    The caller has validated the partner (the admin form and the import call `full_clean()`);
    the database constraints check coordinates and publication again."""
    previous_logo = ""
    if partner.pk:
        previous_logo = Partner.objects.filter(pk=partner.pk).values_list("logo", flat=True).first() or ""
    partner.save()
    if previous_logo and previous_logo != partner.logo.name:
        _delete_file_after_commit(previous_logo)
    partners_changed()
    return partner


@transaction.atomic
def partner_delete(*, partner):
    """Delete a partner and, after the commit, its logo file."""
    logo = partner.logo.name
    partner.delete()
    _delete_file_after_commit(logo)
    partners_changed()


@transaction.atomic
def partners_delete(*, partners):
    """Delete the partners of a queryset and their logo files; return how many were deleted."""
    logos = [name for name in partners.values_list("logo", flat=True) if name]
    count, _ = partners.delete()
    for name in logos:
        _delete_file_after_commit(name)
    partners_changed()
    return count


@transaction.atomic
def partners_publish(*, partners):
    """Publish the unpublished partners of a queryset that have coordinates.

    Returns (published, skipped): those without coordinates stay unpublished."""
    unpublished = partners.filter(is_published=False)
    skipped = unpublished.filter(latitude__isnull=True).count()
    published = 0
    # One save per partner, so each change appears in its history.
    for partner in unpublished.located():
        partner.is_published = True
        partner.save(update_fields=["is_published", "updated_at"])
        published += 1
    partners_changed()
    return published, skipped


@transaction.atomic
def partners_unpublish(*, partners):
    count = 0
    for partner in partners.filter(is_published=True):
        partner.is_published = False
        partner.save(update_fields=["is_published", "updated_at"])
        count += 1
    partners_changed()
    return count


def certified_sites_without_partner(today=None):
    """Active site certificates whose application agreed to appear on the map, not yet listed."""
    return (
        Certificate.objects.active(today=today)
        .current()
        .filter(kind=CertificateKind.SITE, application__show_on_map=True, partners__isnull=True)
        .select_related("application")
        .order_by("holder_name", "pk")
    )


# Letters that Unicode does not decompose into a base letter, which slugify() would drop.
_SPELLED_OUT = str.maketrans(
    {"Æ": "Ae", "æ": "ae", "Ø": "O", "ø": "o", "ß": "ss", "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Þ": "Th", "þ": "th"}
)


def unique_slug(name, *, taken=None):
    """A slug for `name` that no partner uses yet (`taken` adds slugs reserved in this batch)."""
    base = slugify(name.translate(_SPELLED_OUT))[:100] or "partner"
    taken = set(taken or ())
    existing = set(Partner.objects.filter(slug__startswith=base).values_list("slug", flat=True)) | taken
    slug, n = base, 2
    while slug in existing:
        slug = f"{base}-{n}"
        n += 1
    return slug


@transaction.atomic
def partners_create_for_certified_sites(*, today=None):
    """Create an unpublished partner for every certified site that agreed to be on the map and
    has none yet, linked to its certificate. Returns the new partners.

    Coordinates are left empty (nothing is geocoded): editors place each one on the map in the
    admin, add public contact details and publish it. The applicant's own email and telephone are
    private and are not copied."""
    created = []
    slugs = set()
    for certificate in certified_sites_without_partner(today=today):
        application = certificate.application
        slug = unique_slug(certificate.holder_name, taken=slugs)
        slugs.add(slug)
        address = ", ".join(part for part in [application.address_line1, application.address_line2] if part)
        created.append(
            Partner.objects.create(
                name=certificate.holder_name,
                slug=slug,
                kind=Partner.Kind.SITE,
                website=application.website,
                address=address,
                postal_code=application.postal_code,
                city=certificate.city or application.city,
                region=application.region,
                country=certificate.country,
                certificate=certificate,
                is_published=False,
            )
        )
    if created:
        logger.info("Created %d unpublished partners for certified sites", len(created))
        partners_changed()
    return created
