from django.contrib import admin
from django.db import transaction
from django.db.models import Count
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from apps.core.admin_lists import ChangeListRowsMixin

from .forms import PublicationAdminForm
from .models import Publication, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "publication_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(publication_count=Count("publications"))

    @admin.display(description="publications", ordering="publication_count")
    def publication_count(self, obj):
        return obj.publication_count


@admin.register(Publication)
class PublicationAdmin(ChangeListRowsMixin, admin.ModelAdmin):
    form = PublicationAdminForm
    list_display = ["title", "authors", "year", "kind", "source", "has_pdf", "is_published", "updated_at"]
    list_filter = ["is_published", "kind", "topics", "year"]
    search_fields = ["title", "authors", "source", "abstract", "doi"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["topics"]
    date_hierarchy = "updated_at"
    readonly_fields = ["pdf_size", "preview", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "authors", "year", "kind", "source", "is_published"]}),
        ("About it", {"fields": ["abstract", "preview", "topics"]}),
        ("Where to find it", {"fields": ["url", "doi", "pdf", "pdf_size"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    @admin.display(boolean=True, description="PDF")
    def has_pdf(self, obj):
        return bool(obj.pdf)

    @admin.display(description="rendered abstract")
    def preview(self, obj):
        # abstract_html was sanitised with nh3 when the publication was saved.
        return format_html("<div>{}</div>", mark_safe(obj.abstract_html)) if obj.pk else ""  # noqa: S308

    def save_model(self, request, obj, form, change):
        old_name = form.initial.get("pdf").name if change and form.initial.get("pdf") else None
        super().save_model(request, obj, form, change)
        if old_name and "pdf" in form.changed_data and obj.pdf.name != old_name:
            # A replaced or cleared PDF leaves storage once the new state is committed.
            storage = obj.pdf.storage
            transaction.on_commit(lambda: storage.delete(old_name))
