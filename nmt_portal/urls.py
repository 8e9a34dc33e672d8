"""Root URLs. Public paths are a contract (DESIGN.md): tests, links and users rely on them."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "NMT Portal administration"
admin.site.site_title = "NMT Portal admin"
admin.site.index_title = "Neurosequential Model of Therapeutics: staff"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("apps.core.urls")),
    path("", include("apps.faq.urls")),
    path("", include("apps.inquiries.urls")),
    path("", include("apps.certifications.urls")),
    path("", include("apps.events.urls")),
    path("", include("apps.library.urls")),
    path("", include("apps.partners.urls")),
]

handler400 = "apps.core.views.bad_request"
handler403 = "apps.core.views.permission_denied"
handler404 = "apps.core.views.page_not_found"
handler500 = "apps.core.views.server_error"
