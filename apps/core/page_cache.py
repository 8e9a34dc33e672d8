"""A shared cache of public pages for anonymous visitors.

Public content pages have no inline script (so no per-request nonce) and no CSRF token, so the
same HTML serves every anonymous visitor. Cached responses live in the default cache (Redis in
production) under a key that includes a content version: saving or deleting any public content
model bumps the version, so edits show at once; the TTL bounds what changes without a save
(a certificate passing its expiry date).
"""

import contextlib
import gzip
import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import has_vary_header, patch_vary_headers

logger = logging.getLogger(__name__)

VERSION_KEY = "page-cache:version"
# Each process remembers the version for a second, saving a cache round trip on every request;
# an edit reaches every server's readers within that second.
VERSION_MEMO_SECONDS = 1.0
_memo = {"version": None, "until": 0.0}
COMPRESSIBLE = ("text/", "application/json", "application/geo+json", "application/javascript")


def _fresh_version():
    # Time-based, so a version lost with the cache (eviction, restart) restarts above every old one.
    return int(time.time() * 1000)


def content_version():
    """The current version of public content; raises if the cache is unreachable."""
    now = time.monotonic()
    if _memo["version"] is not None and now < _memo["until"]:
        return _memo["version"]
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _fresh_version(), timeout=None)
        version = cache.get(VERSION_KEY)
    _memo.update(version=version, until=now + VERSION_MEMO_SECONDS)
    return version


def bump_content_version():
    """Invalidate every cached public page. A cache outage must never fail the write that called it."""
    try:
        try:
            version = cache.incr(VERSION_KEY)
        except ValueError:  # not set yet, or lost with the cache
            version = _fresh_version()
            cache.set(VERSION_KEY, version, timeout=None)
    except Exception:
        logger.warning("Could not invalidate the page cache: the cache is unreachable.")
        _memo.update(version=None, until=0.0)
        return
    _memo.update(version=version, until=time.monotonic() + VERSION_MEMO_SECONDS)


def _is_public_content(sender):
    meta = getattr(sender, "_meta", None)
    if meta is None:
        return False
    public = settings.PUBLIC_CONTENT_MODELS
    return meta.app_label in public or meta.label_lower in public


def _on_change(sender, **kwargs):
    if _is_public_content(sender):
        # After the commit: a page cached between the bump and the commit would otherwise keep the old content.
        transaction.on_commit(bump_content_version)


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
        try:
            key = self._key(request)
            entry = cache.get(key)
        except Exception:  # a cache outage must never take pages down
            return self.get_response(request)
        if entry is not None:
            return self._from_entry(request, entry)
        response = self.get_response(request)
        if self._response_is_cacheable(response):
            # Serving the page matters more than caching it.
            with contextlib.suppress(Exception):
                cache.set(key, self._to_entry(response), self.timeout)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _to_entry(response):
        """What is stored: the headers and the body, gzipped once when worth it (not on every hit).
        A compressed entry keeps only the gzipped body, a fraction of the bytes to fetch per hit;
        the rare client without gzip gets it decompressed."""
        content = response.content
        compress = len(content) > 1024 and response.get("Content-Type", "").startswith(COMPRESSIBLE)
        return {
            "status": response.status_code,
            "headers": [(k, v) for k, v in response.items() if k.lower() != "content-length"],
            "content": None if compress else content,
            "gzip": gzip.compress(content, compresslevel=6, mtime=0) if compress else None,
            "etag": f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"',
        }

    @staticmethod
    def _from_entry(request, entry):
        if entry["etag"] in request.headers.get("If-None-Match", ""):
            response = HttpResponseNotModified()
            response["ETag"] = entry["etag"]
            response["X-Page-Cache"] = "hit"
            return response
        use_gzip = entry["gzip"] is not None and "gzip" in request.headers.get("Accept-Encoding", "")
        if use_gzip:
            body = entry["gzip"]
        else:
            body = entry["content"] if entry["gzip"] is None else gzip.decompress(entry["gzip"])
        response = HttpResponse(body, status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        if use_gzip:
            response["Content-Encoding"] = "gzip"
        if entry["gzip"] is not None:
            patch_vary_headers(response, ["Accept-Encoding"])
        response["Content-Length"] = str(len(response.content))
        response["ETag"] = entry["etag"]
        response["X-Page-Cache"] = "hit"
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
        if response.has_header("Content-Encoding"):
            return False
        if has_vary_header(response, "Cookie") or has_vary_header(response, "*"):
            return False
        cache_control = response.get("Cache-Control", "").lower()
        return not any(word in cache_control for word in ("private", "no-store", "no-cache"))
