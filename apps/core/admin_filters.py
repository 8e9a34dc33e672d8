"""Admin list filters shared by the apps."""

from django.contrib import admin


class WorkQueueFilter(admin.SimpleListFilter):
    """A list filter with a default choice, so a changelist opens on the work queue (open inquiries,
    upcoming events, applications awaiting review) with everything else one click away.

    Subclasses set `title`, `parameter_name`, `default` and `lookups()`, and filter in
    `filter(queryset, value)`, which always receives a value (the default when none is chosen).
    """

    default = None

    def value(self):
        return super().value() or self.default

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        return self.filter(queryset, self.value())

    def filter(self, queryset, value):
        raise NotImplementedError
