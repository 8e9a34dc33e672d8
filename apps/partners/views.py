"""The partner directory and map, a partner's page, the GeoJSON feed and partner logos."""

import re

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.views.generic import DetailView, TemplateView, View

from apps.core.admin_site import is_staff_session
from apps.core.page_cache import public_page
from apps.core.pagination import list_paginator

from . import geojson
from .filters import PartnerFilterForm, apply_filters
from .geojson import published_countries
from .models import Partner

PAGE_SIZE = 24
# What the directory and the GeoJSON understand; the form checks every value but the checkbox's.
FILTERS = ["country", "kind", "certified"]
FILTER_VALUES = {"certified": ["on"]}
LOGO_NAME = re.compile(r"^[0-9a-f]{32}\.(png|jpg)$")
LOGO_TYPES = {"png": "image/png", "jpg": "image/jpeg"}


LEAFLET_STYLES = ["vendor/leaflet-1.9.4/leaflet.css"]
CLUSTER_STYLES = [
    "vendor/leaflet.markercluster-1.5.3/MarkerCluster.css",
    "vendor/leaflet.markercluster-1.5.3/MarkerCluster.Default.css",
]


def map_config(*, styles=LEAFLET_STYLES, **extra):
    """Settings the map script needs, handed over with json_script (never inline script). The
    map's own style sheets are among them: the script adds them before it draws the map, so they
    never hold up the first paint of the page (its space is reserved by partners.css)."""
    return {
        "styles": [static(name) for name in styles],
        "tileUrl": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "icon": {
            # The portal's own pin (static/img/map-pin.svg), sharp at every pixel density.
            "iconUrl": static("img/map-pin.svg"),
            "iconRetinaUrl": static("img/map-pin.svg"),
            "shadowUrl": static("vendor/leaflet-1.9.4/images/marker-shadow.png"),
        },
        **extra,
    }


def can_preview(request):
    """Staff who may see partners in the admin may also preview unpublished pages and logos."""
    return is_staff_session(request) and request.user.has_perm("partners.view_partner")


@public_page(query=[*FILTERS, "page"], search="q", values=FILTER_VALUES)
class PartnerListView(TemplateView):
    """The map and the list: a complete, paginated, filterable list without JavaScript; the map
    script reads the same filters, fetches the GeoJSON and swaps in this page's list."""

    template_name = "partners/partner_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = PartnerFilterForm(self.request.GET or None, country_choices=published_countries())
        if form.is_bound:
            form.is_valid()
        filters = form.filters()
        partners = apply_filters(Partner.objects.published(), filters).select_related("certificate")
        paginator = list_paginator(partners, PAGE_SIZE, searched=bool(filters.get("q")))
        page = paginator.get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            form=form,
            filters=filters,
            page_obj=page,
            partners=page.object_list,
            geojson_url=reverse("partners:geojson"),
            map_config=map_config(
                styles=LEAFLET_STYLES + CLUSTER_STYLES,
                geojsonUrl=reverse("partners:geojson"),
                listUrl=reverse("partners:map"),
                detailUrl=reverse("partners:detail", kwargs={"slug": "__slug__"}),
            ),
        )
        return context


@public_page()
class PartnerDetailView(DetailView):
    template_name = "partners/partner_detail.html"
    context_object_name = "partner"

    def get_queryset(self):
        partners = Partner.objects.select_related("certificate")
        # Only a visitor with a session can be staff: others never touch the session, so the
        # page stays the same for every anonymous visitor and can be cached.
        if settings.SESSION_COOKIE_NAME in self.request.COOKIES and can_preview(self.request):
            return partners
        return partners.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        partner = self.object
        coordinates = partner.public_coordinates
        if coordinates:
            context["map_config"] = map_config(
                point={"lat": coordinates[0], "lng": coordinates[1]},
                name=partner.name,
                approximate=partner.is_practice,
            )
        return context


@public_page(query=FILTERS, search="q", values=FILTER_VALUES)
class PartnerGeoJsonView(View):
    """/partners.geojson: published partners as an RFC 7946 FeatureCollection, with the page's filters."""

    http_method_names = ["get", "head"]

    def get(self, request):
        form = PartnerFilterForm(request.GET)
        if not form.is_valid():
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        response = HttpResponse(geojson.render(form.filters()), content_type="application/geo+json")
        # Browsers keep a copy but ask each time (with the ETag): an unchanged map costs a 304.
        response["Cache-Control"] = "public, no-cache"
        response["Access-Control-Allow-Origin"] = "*"
        return response


class PartnerLogoView(View):
    """Serve a partner's logo from the default storage, in every environment (runserver,
    gunicorn, object storage). Names are random and change with every upload, so browsers may
    keep a logo for a year. Only files that are a partner's logo are served, never other media."""

    http_method_names = ["get", "head"]

    def get(self, request, name):
        match = LOGO_NAME.match(name)
        if not match:
            raise Http404
        path = f"partners/logos/{name}"
        partners = Partner.objects.filter(logo=path)
        if not can_preview(request):
            partners = partners.published()
        is_published = partners.values_list("is_published", flat=True).first()
        if is_published is None:
            raise Http404
        try:
            file = default_storage.open(path, "rb")
        except FileNotFoundError as error:
            raise Http404 from error
        response = FileResponse(file, content_type=LOGO_TYPES[match.group(1)])
        # A staff preview of an unpublished partner's logo stays out of shared caches.
        response["Cache-Control"] = "public, max-age=31536000, immutable" if is_published else "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Disposition"] = "inline"
        response["Cross-Origin-Resource-Policy"] = "same-origin"
        return response
