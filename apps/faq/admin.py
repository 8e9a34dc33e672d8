from django.contrib import admin
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from apps.core.admin_lists import ChangeListRowsMixin

from .models import Category, Page, Question


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ["question", "slug", "order", "is_published"]
    extra = 0
    show_change_link = True


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "question_count"]
    list_editable = ["order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [QuestionInline]

    @admin.display(description="questions")
    def question_count(self, obj):
        return obj.questions.count()


@admin.register(Question)
class QuestionAdmin(ChangeListRowsMixin, admin.ModelAdmin):
    list_display = ["question", "category", "order", "is_published", "updated_at", "view_on_site_link"]
    list_filter = ["is_published", "category"]
    list_editable = ["order", "is_published"]
    list_select_related = ["category"]
    search_fields = ["question", "answer", "slug"]
    prepopulated_fields = {"slug": ["question"]}
    date_hierarchy = "updated_at"
    fields = ["category", "question", "slug", "answer", "order", "is_published"]
    readonly_fields = ["preview"]

    def get_fields(self, request, obj=None):
        return [*self.fields, "preview"] if obj else self.fields

    @admin.display(description="rendered answer")
    def preview(self, obj):
        # answer_html was sanitised with nh3 when the question was saved.
        return format_html("<div>{}</div>", mark_safe(obj.answer_html)) if obj.pk else ""  # noqa: S308

    @admin.display(description="on site")
    def view_on_site_link(self, obj):
        return format_html('<a href="{}">#{}</a>', obj.get_absolute_url(), obj.slug)


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "is_published", "needs_review", "order", "updated_at"]
    list_filter = ["is_published", "needs_review"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "updated_at"
    fields = ["title", "slug", "summary", "photo", "body", "related_pages", "order", "is_published", "needs_review"]
    autocomplete_fields = ["photo", "related_pages"]
