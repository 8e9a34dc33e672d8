import pytest

from apps.library.models import Publication
from tests.factories import make_publication, make_topic
from tests.html import elements, text_of

pytestmark = pytest.mark.django_db

Kind = Publication.Kind


def _titles(response):
    return [p.title for p in response.context["publications"]]


def test_library_lists_published_publications_newest_first(client):
    make_publication(title="Older", year=2001)
    make_publication(title="Newer", year=2019)
    make_publication(title="Draft", year=2020, is_published=False)

    response = client.get("/library/")

    assert response.status_code == 200
    assert _titles(response) == ["Newer", "Older"]
    assert text_of(response.content.decode(), "h2", id="results-heading") == "2 publications"


def test_search_ranks_title_matches_first_and_finds_authors(client):
    make_publication(title="Sequencing interventions", abstract="About therapy.", authors="A. Author", year=2001)
    make_publication(title="Another study", abstract="It touches on sequencing too.", authors="B. Writer", year=2020)
    make_publication(title="Unrelated", abstract="Nothing here.", authors="Maia Szalavitz", year=2010)

    by_topic = client.get("/library/", {"q": "sequencing"})
    by_author = client.get("/library/", {"q": "Szalavitz"})

    assert _titles(by_topic) == ["Sequencing interventions", "Another study"]
    assert _titles(by_author) == ["Unrelated"]
    assert text_of(by_topic.content.decode(), "h2", id="results-heading") == "2 publications for “sequencing”"


def test_search_never_shows_unpublished_publications(client):
    make_publication(title="Secret draft about trauma", is_published=False)

    response = client.get("/library/", {"q": "trauma"})

    assert _titles(response) == []
    assert "No publications match." in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "book"}, ["Book 2015"]),
        ({"topic": "trauma"}, ["Article 2019", "Book 2015"]),
        ({"year": "2019"}, ["Article 2019", "Video 2019"]),
        ({"kind": "article", "topic": "trauma", "year": "2019"}, ["Article 2019"]),
        ({"q": "brain", "kind": "video"}, ["Video 2019"]),
    ],
)
def test_filters_by_kind_topic_and_year_combine(client, params, expected):
    trauma = make_topic(name="Trauma", slug="trauma")
    make_publication(title="Article 2019", kind=Kind.ARTICLE, year=2019, topics=[trauma], abstract="The brain.")
    make_publication(title="Book 2015", kind=Kind.BOOK, year=2015, topics=[trauma])
    make_publication(title="Video 2019", kind=Kind.VIDEO, year=2019, abstract="The developing brain.")

    assert _titles(client.get("/library/", params)) == expected


@pytest.mark.parametrize("params", [{"kind": "poem"}, {"topic": "no-such-topic"}, {"year": "abc"}, {"year": "1066"}])
def test_unknown_filter_values_are_ignored_not_an_error(client, params):
    make_publication(title="Only one")

    response = client.get("/library/", params)

    assert response.status_code == 200
    assert _titles(response) == ["Only one"]
    assert response.context["filters"] == {}


def test_filter_form_has_labels_and_keeps_the_choices(client):
    topic = make_topic(name="Neurodevelopment", slug="neurodevelopment")
    make_publication(year=2007, topics=[topic])

    html = client.get("/library/", {"topic": "neurodevelopment", "year": "2007"}).content.decode()

    assert {attrs["for"]: text for _, attrs, text in elements(html, "label")} == {
        "id_q": "Search the library",
        "id_kind": "Kind",
        "id_topic": "Topic",
        "id_year": "Year",
    }
    selected = [text for _, attrs, text in elements(html, "option") if "selected" in attrs]
    assert selected == ["All kinds", "Neurodevelopment", "2007"]


def test_library_is_paginated_and_keeps_the_filters_in_page_links(client):
    for n in range(23):
        make_publication(title=f"Book {n:02d}", kind=Kind.BOOK, year=2000)
    make_publication(title="An article", kind=Kind.ARTICLE, year=2000)

    first = client.get("/library/", {"kind": "book"})
    second = client.get("/library/", {"kind": "book", "page": "2"})

    assert (len(_titles(first)), len(_titles(second))) == (20, 3)
    assert elements(first.content.decode(), "a", class_="page-link", href="?kind=book&page=2") != []
    assert client.get("/library/", {"page": "999"}).status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_library_query_count_does_not_grow_with_publications(client, django_assert_max_num_queries, count):
    topics = [make_topic() for _ in range(3)]
    for n in range(count):
        make_publication(topics=topics[: n % 3 + 1])
    client.get("/")

    with django_assert_max_num_queries(5):
        response = client.get("/library/")

    assert len(_titles(response)) == min(count, 20)


def test_publication_shows_citation_doi_link_and_topics(client):
    topic = make_topic(name="Trauma", slug="trauma")
    publication = make_publication(
        title="Examining child maltreatment",
        authors="Bruce D. Perry",
        year=2009,
        source="Journal of Loss and Trauma, 14(4), 240–255",
        doi="10.1080/15325020903004350",
        url="https://example.org/article",
        topics=[topic],
    )

    list_html = client.get("/library/").content.decode()
    detail_html = client.get(f"/library/{publication.slug}/").content.decode()

    for html in (list_html, detail_html):
        assert elements(html, "a", href="https://doi.org/10.1080/15325020903004350")[0][2] == (
            "DOI: 10.1080/15325020903004350"
        )
        assert text_of(html, "p", class_="publication-meta mb-1") == (
            "Bruce D. Perry (2009). Journal of Loss and Trauma, 14(4), 240–255. Article."
        )
    assert elements(detail_html, "a", class_="badge text-bg-light", href="/library/?topic=trauma")[0][2] == "Trauma"
    assert text_of(detail_html, "h1") == "Examining child maltreatment"


def test_abstract_is_sanitised(client):
    publication = make_publication(abstract='Read <script>alert("x")</script><a href="javascript:evil()">this</a>.')

    html = client.get(f"/library/{publication.slug}/").content.decode()

    assert "alert(" not in html and "javascript:" not in html
    assert '<p>Read <a rel="noopener noreferrer">this</a>.</p>' in html


def test_the_list_shows_the_first_forty_words_of_the_abstract_as_plain_text(client):
    words = [f"word{number}" for number in range(50)]
    publication = make_publication(abstract=f"**Bold** {' '.join(words)} & <em>more</em>.")

    html = client.get("/library/").content.decode()

    expected = f"Bold {' '.join(words[:39])} …"
    assert publication.excerpt == expected
    assert text_of(html, "p", class_="mb-1") == expected


def test_editing_the_abstract_alone_rewrites_the_excerpt():
    publication = make_publication(abstract="The first version.")

    publication.abstract = "The *second* version."
    publication.save(update_fields=["abstract"])

    publication.refresh_from_db()
    assert publication.abstract_html == "<p>The <em>second</em> version.</p>"
    assert publication.excerpt == "The second version."


def test_unpublished_publication_is_not_found(client):
    publication = make_publication(is_published=False)

    assert client.get(f"/library/{publication.slug}/").status_code == 404


def test_library_nav_item_is_current(client):
    html = client.get("/library/").content.decode()

    [link] = elements(html, "a", class_="nav-link active", href="/library/")
    assert (link[2], link[1]["aria-current"]) == ("Library", "page")
