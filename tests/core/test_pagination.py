"""Late pages read their keys first; unsearched lists keep their count under the content version."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core import pagination
from apps.core.page_cache import bump_content_version
from apps.core.pagination import CachedCountPaginator, IndexedPaginator
from apps.partners.models import Partner
from tests.factories import make_partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def partners():
    for n in range(23):
        make_partner(name=f"Partner {n:02d}")
    return Partner.objects.published().order_by("name", "pk")


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5])
def test_every_page_holds_the_rows_of_djangos_paginator(monkeypatch, partners, number):
    monkeypatch.setattr(pagination, "DEFERRED_FROM", 5)

    ours = IndexedPaginator(partners, 5, orphans=2).page(number)
    django = Paginator(partners, 5, orphans=2).page(number)

    assert [p.name for p in ours.object_list] == [p.name for p in django.object_list]
    assert (ours.has_next(), ours.start_index(), ours.end_index()) == (
        django.has_next(),
        django.start_index(),
        django.end_index(),
    )


def test_a_late_page_reads_its_keys_then_its_rows(monkeypatch, partners):
    monkeypatch.setattr(pagination, "DEFERRED_FROM", 5)
    paginator = IndexedPaginator(partners, 5)
    paginator.count  # noqa: B018 - counted apart, as a page view does

    with CaptureQueriesContext(connection) as captured:
        names = [p.name for p in paginator.page(3).object_list]

    assert names == [f"Partner {n:02d}" for n in range(10, 15)]
    keys, rows = (entry["sql"] for entry in captured.captured_queries)
    assert keys.startswith('SELECT "partners_partner"."id" AS "pk" FROM') and "OFFSET 10" in keys
    assert "OFFSET" not in rows


def test_an_early_page_is_one_query(partners):
    paginator = IndexedPaginator(partners, 5)
    paginator.count  # noqa: B018

    with CaptureQueriesContext(connection) as captured:
        list(paginator.page(2).object_list)

    assert len(captured) == 1


def test_the_cached_count_holds_until_public_content_changes(partners):
    assert CachedCountPaginator(partners, 5).count == 23
    Partner.objects.filter(name="Partner 00").update(is_published=False)  # a write that sends no signal

    assert CachedCountPaginator(partners, 5).count == 23
    bump_content_version()  # what a commit of public content does
    assert CachedCountPaginator(partners, 5).count == 22


def test_the_cached_count_is_per_query(partners):
    assert CachedCountPaginator(partners, 5).count == 23
    assert CachedCountPaginator(partners.filter(name__startswith="Partner 1"), 5).count == 10
