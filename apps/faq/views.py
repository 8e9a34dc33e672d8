from itertools import groupby

from django.db.models import Prefetch
from django.views.generic import DetailView, TemplateView

from apps.core.page_cache import public_page
from apps.core.pagination import CachedCountPaginator, IndexedPaginator

from .contents import page_sections
from .models import FAQ_PAGE_SIZE, FAQ_SEARCH_PAGE_SIZE, Page, Question


@public_page(query=["page"], search="q")
class FaqView(TemplateView):
    """The published questions grouped by category, FAQ_PAGE_SIZE to a page, or the search
    results for `?q=`, best first, FAQ_SEARCH_PAGE_SIZE to a page."""

    template_name = "faq/question_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # PostgreSQL refuses NUL characters in a query; nobody types them, so they go.
        query = self.request.GET.get("q", "").replace("\x00", "").strip()[:200]
        context["query"] = query
        if query:
            results = Question.objects.published().search(query).select_related("category")
            page = IndexedPaginator(results, FAQ_SEARCH_PAGE_SIZE).get_page(self.request.GET.get("page"))
            context.update(results=list(page.object_list), page_obj=page)
        else:
            page = CachedCountPaginator(Question.objects.published_in_order(), FAQ_PAGE_SIZE).get_page(
                self.request.GET.get("page")
            )
            categories = []
            for _, questions in groupby(page.object_list, key=lambda question: question.category_id):
                questions = list(questions)
                category = questions[0].category
                category.published_questions = questions
                categories.append(category)
            context.update(categories=categories, page_obj=page)
        return context


@public_page()
class PageView(DetailView):
    template_name = "faq/page_detail.html"
    context_object_name = "page"

    def get_queryset(self):
        related = Page.objects.published().only("title", "slug", "summary", "order")
        pages = Page.objects.published().select_related("photo")
        return pages.prefetch_related(Prefetch("related_pages", queryset=related))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["body_html"], context["sections"] = page_sections(self.object.body_html)
        context["related_pages"] = list(self.object.related_pages.all())
        return context
