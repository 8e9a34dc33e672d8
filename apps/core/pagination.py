"""Paginators for long lists: late pages read the index, not the rows they skip; a list filtered
by menus only keeps its count in the cache."""

import hashlib

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from .page_cache import content_cached

COUNT_CACHE_SECONDS = 60 * 60
# From this offset on, a page first finds its rows' keys, then reads those rows.
DEFERRED_FROM = 500


class IndexedPaginator(Paginator):
    """A late page (`OFFSET` 40,000) makes PostgreSQL read every row it skips. Past DEFERRED_FROM
    rows, this paginator first reads the page's primary keys alone, which an index in the list's
    order answers without touching the table (an index-only scan), then those rows, in the same
    order: one query more, and thousands of rows fewer. Earlier pages are Django's, one query."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom < DEFERRED_FROM or not isinstance(self.object_list, QuerySet):
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        return self._get_page(self.object_list.filter(pk__in=keys), number, self)


class CachedCountPaginator(IndexedPaginator):
    """Counting every listed certificate or partner on each page view reads rows in proportion to
    the data; the count changes only when public content does. So it is kept under the content
    version and today's date (certificates leave the registry at midnight), keyed by the query.

    Only for lists whose variety is bounded (menus and page numbers): a text search counts its own
    matches through its index, and each distinct term would be a new entry."""

    @cached_property
    def count(self):
        try:
            query = str(self.object_list.query)
        except EmptyResultSet:
            return 0
        digest = hashlib.blake2b(query.encode(), digest_size=16).hexdigest()
        return content_cached(f"count:{digest}", lambda: Paginator.count.func(self), COUNT_CACHE_SECONDS, daily=True)


def list_paginator(object_list, per_page, *, searched):
    """The paginator of a public list: its count kept while nothing is searched (see above)."""
    return (IndexedPaginator if searched else CachedCountPaginator)(object_list, per_page)
