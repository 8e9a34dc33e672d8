"""Published trainings that are not over yet, for /sitemap.xml."""

from apps.core.sitemaps import ModelSitemap

from .models import Event


class EventSitemap(ModelSitemap):
    def queryset(self):
        return Event.objects.published().upcoming()
