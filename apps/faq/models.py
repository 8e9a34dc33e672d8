"""FAQ categories and questions, and the information pages, all written by staff in Markdown."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db import connection, models
from django.urls import reverse

from apps.core.markdown import render_markdown
from apps.core.models import TimeStampedModel
from apps.core.page_cache import content_cached
from apps.core.search import SearchDocumentManager


class Category(TimeStampedModel):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True, help_text="Used in the page's anchors.")
    order = models.PositiveIntegerField(default=0, help_text="Lower numbers come first.")

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name


class QuestionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def published_in_order(self):
        """Published questions in the FAQ's order: by category, then within it, with the category."""
        return (
            self.published()
            .select_related("category")
            .order_by("category__order", "category__name", "category_id", "order", "pk")
        )

    def search(self, query):
        """Questions matching `query`, best first: PostgreSQL full-text search over the stored
        `document` (its GIN index finds the rows, its weights rank them), or a plain substring
        match on other databases (the SQLite of `make run`)."""
        query = query.strip()
        if not query:
            return self.none()
        if connection.vendor == "postgresql":
            search_query = SearchQuery(query, search_type="websearch", config="english")
            return (
                self.filter(document=search_query)
                .annotate(rank=SearchRank(models.F("document"), search_query))
                .order_by("-rank", "category__order", "order", "pk")
            )
        terms = query.split()
        matches = models.Q()
        for term in terms:
            matches &= models.Q(question__icontains=term) | models.Q(answer__icontains=term)
        return self.filter(matches)


class Question(TimeStampedModel):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="questions")
    question = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=120, unique=True, help_text="The question's #anchor on the FAQ page; keep it stable once shared."
    )
    answer = models.TextField(help_text="Markdown. Links, lists, emphasis and tables are kept; scripts never.")
    answer_html = models.TextField(editable=False, blank=True)
    order = models.PositiveIntegerField(default=0, help_text="Lower numbers come first within the category.")
    is_published = models.BooleanField("published", default=True)
    # Kept by PostgreSQL itself on every write: the question weighs most. On SQLite the column is
    # empty (nmt_portal/sqlite) and `search` matches substrings instead.
    document = models.GeneratedField(
        expression=SearchVector("question", weight="A", config="english")
        + SearchVector("answer", weight="B", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = SearchDocumentManager.from_queryset(QuestionQuerySet)()

    class Meta:
        ordering = ["category__order", "order", "pk"]
        indexes = [
            models.Index(fields=["is_published", "order"], name="faq_question_published_idx"),
            GinIndex(fields=["document"], name="faq_question_document_idx"),
        ]

    def __str__(self):
        return self.question

    def save(self, *args, **kwargs):
        self.answer_html = render_markdown(self.answer)
        if kwargs.get("update_fields") is not None and "answer" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "answer_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """Its anchor on the FAQ page that holds it (the first, unless the FAQ is very long)."""
        page = faq_pages().get(self.pk, 1)
        return f"{reverse('faq:list')}{f'?page={page}' if page > 1 else ''}#{self.slug}"


class PageQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Page(TimeStampedModel):
    """An information page at /pages/<slug>/: about the NMT, the evidence base, certification."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True, help_text="The page's address: /pages/<slug>/.")
    summary = models.CharField(max_length=300, blank=True, help_text="One sentence for listings and search engines.")
    body = models.TextField(
        help_text="Markdown. Each “## ” heading starts a section and a line of the page's “On this page” list."
    )
    body_html = models.TextField(editable=False, blank=True)
    order = models.PositiveIntegerField(default=0)
    is_published = models.BooleanField("published", default=True)
    photo = models.ForeignKey(
        "core.Photo",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="A photograph shown under the page's summary (Site › Photographs).",
    )
    related_pages = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="+",
        help_text="Pages listed beside this one under “Related pages” (in the pages’ own order).",
    )
    needs_review = models.BooleanField(
        "needs completing",
        default=False,
        help_text="Starter text that staff still have to complete. Not shown to visitors.",
    )

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        if kwargs.get("update_fields") is not None and "body" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("faq:page", kwargs={"slug": self.slug})


# A page of the FAQ holds this many questions, grouped by category: a site's FAQ is one page; a very
# long one is split, so that no page grows with the number of questions.
FAQ_PAGE_SIZE = 50
# Search results, best first: a common word matches hundreds of answers in a large FAQ.
FAQ_SEARCH_PAGE_SIZE = 20


def faq_pages():
    """{question pk: its page of the FAQ} for the published questions, kept under the content version."""

    def pages():
        keys = Question.objects.published_in_order().values_list("pk", flat=True)
        return {pk: position // FAQ_PAGE_SIZE + 1 for position, pk in enumerate(keys)}

    return content_cached("faq:pages", pages, 3600)
