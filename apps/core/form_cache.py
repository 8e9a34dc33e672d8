"""Pages holding a blank form, rendered once and personalised per request.

A form page cannot go in the page cache: its CSRF token is per visitor. But everything else on
the page is the same for every anonymous visitor, and rendering a long form is costly. So the
page is rendered once with placeholders, cached under the public content version (so editing a
program shows at once), and each request gets a copy with its own CSRF token and fresh values.
"""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token

from .page_cache import content_version

CSRF_PLACEHOLDER = "csrf-token-placeholder-7d1c9a"


def can_use_cached_form(request):
    """Only anonymous visitors without a pending message see the shared copy."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and "messages" not in request.COOKIES


def cached_form_page(request, *, key, render, fresh=None, timeout=3600):
    """Return an HttpResponse of the page `render()` makes, from the cache when possible.

    `render()` returns the page's HTML, rendered with `csrf_token=CSRF_PLACEHOLDER` in its
    context; `fresh` maps other placeholders to callables giving each request its own value.
    """
    cache_key = f"form-page:{content_version()}:{key}"
    html = cache.get(cache_key)
    if html is None:
        html = render()
        cache.set(cache_key, html, timeout)
    html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    for placeholder, make_value in (fresh or {}).items():
        html = html.replace(placeholder, make_value())
    return HttpResponse(html)
