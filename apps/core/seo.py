"""Search and sharing: absolute URLs from SITE_URL, canonical links, robots directives, JSON-LD."""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.encoding import escape_uri_path
from django.utils.safestring import mark_safe

from .models import SiteSettings
from .page_cache import view_rules

# Private-link, form-step and form-result pages, by URL name (a namespace alone covers all of its URLs):
# answered with `X-Robots-Tag` and `<meta name="robots">`, and kept out of crawls by robots.txt.
NOINDEX_URL_NAMES = {
    "certifications:resume": "noindex",
    "certifications:apply-section": "noindex",
    "certifications:apply-check": "noindex",
    "certifications:apply-received": "noindex",
    "certifications:apply-saved": "noindex",
    "certifications:status": "noindex",
    "certifications:lookup-sent": "noindex",
    "certifications:document-download": "noindex",
    "certifications:certificate": "noindex, nofollow",
    "events:registered": "noindex",
    "events:cancel": "noindex",
    "learning:participant": "noindex",
    "learning:evaluation": "noindex",
    "learning:post-test": "noindex",
    "inquiries:thanks": "noindex",
    "admin": "noindex, nofollow",
}

# What robots.txt disallows: the paths of the pages above (RFC 9309: `*` matches any characters),
# and the accounts area DESIGN.md reserves for signed-in people.
DISALLOWED_PATHS = [
    "/admin/",
    "/apply/resume/",
    "/apply/*/sections/",
    "/apply/*/check/",
    "/apply/received/",
    "/apply/saved/",
    "/applications/",
    "/status/sent/",
    "/staff/",
    "/certificates/",
    "/events/*/registered/",
    "/events/*/cancel/",
    # A participant's CE pages (/ce/<link>/…); /ce/verify/<number>/ is noindex too, like /verify/.
    "/ce/",
    "/contact/thanks/",
    "/accounts/",
    "/my/",
]

# The escapes json_script makes, so that no "</script>" or "<!--" in a value ends the data block.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def absolute_url(path):
    """`path` on the configured site, never on the request's Host header."""
    return f"{settings.SITE_URL}{path}"


def page_rules(request):
    """The `PageRules` of the view that answered `request` (see apps.core.page_cache), or None."""
    match = getattr(request, "resolver_match", None)
    return view_rules(match.func) if match is not None else None


def is_search(request):
    rules = page_rules(request)
    return bool(rules and rules.search and request.GET.get(rules.search, "").strip())


def is_filtered(request):
    """Whether a public list is narrowed by its search or one of its filters (not by its page)."""
    rules = page_rules(request)
    if rules is None:
        return False
    names = [name for name in rules.query if name != "page"] + ([rules.search] if rules.search else [])
    return any(request.GET.get(name, "").strip() for name in names)


def _private_directive(request):
    """The directive of a private-link or form-result page (NOINDEX_URL_NAMES), or None."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    for name in (match.view_name, *match.namespaces[:1]):
        if name in NOINDEX_URL_NAMES:
            return NOINDEX_URL_NAMES[name]
    return None


def canonical_url(request, page_obj=None):
    """The absolute address of the page without its query string, except the page number of an
    unfiltered list past its first page. A search or a filter canonicalises to the list itself.
    A private page has none: its address is a secret, not something to share."""
    if _private_directive(request):
        return ""
    url = absolute_url(escape_uri_path(request.path))
    if page_obj is not None and page_obj.number > 1 and not is_filtered(request):
        url += f"?page={page_obj.number}"
    return url


def robots_directive(request):
    """The robots directive for the page `request` asked for ("" for an indexable page)."""
    return _private_directive(request) or ("noindex" if is_search(request) else "")


def robots_txt():
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED_PATHS), ""]
    lines.append(f"Sitemap: {absolute_url('/sitemap.xml')}")
    return "\n".join(lines) + "\n"


def json_ld(data):
    """`data` as the body of a <script type="application/ld+json"> data block, escaped as
    json_script escapes (a data block is never executed, so the CSP's script-src does not apply)."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return mark_safe(text)  # noqa: S308 - every <, > and & is escaped above


def organisation():
    """The schema.org Organization behind the portal, as the footer names it."""
    return {"@type": "Organization", "name": SiteSettings.load().organisation_name, "url": absolute_url("/")}
