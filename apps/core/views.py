"""Home page, health checks, robots.txt and the sitemaps, photograph files and the error pages."""

import math
import re
import sys

from django.contrib.sitemaps import views as sitemap_views
from django.core.files.storage import default_storage
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.template import loader
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.generic import TemplateView, View

from .context_processors import SITE_NAME, navigation
from .home import home_sections
from .models import Photo
from .page_cache import public_page
from .seo import absolute_url, robots_txt


@public_page()
class HomeView(TemplateView):
    """What the NMT is, the ways in, and the sections the apps give (apps/core/home.py)."""

    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(sections=home_sections(self.request), **kwargs)


PHOTO_NAME = re.compile(r"^(?P<key>[0-9a-f]{32})(-[1-9][0-9]{2,3})?\.(?P<extension>webp|jpg|png)$")
PHOTO_TYPES = {"webp": "image/webp", "jpg": "image/jpeg", "png": "image/png"}


class PhotoFileView(View):
    """Serve a photograph's original or rendition from the default storage, in every environment
    (runserver, gunicorn, object storage). Photographs illustrate public pages, so they are public;
    names are random and change with every upload, so browsers may keep a file for a year. Only
    files that belong to a photograph are served, never other media."""

    http_method_names = ["get", "head"]

    def get(self, request, name):
        match = PHOTO_NAME.match(name)
        if not match:
            raise Http404
        path = f"photos/{name}"
        # Every file of one upload starts with the same key as the original.
        photo = Photo.objects.filter(image__startswith=f"photos/{match['key']}.").first()
        if photo is None or path not in photo.file_names():
            raise Http404
        try:
            file = default_storage.open(path, "rb")
        except FileNotFoundError as error:
            raise Http404 from error
        response = FileResponse(file, content_type=PHOTO_TYPES[match["extension"]])
        response["Cache-Control"] = "public, max-age=31536000, immutable"
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Disposition"] = "inline"
        response["Cross-Origin-Resource-Policy"] = "same-origin"
        return response


@public_page()
def robots(request):
    """robots.txt: the private links kept out of crawls, and where the sitemap is (apps/core/seo.py)."""
    return HttpResponse(robots_txt(), content_type="text/plain; charset=utf-8")


@public_page()
@sitemap_views.x_robots_tag
def sitemap_index(request, sitemaps):
    """/sitemap.xml: every page of every section's sitemap, on SITE_URL (Django's index view takes
    the host from the request). One count per section, whatever the number of rows."""
    items = []
    for section, sitemap in sitemaps.items():
        sitemap = sitemap()
        location = absolute_url(reverse("sitemap-section", kwargs={"section": section}))
        lastmod = sitemap.get_latest_lastmod()
        items.append(sitemap_views.SitemapIndexItem(location, lastmod))
        items.extend(
            sitemap_views.SitemapIndexItem(f"{location}?p={page}", lastmod)
            for page in range(2, sitemap.paginator.num_pages + 1)
        )
    return TemplateResponse(request, "sitemap_index.xml", {"sitemaps": items}, content_type="application/xml")


@public_page(query=["p"])
def sitemap_section(request, sitemaps, section):
    """/sitemap-<section>.xml?p=<page>: Django's sitemap view, its addresses on SITE_URL
    (apps/core/sitemaps.py)."""
    return sitemap_views.sitemap(request, sitemaps, section=section)


@never_cache
def healthz(request):
    """Liveness: the process answers. Touches neither the database nor the cache."""
    return JsonResponse({"status": "ok"})


_migrations_applied = False


def _unapplied_migrations():
    global _migrations_applied
    if _migrations_applied:
        return 0
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    # Once everything is applied it stays so for this process: new migrations ship with new code.
    _migrations_applied = not plan
    return len(plan)


@never_cache
def readyz(request):
    """Readiness: the database answers and every migration is applied."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError:
        checks["database"] = "unavailable"
    if checks["database"] == "ok":
        try:
            pending = _unapplied_migrations()
            checks["migrations"] = "ok" if not pending else f"{pending} unapplied"
        except DatabaseError:
            checks["database"] = "unavailable"
    ok = checks.get("database") == "ok" and checks.get("migrations") == "ok"
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503)


def _render_error(request, template, status, *, with_request=True):
    """Render an error page. 500 and 503 render without the request's context processors,
    because the database or the cache may be what failed."""
    if with_request:
        body = loader.render_to_string(template, request=request)
    else:
        body = loader.render_to_string(template, {"navigation": navigation(), "site_name": SITE_NAME})
    return HttpResponse(body, status=status)


@requires_csrf_token
def bad_request(request, exception):
    return _render_error(request, "400.html", 400)


@requires_csrf_token
def permission_denied(request, exception):
    return _render_error(request, "403.html", 403)


@requires_csrf_token
def page_not_found(request, exception):
    return _render_error(request, "404.html", 404)


@requires_csrf_token
def server_error(request):
    """500, or 503 with Retry-After when the database is unreachable (the cause is transient)."""
    exc = sys.exc_info()[1]
    if isinstance(exc, (OperationalError, InterfaceError)):
        response = _render_error(request, "503.html", 503, with_request=False)
        response["Retry-After"] = "30"
        return response
    return _render_error(request, "500.html", 500, with_request=False)


def csrf_failure(request, reason=""):
    return _render_error(request, "403_csrf.html", 403)


def rate_limited(request, exception):
    """The 429 page. Retry-After is the time left in the window of the limit that refused
    (apps/core/ratelimits.py), a minute at most for the per-minute verification limit."""
    retry_after = getattr(exception, "retry_after", None)
    minutes = math.ceil(retry_after / 60) if retry_after else None
    body = loader.render_to_string("429.html", {"wait_minutes": minutes}, request=request)
    response = HttpResponse(body, status=429)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def not_found(request, *args, **kwargs):
    """A route that is deliberately not served (allauth's password pages: nobody here has one to
    reset outside the admin)."""
    raise Http404
