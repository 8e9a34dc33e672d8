"""The publications library: articles, chapters, books, booklets and videos about the NMT."""

import html
import re
import uuid

import nh3
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils.text import Truncator

from apps.core.links import row_url
from apps.core.markdown import render_markdown
from apps.core.models import TimeStampedModel
from apps.core.search import SearchDocumentManager

DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")
DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:")


def normalise_doi(value):
    """A DOI as stored: "10.1080/15325020903004350", whether typed bare, as doi: or as a doi.org link."""
    value = (value or "").strip()
    for prefix in DOI_PREFIXES:
        if value.lower().startswith(prefix):
            value = value[len(prefix) :].strip()
    return value


def validate_doi(value):
    if value and not DOI_PATTERN.match(value):
        raise ValidationError(
            "“%(value)s” is not a DOI. A DOI looks like 10.1080/15325020903004350.",
            code="invalid_doi",
            params={"value": value},
        )


def pdf_upload_to(instance, filename):
    # The stored name never derives from the uploaded one: no traversal, no collisions, no leaks.
    return f"library/{uuid.uuid4().hex}.pdf"


class Topic(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(
        max_length=80, unique=True, help_text="Used in links that filter the library by this topic."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class PublicationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def search(self, query):
        """Publications matching `query`, best first: PostgreSQL full-text search with ranking
        (title and authors weigh most), or a substring match on other databases (`make run`)."""
        query = query.strip()
        if not query:
            return self.none()
        if connection.vendor == "postgresql":
            search_query = SearchQuery(query, search_type="websearch", config="english") | SearchQuery(
                query, search_type="websearch", config="simple"
            )
            return (
                self.filter(document=search_query)
                .annotate(rank=SearchRank(models.F("document"), search_query))
                .order_by("-rank", "-year", "title")
            )
        matches = models.Q()
        for term in query.split():
            matches &= (
                models.Q(title__icontains=term)
                | models.Q(authors__icontains=term)
                | models.Q(abstract__icontains=term)
                | models.Q(source__icontains=term)
            )
        return self.filter(matches)


EXCERPT_WORDS = 40


def excerpt(abstract_html):
    """The first EXCERPT_WORDS words of an abstract's HTML, as plain text (what the list shows)."""
    text = html.unescape(nh3.clean(abstract_html, tags=set())).strip()
    return Truncator(text).words(EXCERPT_WORDS, truncate=" …")


class Publication(TimeStampedModel):
    class Kind(models.TextChoices):
        ARTICLE = "article", "Article"
        CHAPTER = "chapter", "Chapter"
        BOOK = "book", "Book"
        BOOKLET = "booklet", "Booklet"
        VIDEO = "video", "Video"

    title = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=120, unique=True, help_text="The page's address, /library/this-slug/. Keep it stable once shared."
    )
    authors = models.CharField(max_length=300, help_text="As cited, e.g. “Bruce D. Perry and Maia Szalavitz”.")
    year = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Year of publication; empty if unknown.")
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.ARTICLE)
    source = models.CharField(
        "journal or publisher",
        max_length=300,
        blank=True,
        help_text="The journal with volume and pages, or the publisher, e.g. “Basic Books”.",
    )
    abstract = models.TextField(blank=True, help_text="Markdown. Links, lists and emphasis are kept; scripts never.")
    abstract_html = models.TextField(editable=False, blank=True)
    # The first words of the abstract as plain text, for the list: written with the HTML on save, so
    # a page of twenty publications does not clean and cut twenty abstracts at each request.
    excerpt = models.TextField(editable=False, blank=True)
    topics = models.ManyToManyField(Topic, related_name="publications", blank=True)
    url = models.URLField("external link", max_length=500, blank=True, help_text="Where to read or buy it.")
    doi = models.CharField(
        "DOI",
        max_length=200,
        blank=True,
        validators=[validate_doi],
        help_text="Such as 10.1080/15325020903004350; linked through https://doi.org/.",
    )
    pdf = models.FileField(
        "PDF",
        upload_to=pdf_upload_to,
        max_length=200,
        blank=True,
        help_text="Optional; up to 10 MB. Offered for download to everyone.",
    )
    pdf_size = models.PositiveIntegerField(null=True, blank=True, editable=False)
    is_published = models.BooleanField("published", default=True)
    # Kept by PostgreSQL on every write: title and authors weigh most, then the abstract, then the
    # source. Names go in unstemmed ("simple") and stemmed too, so that one search may mix an author
    # with words of the title ("perry regulation"). Empty on SQLite (nmt_portal/sqlite).
    document = models.GeneratedField(
        expression=SearchVector("title", weight="A", config="english")
        + SearchVector("authors", weight="A", config="simple")
        + SearchVector("authors", weight="A", config="english")
        + SearchVector("abstract", weight="B", config="english")
        + SearchVector("source", weight="C", config="simple"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = SearchDocumentManager.from_queryset(PublicationQuerySet)()

    class Meta:
        ordering = ["-year", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["article", "chapter", "book", "booklet", "video"]),
                name="publication_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(year__isnull=True) | models.Q(year__gte=1800, year__lte=2200),
                name="publication_year_plausible",
                violation_error_message="Give a year between 1800 and 2200, or leave it empty.",
            ),
        ]
        indexes = [
            models.Index(fields=["is_published", "kind", "year"], name="publication_filter_idx"),
            GinIndex(fields=["document"], name="publication_document_idx"),
        ]

    def __str__(self):
        return f"{self.title} ({self.year})" if self.year else self.title

    def save(self, *args, **kwargs):
        self.doi = normalise_doi(self.doi)
        self.abstract_html = render_markdown(self.abstract)
        self.excerpt = excerpt(self.abstract_html)
        if kwargs.get("update_fields") is not None and "abstract" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "abstract_html", "excerpt"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return row_url("library:detail", slug=self.slug)

    @property
    def doi_url(self):
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pdf_url(self):
        return row_url("library:pdf", slug=self.slug) if self.pdf else ""
