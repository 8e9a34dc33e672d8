from django.db.models import Prefetch
from django.views.generic import DetailView, TemplateView

from apps.core.page_cache import public_page

from .models import Category, Page, Question


@public_page(search="q")
class FaqView(TemplateView):
    """All published questions grouped by category, or the search results for `?q=`."""

    template_name = "faq/question_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # PostgreSQL refuses NUL characters in a query; nobody types them, so they go.
        query = self.request.GET.get("q", "").replace("\x00", "").strip()[:200]
        context["query"] = query
        if query:
            context["results"] = list(Question.objects.published().search(query).select_related("category"))
        else:
            published = Question.objects.published().order_by("order", "pk")
            context["categories"] = [
                category
                for category in Category.objects.prefetch_related(
                    Prefetch("questions", queryset=published, to_attr="published_questions")
                )
                if category.published_questions
            ]
        return context


@public_page()
class PageView(DetailView):
    template_name = "faq/page_detail.html"
    context_object_name = "page"

    def get_queryset(self):
        return Page.objects.published()
