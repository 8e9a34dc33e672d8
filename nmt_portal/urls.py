"""Root URLs. Public paths are a contract (DESIGN.md): tests, links and users rely on them."""

from allauth.account import views as allauth_views
from django.contrib import admin
from django.urls import include, path, re_path

from apps.core import views as core_views
from apps.core.sitemaps import CoreSitemap
from apps.events.sitemaps import EventSitemap
from apps.faq.sitemaps import FaqSitemap, PageSitemap
from apps.library.sitemaps import PublicationSitemap
from apps.partners.sitemaps import PartnerSitemap

admin.site.site_header = "NMT Portal administration"
admin.site.site_title = "NMT Portal admin"
admin.site.index_title = "Neurosequential Model of Therapeutics: staff"

# /sitemap.xml is the index of these sections, each at /sitemap-<section>.xml (paginated by ?p=).
SITEMAPS = {
    "pages": CoreSitemap,
    "faq": FaqSitemap,
    "information": PageSitemap,
    "events": EventSitemap,
    "library": PublicationSitemap,
    "partners": PartnerSitemap,
}

urlpatterns = [
    path("admin/", admin.site.urls),
    path("robots.txt", core_views.robots, name="robots"),
    path("sitemap.xml", core_views.sitemap_index, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("sitemap-<slug:section>.xml", core_views.sitemap_section, {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path("", include("apps.core.urls")),
    path("", include("apps.faq.urls")),
    path("", include("apps.inquiries.urls")),
    # Before certifications: /verify/credential/ is not a certificate number.
    path("", include("apps.credentials.urls")),
    path("", include("apps.credentials.keys_urls")),
    path("", include("apps.credentials.badge_urls")),
    path("", include("apps.certifications.urls")),
    path("", include("apps.events.urls")),
    path("", include("apps.learning.urls")),
    path("", include("apps.library.urls")),
    path("", include("apps.partners.urls")),
    path("", include("apps.accounts.urls")),
    # Sign-in by email code (django-allauth). /accounts/login/ is the code request itself: people
    # have no password; staff sign in to the admin with theirs. allauth's password pages are not served.
    path("accounts/login/", allauth_views.request_login_code, name="account_login"),
    re_path(r"^accounts/password/", core_views.not_found),
    path("accounts/", include("allauth.urls")),
]

handler400 = "apps.core.views.bad_request"
handler403 = "apps.core.views.permission_denied"
handler404 = "apps.core.views.page_not_found"
handler500 = "apps.core.views.server_error"
