import pytest

from tests.factories import make_category, make_page, make_question
from tests.html import elements

pytestmark = pytest.mark.django_db


def test_faq_groups_published_questions_by_category_in_order(client):
    later = make_category(name="Later", slug="later", order=2)
    first = make_category(name="First", slug="first", order=1)
    make_question(category=later, question="L1?", slug="l1", order=1)
    make_question(category=first, question="F2?", slug="f2", order=2)
    make_question(category=first, question="F1?", slug="f1", order=1)
    make_question(category=first, question="Hidden?", slug="hidden", is_published=False)
    make_category(name="Empty", slug="empty", order=3)

    response = client.get("/faq/")

    categories = response.context["categories"]
    assert [c.name for c in categories] == ["First", "Later"]
    assert [[q.question for q in c.published_questions] for c in categories] == [["F1?", "F2?"], ["L1?"]]
    assert "Hidden?" not in response.content.decode()


def test_each_question_has_a_deep_link_anchor(client):
    make_question(question="What is the NMT?", slug="what-is-the-nmt", answer="An approach.")

    html = client.get("/faq/").content.decode()

    assert '<article class="faq-question" id="what-is-the-nmt"' in html
    assert '<a class="anchor-link" href="#what-is-the-nmt" aria-label="Link to this question">#</a>' in html


def test_search_finds_evidence_based_under_its_question(client, starter_content):
    response = client.get("/faq/", {"q": "evidence-based"})

    assert [q.question for q in response.context["results"]] == ["Is the NMT an Evidence-based Practice?"]
    assert "1 answer for “evidence-based”" in response.content.decode()


def test_search_ranks_question_matches_first(client):
    make_question(question="Where do trainings happen?", slug="a", answer="Online, every quarter.")
    make_question(question="Is there a book?", slug="b", answer="Yes, and trainings help too.")

    results = client.get("/faq/", {"q": "trainings"}).context["results"]

    assert [q.slug for q in results] == ["a", "b"]


def test_search_without_matches_says_so(client, starter_content):
    response = client.get("/faq/", {"q": "xylophone"})

    assert response.context["results"] == []
    assert "No answers for “xylophone”" in response.content.decode()


def test_search_never_shows_unpublished_questions(client):
    make_question(question="Secret draft?", slug="draft", answer="Draft about evidence.", is_published=False)

    assert client.get("/faq/", {"q": "evidence"}).context["results"] == []


def test_search_query_is_escaped(client):
    html = client.get("/faq/", {"q": "<script>alert(1)</script>"}).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("questions", [5, 60])
def test_faq_query_count_does_not_grow_with_questions(client, django_assert_max_num_queries, questions):
    categories = [make_category() for _ in range(3)]
    for i in range(questions):
        make_question(category=categories[i % 3])
    client.get("/")  # warm the cached site settings

    with django_assert_max_num_queries(2):
        response = client.get("/faq/")

    # A page holds at most FAQ_PAGE_SIZE (50) questions, whatever the number of questions.
    assert sum(len(c.published_questions) for c in response.context["categories"]) == min(questions, 50)
    assert response.context["page_obj"].paginator.count == questions


def test_answers_are_sanitised_on_the_page(client):
    make_question(slug="x", answer='Hi <script>alert("x")</script><b onclick="evil()">there</b>')

    html = client.get("/faq/").content.decode()

    assert "alert(" not in html and "onclick" not in html
    assert "<p>Hi there</p>" in html


def test_information_page_renders_markdown(client):
    make_page(slug="about", title="About the NMT", summary="Short.", body="## Components\n\nThree of them.")

    response = client.get("/pages/about/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 id="page-title">About the NMT</h1>' in html
    assert '<h2 id="section-components">Components</h2>\n<p>Three of them.</p>' in html


def test_unpublished_page_is_not_found(client):
    make_page(slug="draft", is_published=False)

    assert client.get("/pages/draft/").status_code == 404


def test_starter_pages_all_render(client, starter_content):
    for slug in [
        "about",
        "evidence-base",
        "individual-certification",
        "site-certification",
        "site-certification-faqs",
        "nme",
    ]:
        response = client.get(f"/pages/{slug}/")
        assert response.status_code == 200, slug
        assert '<h1 id="page-title">' in response.content.decode()


def test_a_long_faq_is_split_into_pages_of_whole_questions_in_order(client, monkeypatch):
    monkeypatch.setattr("apps.faq.models.FAQ_PAGE_SIZE", 3)
    monkeypatch.setattr("apps.faq.views.FAQ_PAGE_SIZE", 3)
    first, second = make_category(name="First", order=1), make_category(name="Second", order=2)
    questions = [make_question(category=first, order=n, question=f"First {n}?") for n in range(2)]
    questions += [make_question(category=second, order=n, question=f"Second {n}?") for n in range(3)]

    def shown(response):
        return [(c.name, [q.question for q in c.published_questions]) for c in response.context["categories"]]

    page_one, page_two = client.get("/faq/"), client.get("/faq/", {"page": "2"})

    assert shown(page_one) == [("First", ["First 0?", "First 1?"]), ("Second", ["Second 0?"])]
    assert shown(page_two) == [("Second", ["Second 1?", "Second 2?"])]
    assert elements(page_one.content.decode(), "a", class_="page-link", href="?page=2") != []
    assert [q.get_absolute_url() for q in (questions[0], questions[4])] == [
        f"/faq/#{questions[0].slug}",
        f"/faq/?page=2#{questions[4].slug}",
    ]
    assert client.get("/faq/", {"page": "99"}).context["page_obj"].number == 2


def test_search_results_come_best_first_in_pages_that_keep_the_search(client, monkeypatch):
    monkeypatch.setattr("apps.faq.views.FAQ_SEARCH_PAGE_SIZE", 2)
    category = make_category(name="Training")
    make_question(category=category, order=1, question="Where is the training held?", answer="Online.")
    make_question(category=category, order=2, question="Who can attend?", answer="Anyone after training.")
    make_question(category=category, order=3, question="What does it cost?", answer="See training fees.")
    make_question(category=category, order=4, question="Is there parking?", answer="Yes.")

    first, second = client.get("/faq/", {"q": "training"}), client.get("/faq/", {"q": "training", "page": "2"})

    # The question's own words weigh most, then the order within the category.
    assert [q.question for q in first.context["results"]] == ["Where is the training held?", "Who can attend?"]
    assert [q.question for q in second.context["results"]] == ["What does it cost?"]
    assert "3 answers for “training”" in first.content.decode()
    assert elements(first.content.decode(), "a", class_="page-link", href="?q=training&page=2") != []
    assert elements(second.content.decode(), "a", class_="page-link", href="?q=training&page=1") != []
