"""The FAQ's pages and the information pages, for /sitemap.xml."""

import math

from django.urls import reverse

from apps.core.sitemaps import ModelSitemap, SiteSitemap

from .models import FAQ_PAGE_SIZE, Page, Question


class FaqSitemap(SiteSitemap):
    """/faq/ and each of its further pages, as the FAQ paginates its published questions."""

    def items(self):
        pages = math.ceil(Question.objects.published().count() / FAQ_PAGE_SIZE)
        return list(range(1, max(pages, 1) + 1))

    def location(self, page):
        return reverse("faq:list") + (f"?page={page}" if page > 1 else "")


class PageSitemap(ModelSitemap):
    def queryset(self):
        return Page.objects.published().order_by("pk")
