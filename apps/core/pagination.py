"""A paginator whose count is kept in the cache, for lists a visitor can only filter by menus."""

import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.functional import cached_property

from .page_cache import content_version

COUNT_CACHE_SECONDS = 60 * 60


class CachedCountPaginator(Paginator):
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
        key = f"count:{content_version()}:{timezone.localdate().isoformat()}:{digest}"
        return cache.get_or_set(key, lambda: Paginator.count.func(self), COUNT_CACHE_SECONDS)
