"""A URLconf where the partner pages live elsewhere (tests/core/test_links.py)."""

from django.http import HttpResponse
from django.urls import include, path


def page(request, slug):
    return HttpResponse(slug)


partners = ([path("<slug:slug>/", page, name="detail")], "partners")
urlpatterns = [path("elsewhere/", include(partners))]
