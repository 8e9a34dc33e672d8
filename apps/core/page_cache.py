"""A shared cache of public pages for anonymous visitors.

Public content pages have no inline script (so no per-request nonce) and no CSRF token, so the
same HTML serves every anonymous visitor. Cached responses live in the default cache (Redis in
production) under a key that includes a content version: saving or deleting any public content
model bumps the version, so edits show at once; the TTL bounds what changes without a save
(a certificate passing its expiry date).
"""

import contextlib
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.cache import has_vary_header

VERSION_KEY = "page-cache:version"


def content_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def bump_content_version(**kwargs):
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted): start again above any old version
        cache.set(VERSION_KEY, 2, timeout=None)


def _is_public_content(sender):
    meta = getattr(sender, "_meta", None)
    if meta is None:
        return False
    public = settings.PUBLIC_CONTENT_MODELS
    return meta.app_label in public or meta.label_lower in public


def _on_change(sender, **kwargs):
    if _is_public_content(sender):
        bump_content_version()


def connect_signals():
    """Invalidation only: the receivers touch the cache, never other rows, email or HTTP."""
    post_save.connect(_on_change, dispatch_uid="page_cache_post_save")
    post_delete.connect(_on_change, dispatch_uid="page_cache_post_delete")
    m2m_changed.connect(_on_change, dispatch_uid="page_cache_m2m_changed")


class PublicPageCacheMiddleware:
    """Serve anonymous GET/HEAD requests for the listed public paths from the cache.

    Requests with a session or message cookie (staff, someone who just posted a form) always reach
    the view; responses that set a cookie, vary on the cookie (a CSRF token was used) or are
    private are never stored.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.timeout = settings.PUBLIC_PAGE_CACHE_SECONDS
        self.paths = tuple(settings.PUBLIC_PAGE_CACHE_PATHS)

    def __call__(self, request):
        if not self._request_is_cacheable(request):
            return self.get_response(request)
        key = self._key(request)
        try:
            response = cache.get(key)
        except Exception:  # a cache outage must never take pages down
            return self.get_response(request)
        if response is not None:
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if self._response_is_cacheable(response):
            # Serving the page matters more than caching it.
            with contextlib.suppress(Exception):
                cache.set(key, response, self.timeout)
            response["X-Page-Cache"] = "miss"
        return response

    def _request_is_cacheable(self, request):
        if not self.timeout or request.method not in ("GET", "HEAD"):
            return False
        if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
            return False
        path = request.path
        # "/" is the home page only; other entries ending in "/" cover everything below them.
        return any(path == p or (p != "/" and p.endswith("/") and path.startswith(p)) for p in self.paths)

    def _key(self, request):
        digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        return f"page-cache:{content_version()}:{digest}"

    @staticmethod
    def _response_is_cacheable(response):
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        if has_vary_header(response, "Cookie") or has_vary_header(response, "*"):
            return False
        cache_control = response.get("Cache-Control", "").lower()
        return not any(word in cache_control for word in ("private", "no-store", "no-cache"))
