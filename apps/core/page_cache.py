"""The public page cache: Django's two-part cache middleware, for the views marked `@public_page`.

Public pages carry no CSRF token, no nonce and nothing of the visitor's, so one copy serves every
anonymous visitor. Copies live in the default cache (Redis in production) under a key that holds
the content version and today's date. Saving or deleting any of PUBLIC_CONTENT_MODELS bumps the
version after the commit, so edits show at once; the date retires every copy at midnight, when
certificates pass their expiry date; PUBLIC_PAGE_CACHE_SECONDS bounds everything else. The footer's
settings, the partners' country menu and the application form's fragment use the same version.
When an entry expires or the version moves, one request renders the page while the others get
its previous copy, or wait for that render (see FetchPublicPageMiddleware).
What a Redis outage does is decided in one place, `apps.core.cache.ResilientRedisCache`.
"""

import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import QueryDict
from django.middleware.cache import FetchFromCacheMiddleware, UpdateCacheMiddleware
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import _generate_cache_key, get_max_age, patch_vary_headers, set_response_etag
from django.utils.http import split_directive_names, split_header_value, urlencode

VERSION_KEY = "page-cache:version"
# Each process remembers the version for a second, saving a cache round trip on every request;
# an edit reaches every server's readers within that second.
VERSION_MEMO_SECONDS = 1.0
_memo = {"version": None, "until": 0.0}
# What `content_cached` found, kept in the process under its versioned key: most pages read two or
# three of these (the footer's settings, a menu, a count), and a round trip to Redis costs more
# than the rest of a small page's work. Emptied when the version moves; bounded in size.
LOCAL_ENTRIES = 256
_local = {"version": None, "entries": {}}
# The render of a missing page holds a lock this long at most (released as soon as it is answered);
# the other requests for that page wait as long at most, checking the cache at each interval.
RENDER_LOCK_SECONDS = 5
RENDER_POLL_SECONDS = 0.025
# A page's previous copy, under no version and no date, outlives its entry by this much.
PREVIOUS_COPY_SECONDS = 3600


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
    """Read the version from the cache again at the next call (tests do at each new cache namespace),
    and forget what `content_cached` kept in the process."""
    _memo.update(version=None, until=0.0)
    _local.update(version=None, entries={})


def bump_content_version():
    """Retire every cached public page, fragment and footer. Runs after the commit (see below)."""
    try:
        cache.incr(VERSION_KEY)  # atomic: two bumps at once give two versions
    except ValueError:  # Django's answer for a key that is not set: never set, or lost with the cache
        cache.set(VERSION_KEY, _fresh_version(), timeout=None)
    forget_content_version()


def content_cached(name, compute, timeout, *, daily=False):
    """`compute()`, kept in the cache under the content version (and today's date when `daily`:
    certificates pass their expiry date at midnight) for at most `timeout` seconds: the menus,
    counts and positions that mean reading every row of a public list."""
    version = content_version()
    key = f"{name}:{version}"
    if daily:
        key = f"{key}:{timezone.localdate().isoformat()}"
    if _local["version"] != version or len(_local["entries"]) >= LOCAL_ENTRIES:
        _local.update(version=version, entries={})  # a new version retires them all
    entries, now = _local["entries"], time.monotonic()
    if (kept := entries.get(key)) is not None and (kept[0] is None or now < kept[0]):
        return kept[1]
    value = cache.get_or_set(key, compute, timeout)
    # Kept no longer than the cache keeps it; an edit on any server retires it within the second
    # that the version is remembered.
    entries[key] = (None if timeout is None else now + timeout, value)
    return value


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


# What every stored public page varies on, as Django's cache keys name request headers.
VARY_HEADERS = ["HTTP_ACCEPT_ENCODING"]


@dataclass(frozen=True)
class PageRules:
    """What a public page understands of a request: `query` names its query parameters, `search`
    the one that makes it a text search (never cached: their variety is unbounded), `values` the
    accepted values of a parameter that no form checks."""

    query: tuple = ()
    search: str | None = None
    values: dict = field(default_factory=dict)

    def reduce(self, request):
        """Reduce `request` to what the cache keys on, or return False to leave it to the view: the
        query string to the named parameters (in that order, empty ones dropped, the last of a
        repeated one, each within its `values`), Accept-Encoding to "gzip" or nothing. The view then
        renders that same reduced request, so an entry holds exactly what its key says."""
        if request.method not in ("GET", "HEAD") or not settings.PUBLIC_PAGE_CACHE_SECONDS:
            return False
        if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
            return False  # staff, or a visitor with a message waiting: the live page
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


def public_page(view=None, *, query=(), search=None, values=None):
    """Mark a view (a function, or a class-based view's class) as a public page, the same for every
    anonymous visitor: the page cache serves it. See `PageRules` for the arguments."""

    def mark(view):
        view.public_page = PageRules(tuple(query), search, dict(values or {}))
        return view

    return mark(view) if view is not None else mark


def view_rules(view):
    """The `PageRules` of a resolved view function, or None when it is not a public page."""
    return getattr(view, "public_page", None) or getattr(getattr(view, "view_class", None), "public_page", None)


def _rules(request):
    """The `PageRules` of the view this request is for, or None when it is not a public page."""
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return None
    return view_rules(match.func)


class _PublicPageCache:
    """What both halves share: the key prefix (the content version and today's date) and the
    lifetime (the setting, read at each request), in place of Django's CACHE_MIDDLEWARE_* settings."""

    @property
    def key_prefix(self):
        return f"public-page:{content_version()}:{timezone.localdate():%Y%m%d}"

    @key_prefix.setter
    def key_prefix(self, value):
        """Django's middleware sets it from CACHE_MIDDLEWARE_KEY_PREFIX; ours is the property above."""

    @property
    def page_timeout(self):
        return settings.PUBLIC_PAGE_CACHE_SECONDS

    @page_timeout.setter
    def page_timeout(self, value):
        """Likewise: ours is the setting."""


class FetchPublicPageMiddleware(_PublicPageCache, FetchFromCacheMiddleware):
    """Django's FetchFromCacheMiddleware, for public pages only, placed before the session, CSRF and
    authentication middleware: a hit needs none of them, no SQL query and no view.

    Every stored page varies on Accept-Encoding alone (UpdatePublicPageMiddleware sees to it), so
    the key Django would find through the list of headers it learnt is known at once: one cache
    read per hit instead of two, the key made by Django's own function."""

    def process_request(self, request):
        rules = _rules(request)
        if rules is None or not rules.reduce(request):
            request._cache_update_cache = False
            return None
        # A page rendered across a bump of the version is not stored (see UpdatePublicPageMiddleware).
        request.page_cache_prefix = self.key_prefix
        response, source = None, "hit"
        for method in ("GET", "HEAD") if request.method == "HEAD" else ("GET",):
            response = self.cache.get(_page_key(request, method))
            if response is not None:
                break
        if response is None:
            response, source = self._render_once(request)
        if response is None:
            request._cache_update_cache = request.method == "GET"  # HEAD is answered from GET's copy
            return None
        request._cache_update_cache = False
        response["X-Page-Cache"] = source
        return _for_browsers(response)

    def _render_once(self, request):
        """On a miss, let one request render: return (None, None) for this one to render, else a
        copy to serve and how it was found. The first GET takes the page's render lock; the others
        get the previous copy ("stale") at once when there is one, or wait for the render's entry
        ("hit"), or render themselves when the lock goes without an entry (an error, a page not for
        everyone, the cache away: `add` fails and nothing is found) or after RENDER_LOCK_SECONDS."""
        key, lock = _page_key(request, "GET"), _lock_key(request)
        if request.method == "GET" and self.cache.add(lock, True, timeout=RENDER_LOCK_SECONDS):
            request.page_cache_lock = lock  # released by UpdatePublicPageMiddleware
            # Another request may have stored the page and let the lock go since our read.
            response = self.cache.get(key)
            return (response, "hit") if response is not None else (None, None)
        previous = _previous_key(request)
        found = self.cache.get_many([key, lock, previous])
        deadline = time.monotonic() + RENDER_LOCK_SECONDS
        while key not in found and lock in found:  # a render is under way
            if previous in found:
                return found[previous], "stale"
            if time.monotonic() >= deadline:
                break
            time.sleep(RENDER_POLL_SECONDS)
            found = self.cache.get_many([key, lock])
        return (found[key], "hit") if key in found else (None, None)


class UpdatePublicPageMiddleware(_PublicPageCache, UpdateCacheMiddleware):
    """Django's UpdateCacheMiddleware, first in MIDDLEWARE, so that it stores what every other
    middleware made of the page, gzipped once when the client asked for gzip.

    Besides Django's own conditions, a page is stored only when it is the same for everyone: it
    touched no session, holds no CSRF token, varies on nothing but Accept-Encoding, and its filter
    form and page number (`form` and `page_obj` in a template's context) accepted the parameters: a
    tampered link or a page past the last one is answered, not stored.
    """

    def __init__(self, get_response):
        super().__init__(get_response)
        self.gzip = GZipMiddleware(get_response)

    def process_response(self, request, response):
        try:
            return self._store(request, response)
        finally:
            # Stored or not (an error, a page not for everyone), the render is over: the requests
            # waiting for it look again at once.
            if lock := getattr(request, "page_cache_lock", None):
                self.cache.delete(lock)

    def _store(self, request, response):
        if not getattr(request, "_cache_update_cache", False):
            return response
        if response.status_code == 200 and not response.streaming and not response.has_header("ETag"):
            # Of the uncompressed body: gzip (below) only marks it weak, so the ETag outlives a bump
            # that changed nothing on this page, and a browser's reload still gets a 304.
            set_response_etag(response)
        response = self.gzip.process_response(request, response)
        patch_vary_headers(response, ["Accept-Encoding"])  # even when too short to compress: see Fetch…
        if not _same_for_everyone(request, response) or request.page_cache_prefix != self.key_prefix:
            request._cache_update_cache = False
            return response
        if not response.has_header("Cache-Control") or "no-cache" in _directives(response):
            # Browsers keep the page but ask each time (a reload costs a 304, an edit shows at once):
            # stored as max-age=0, which Django's middleware stores (it refuses no-cache), sent as no-cache.
            response["Cache-Control"] = "public, max-age=0"
        # Django stores it (the checks above leave it nothing to refuse); the previous copy, which
        # others get while the page's next render runs, goes beside it.
        response = super().process_response(request, response)
        self.cache.set(_previous_key(request), response, self.page_timeout + PREVIOUS_COPY_SECONDS)
        response["X-Page-Cache"] = "miss"
        return _for_browsers(response)


def _page_key(request, method):
    """The key Django stores the page under, by Django's own function."""
    return _generate_cache_key(request, method, VARY_HEADERS, request.page_cache_prefix)


def _lock_key(request):
    """The render lock of a page, in one version, on one date, in one encoding."""
    return _generate_cache_key(request, "GET", VARY_HEADERS, f"public-page-render:{request.page_cache_prefix}")


def _previous_key(request):
    """The last copy of a page stored, whatever its version and date, in one encoding."""
    return _generate_cache_key(request, "GET", VARY_HEADERS, "public-page-previous")


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
