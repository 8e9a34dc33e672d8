"""Information pages: a summary, sections with an "On this page" list, related pages, and the
expanded starter text with its "To confirm" notes."""

import pytest
from django.core.management import call_command

from apps.faq.contents import Section, page_sections
from apps.faq.info_pages import PAGES, RELATED
from apps.faq.models import Page
from tests.factories import make_page, make_photo
from tests.html import elements, text_of

pytestmark = pytest.mark.django_db

BODY = "\n\n".join(["Intro.", "## What it is", "Text.", "## Who it is *for*", "### A detail", "## What it is", "More."])


def test_sections_get_unique_prefixed_anchors_from_their_headings():
    html, sections = page_sections(
        "<p>x</p><h2>What it is</h2><h2>Who it is <em>for</em></h2><h2>What it is</h2><h2>!</h2>"
    )

    assert sections == [
        Section("section-what-it-is", "What it is"),
        Section("section-who-it-is-for", "Who it is for"),
        Section("section-what-it-is-2", "What it is"),
        Section("section-untitled", "!"),
    ]
    assert html == (
        '<p>x</p><h2 id="section-what-it-is">What it is</h2><h2 id="section-who-it-is-for">Who it is <em>for</em></h2>'
        '<h2 id="section-what-it-is-2">What it is</h2><h2 id="section-untitled">!</h2>'
    )


def test_a_page_lists_its_sections_and_links_each_to_its_heading(client):
    make_page(title="About", slug="about", summary="What the NMT is.", body=BODY)

    html = client.get("/pages/about/").content.decode()

    assert text_of(html, "h1") == "About"
    assert text_of(html, "p", **{"class": "page-summary"}) == "What the NMT is."
    assert text_of(html, "nav", aria_labelledby="contents-heading").startswith("On this page ")
    links = [
        (attrs["href"], text) for _, attrs, text in elements(html, "a") if attrs.get("href", "").startswith("#section")
    ]
    assert links == [
        ("#section-what-it-is", "What it is"),
        ("#section-who-it-is-for", "Who it is for"),
        ("#section-what-it-is-2", "What it is"),
    ]
    assert [attrs["id"] for _, attrs, _ in elements(html, "h2") if attrs.get("id", "").startswith("section-")] == [
        "section-what-it-is",
        "section-who-it-is-for",
        "section-what-it-is-2",
    ]
    assert "<h3>A detail</h3>" in html


def test_a_page_with_one_section_has_no_contents_list(client):
    make_page(slug="short", body="Intro.\n\n## Only part\n\nText.")

    html = client.get("/pages/short/").content.decode()

    assert "On this page" not in html
    assert '<h2 id="section-only-part">Only part</h2>' in html


def test_related_pages_are_listed_in_their_order_and_only_when_published(client):
    page = make_page(slug="about")
    second = make_page(title="Second", slug="second", order=2)
    first = make_page(title="First", slug="first", order=1)
    hidden = make_page(title="Hidden", slug="hidden", order=0, is_published=False)
    page.related_pages.set([second, first, hidden])

    html = client.get("/pages/about/").content.decode()

    assert text_of(html, "h2", id="related-heading") == "Related pages"
    aside = elements(html, "aside", aria_labelledby="related-heading")[0][2]
    assert aside == "Related pages First Second Ask us a question"


def test_a_page_without_related_pages_suggests_where_next(client):
    make_page(slug="alone")

    html = client.get("/pages/alone/").content.decode()

    aside = elements(html, "aside", aria_labelledby="related-heading")[0][2]
    assert aside == "Where next Frequently asked questions Certification programs Upcoming trainings Ask us a question"


def test_a_page_renders_in_the_same_queries_however_many_pages_it_relates(client, django_assert_num_queries, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    page = make_page(slug="about")
    page.related_pages.set([make_page() for _ in range(2)])
    client.get("/pages/about/")  # the site settings, cached until content changes
    with django_assert_num_queries(2):  # the page, then its related pages
        client.get("/pages/about/")
    page.related_pages.set([make_page() for _ in range(12)])
    client.get("/pages/about/")

    with django_assert_num_queries(2):
        response = client.get("/pages/about/")

    assert len(response.context["related_pages"]) == 12


def test_the_starter_pages_are_structured_related_and_marked_for_staff(client, starter_content):
    for slug, title, summary, _order, _body in PAGES:
        page = Page.objects.get(slug=slug)
        html = client.get(f"/pages/{slug}/").content.decode()

        assert text_of(html, "h1") == title
        assert text_of(html, "p", **{"class": "page-summary"}) == summary
        assert page.needs_review is True
        assert len(page_sections(page.body_html)[1]) >= 3
        assert [p.slug for p in page.related_pages.all()] == [
            p.slug for p in Page.objects.filter(slug__in=RELATED[slug])
        ]
    about = client.get("/pages/about/").content.decode()
    assert [text for _, attrs, text in elements(about, "h2") if attrs.get("id", "").startswith("section-")] == [
        "In short",
        "What the NMT is",
        "What it is not",
        "The three key components",
        "Who it is for",
        "Where it is used",
        "Learning more",
    ]
    assert "To confirm by the NMT team:" in about


def test_loading_the_starter_content_again_keeps_staff_choice_of_related_pages(starter_content):
    about = Page.objects.get(slug="about")
    about.related_pages.set([Page.objects.get(slug="nme")])
    Page.objects.get(slug="nme").related_pages.clear()

    call_command("load_starter_content", verbosity=0)

    assert [p.slug for p in about.related_pages.all()] == ["nme"]
    assert list(Page.objects.get(slug="nme").related_pages.all()) == []


def test_a_page_shows_its_photograph_under_the_summary_in_the_same_queries(client, django_assert_num_queries, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    photo = make_photo(size=(1000, 800), alt_text="A therapist and a child building with blocks.", credit="Photo: Jo")
    make_page(slug="about", summary="In short.", photo=photo, body="## One\n\nA.\n\n## Two\n\nB.")
    client.get("/pages/about/")

    with django_assert_num_queries(2):  # the page with its photo, then its related pages
        html = client.get("/pages/about/").content.decode()

    key = photo.image.name.removeprefix("photos/").removesuffix(".png")
    [(_, img, _)] = elements(html, "img", **{"class": "photo-image"})
    assert img["src"] == f"/media/photos/{key}-960.jpg"
    assert img["alt"] == "A therapist and a child building with blocks."
    assert img["loading"] == "eager"
    assert elements(html, "source")[0][1]["sizes"] == "(min-width: 992px) 640px, 100vw"
    assert text_of(html, "figcaption") == "Photo: Jo"
    assert html.index('class="page-summary"') < html.index("<figure") < html.index("On this page")
    assert len(elements(html, "link", rel="stylesheet", href="/static/css/photos.css")) == 1


def test_a_page_without_a_photograph_does_not_load_the_photo_styles(client):
    make_page(slug="plain")

    assert "css/photos.css" not in client.get("/pages/plain/").content.decode()
