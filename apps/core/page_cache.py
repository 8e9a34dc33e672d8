"""The public page cache: Django's cache middleware on the views marked `@public_page`.

Public pages carry no CSRF token, no nonce and nothing of the visitor's, so one copy serves every
anonymous visitor. Copies live in the default cache (Redis in production) under a key that holds
the content version and today's date. Saving or deleting any of PUBLIC_CONTENT_MODELS bumps the
version after the commit, so edits show at once; the date retires every copy at midnight, when
certificates pass their expiry date; PUBLIC_PAGE_CACHE_SECONDS bounds everything else. The footer's
settings, the partners' country menu and the application form's fragment use the same version.
What a Redis outage does is decided in one place, `apps.core.cache.ResilientRedisCache`.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import QueryDict
from django.middleware.cache import CacheMiddleware
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils import timezone
from django.utils.cache import get_max_age, set_response_etag
from django.utils.decorators import decorator_from_middleware_with_args
from django.utils.http import split_directive_names, split_header_value, urlencode

VERSION_KEY = "page-cache:version"
# Each process remembers the version for a second, saving a cache round trip on every request;
# an edit reaches every server's readers within that second.
VERSION_MEMO_SECONDS = 1.0
_memo = {"version": None, "until": 0.0}


def _fresh_version():
    # Time-based, so a version lost with the cache (eviction, restart) restarts above every old one.
    return int(time.time() * 1000)


def content_version():
    """The current version of public content (a fresh one each second while the cache is away)."""
    now = time.monotonic()
    if now < _memo["until"]:
        return _memo["version"]
    version = cache.get(VERSION_KEY)
    if version is None:
        version = _fresh_version()
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY, version)  # another process set it first
    _memo.update(version=version, until=now + VERSION_MEMO_SECONDS)
    return version


def forget_content_version():
    """Read the version from the cache again at the next call (tests do at each new cache namespace)."""
    _memo.update(version=None, until=0.0)


def bump_content_version():
    """Retire every cached public page, fragment and footer. Runs after the commit (see below)."""
    try:
        cache.incr(VERSION_KEY)  # atomic: two bumps at once give two versions
    except ValueError:  # Django's answer for a key that is not set: never set, or lost with the cache
        cache.set(VERSION_KEY, _fresh_version(), timeout=None)
    forget_content_version()


def content_changed():
    """Bump the content version once the current transaction commits. The receivers below do it
    for every save and delete; call it after writes that send no signal (a queryset's update())."""
    transaction.on_commit(bump_content_version)


def _is_public_content(sender):
    meta = getattr(sender, "_meta", None)
    if meta is None:
        return False
    public = settings.PUBLIC_CONTENT_MODELS
    return meta.app_label in public or meta.label_lower in public


def _on_change(sender, **kwargs):
    if _is_public_content(sender):
        # After the commit: a page cached between the bump and the commit would otherwise keep the old content.
        content_changed()


def connect_signals():
    """Invalidation only: the receivers touch the cache, never other rows, email or HTTP."""
    post_save.connect(_on_change, dispatch_uid="page_cache_post_save")
    post_delete.connect(_on_change, dispatch_uid="page_cache_post_delete")
    m2m_changed.connect(_on_change, dispatch_uid="page_cache_m2m_changed")


class PublicPageCacheMiddleware(CacheMiddleware):
    """Django's CacheMiddleware for one view, made into the `public_page` decorator, with the
    content version and today's date in its key prefix.

    Before Django's cache looks, the request is reduced to what the page understands: the query
    string to the parameters the decorator names (in that order, empty ones dropped, the last of a
    repeated one, each within its `values` when it has any) and Accept-Encoding to "gzip" or
    nothing. The view renders that same reduced request, so an entry holds exactly what its key
    says, and nothing a visitor adds to a URL makes a new entry: at most one copy per page and
    parameters, gzipped (once, before it is stored) or not.

    The cache is skipped (the view answers as for any page) for staff and for a visitor with a
    message waiting (a session or messages cookie), for a text search (`search`), for a value outside
    its `values`, and with PUBLIC_PAGE_CACHE_SECONDS = 0. Besides Django's own conditions, a
    response is stored only when it is the same for everyone: it touched no session, holds no CSRF
    token, varies on nothing but Accept-Encoding, and its filter form and page number (`form` and
    `page_obj` in a template's context) accepted the parameters: a tampered link or a page past the
    last one is answered, not stored.
    """

    def __init__(self, get_response, *, query=(), search=None, values=None):
        super().__init__(get_response)
        self.query = tuple(query)
        self.search = search
        self.values = values or {}
        self.gzip = GZipMiddleware(get_response)

    @property
    def page_timeout(self):
        """Read at each request: a function view is decorated once, when its module is imported."""
        return settings.PUBLIC_PAGE_CACHE_SECONDS

    @page_timeout.setter
    def page_timeout(self, value):
        """Django's middleware sets it from its arguments; ours is the setting."""

    @property
    def key_prefix(self):
        return f"public-page:{content_version()}:{timezone.localdate():%Y%m%d}"

    @key_prefix.setter
    def key_prefix(self, value):
        """Django's middleware sets the prefix from CACHE_MIDDLEWARE_KEY_PREFIX; ours is the above."""

    def process_request(self, request):
        if not self._reduce(request):
            request._cache_update_cache = False
            return None
        # A page rendered across a bump of the version is not stored (see process_response).
        request.page_cache_prefix = self.key_prefix
        response = super().process_request(request)
        if response is None:
            request._cache_update_cache = request.method == "GET"  # HEAD is answered from GET's copy
            return None
        response["X-Page-Cache"] = "hit"
        return _for_browsers(response)

    def process_response(self, request, response):
        if response.status_code == 200 and not response.streaming and not response.has_header("ETag"):
            # Of the uncompressed body: gzip (below) only marks it weak, so the ETag outlives a bump
            # that changed nothing on this page, and a browser's reload still gets a 304.
            set_response_etag(response)
        response = self.gzip.process_response(request, response)
        store = getattr(request, "_cache_update_cache", False) and self._same_for_everyone(request, response)
        request._cache_update_cache = store and request.page_cache_prefix == self.key_prefix
        if not request._cache_update_cache:
            return response
        if not response.has_header("Cache-Control") or "no-cache" in _directives(response):
            # Browsers keep the page but ask each time (a reload costs a 304, an edit shows at once):
            # stored as max-age=0, which Django's middleware stores (it refuses no-cache), sent as no-cache.
            response["Cache-Control"] = "public, max-age=0"
        response = super().process_response(request, response)
        response["X-Page-Cache"] = "miss"
        return _for_browsers(response)

    def _reduce(self, request):
        """Reduce `request` to what the cache keys on, or return False to leave it to the view."""
        if request.method not in ("GET", "HEAD") or not settings.PUBLIC_PAGE_CACHE_SECONDS:
            return False
        if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
            return False
        if self.search and request.GET.get(self.search, "").strip():
            return False
        query = {}
        for name in self.query:
            value = request.GET.get(name, "")
            if value and name in self.values and value not in self.values[name]:
                return False
            if value:
                query[name] = value
        request.META["QUERY_STRING"] = urlencode(query)
        request.GET = QueryDict(request.META["QUERY_STRING"])
        if re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            request.META["HTTP_ACCEPT_ENCODING"] = "gzip"
        else:
            request.META.pop("HTTP_ACCEPT_ENCODING", None)
        return True

    @staticmethod
    def _same_for_everyone(request, response):
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.session.accessed:
            return False
        if {header.lower() for header in split_header_value(response.get("Vary", ""))} - {"accept-encoding"}:
            return False  # it varies on something the key does not hold (a cookie, a language)
        if {"private", "no-store"} & _directives(response):
            return False
        context = getattr(response, "context_data", None) or {}
        form, page = context.get("form"), context.get("page_obj")
        if form is not None and form.is_bound and form.errors:
            return False
        return page is None or request.GET.get("page", "1") == str(page.number)


def _directives(response):
    return set(split_directive_names(response.get("Cache-Control", "")))


def _for_browsers(response):
    """What browsers get: the lifetime the view chose, or no-cache; max-age rules, so no Expires."""
    if get_max_age(response) == 0:
        response["Cache-Control"] = "public, no-cache"
    del response["Expires"]
    return response


public_page = decorator_from_middleware_with_args(PublicPageCacheMiddleware)
public_page.__doc__ = """Mark a view as a public page, the same for every anonymous visitor: it is cached.

`query` names the query parameters the page understands, `search` the one that makes it a text
search (never cached: their variety is unbounded), `values` the accepted values of a parameter that
no form checks. On a class-based view: `@method_decorator(public_page(...), name="dispatch")`.
"""
