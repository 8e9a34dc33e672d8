"""The current certificate of each line, stored (Certificate.superseded) so that the registry walks
one ordered index: kept by the renewal's approval, revocation and deletion, and set for existing
rows by the migration that added it."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from apps.certifications import services
from apps.certifications.models import Certificate
from tests.certifications.test_renewals import approve, holder_certificate, submitted_renewal
from tests.factories import make_certificate, make_staff

pytestmark = pytest.mark.django_db


def superseded(certificate):
    return Certificate.objects.values_list("superseded", flat=True).get(pk=certificate.pk)


def registry_numbers(client, **query):
    response = client.get(reverse("certifications:registry"), query)
    assert response.status_code == 200
    return [certificate.number for certificate in response.context["certificates"]]


def test_a_new_certificate_is_current_and_its_approved_renewal_supersedes_it(client):
    certificate = holder_certificate()
    assert superseded(certificate) is False

    new = approve(submitted_renewal(certificate)).certificate

    assert (superseded(certificate), superseded(new)) == (True, False)
    assert registry_numbers(client) == [new.number]
    assert list(Certificate.objects.current().filter(pk__in=[certificate.pk, new.pk])) == [new]


def test_a_reopened_renewal_gives_the_line_back_and_its_re_approval_takes_it_again(client):
    certificate = holder_certificate()
    renewal = approve(submitted_renewal(certificate))
    admin = make_staff(role="Site administrators")

    renewal = services.application_reopen(application=renewal, reviewer=admin, message="Evidence was forged.")
    assert superseded(certificate) is False
    assert registry_numbers(client) == [certificate.number]

    renewal = services.application_approve(application=renewal, reviewer=admin)
    assert superseded(certificate) is True
    assert registry_numbers(client) == [renewal.certificate.number]


def test_an_expired_renewal_still_supersedes_and_a_revoked_one_does_not(client):
    certificate = holder_certificate()
    new = approve(submitted_renewal(certificate)).certificate

    new.status = Certificate.Status.EXPIRED
    new.save(update_fields=["status", "updated_at"])
    assert superseded(certificate) is True

    services.certificate_revoke(certificate=new, user=make_staff(role="Site administrators"), reason="Issued in error.")
    assert superseded(certificate) is False
    assert registry_numbers(client) == [certificate.number]


def test_deleting_the_renewal_certificate_from_a_list_makes_the_old_one_current(client):
    certificate = holder_certificate()
    new = approve(submitted_renewal(certificate)).certificate

    Certificate.objects.filter(pk=new.pk).delete()  # as the admin's bulk delete does: no delete() call

    assert superseded(certificate) is False
    assert registry_numbers(client) == [certificate.number]


def test_the_flag_leaves_the_old_certificate_s_history_and_timestamp_alone():
    certificate = holder_certificate()
    versions, updated_at = certificate.history.count(), certificate.updated_at

    approve(submitted_renewal(certificate))

    certificate.refresh_from_db()
    assert (certificate.history.count(), certificate.updated_at) == (versions, updated_at)


def test_the_migration_marks_every_certificate_renewed_by_one_that_stands():
    renewed = holder_certificate()
    approve(submitted_renewal(renewed))
    given_back = make_certificate(listed_publicly=True)
    unrenewed = make_certificate(listed_publicly=True)
    revoked_renewal = make_certificate(renews=given_back, status="revoked", revoked_reason="Reopened.")
    assert revoked_renewal.renews_id == given_back.pk
    # As the rows stood before the column existed: nothing marked.
    Certificate.objects.update(superseded=False)

    migration = importlib.import_module("apps.certifications.migrations.0015_certificate_superseded")
    migration.mark_superseded(django_apps, schema_editor=None)

    marked = set(Certificate.objects.filter(superseded=True).values_list("pk", flat=True))
    assert marked == {renewed.pk}
    assert unrenewed.pk not in marked


def test_the_registry_reads_the_same_queries_on_a_late_page_and_with_every_filter(
    client, django_assert_max_num_queries
):
    certificates = [make_certificate(listed_publicly=True) for _ in range(30)]
    program = certificates[0].program
    client.get(reverse("certifications:registry"))  # the menus and the count, kept afterwards

    filters = {"country": certificates[0].country.code, "program": program.slug, "kind": "individual"}
    for query in ({"page": 2}, filters):
        with django_assert_max_num_queries(2):
            assert client.get(reverse("certifications:registry"), query).status_code == 200
