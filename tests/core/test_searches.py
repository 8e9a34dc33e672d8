"""Every public text search reads its index: a stored search document (FAQ, library) or trigram
indexes (registry, partners). Their query counts do not grow with the data, an edit is found at
once (PostgreSQL keeps the document), and no query computes a text vector over the rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.faq.models import Question
from apps.library.models import Publication
from tests.factories import make_application, make_certificate, make_partner, make_publication, make_question

pytestmark = pytest.mark.django_db


def _certified(name, city="Houston"):
    application = make_application(status="approved", full_name=name, list_in_registry=True, city=city)
    return make_certificate(application=application)


def _seed(size):
    for n in range(size):
        make_question(question=f"How long does training number {n} take?")
        make_publication(title=f"Regulation and the brain, part {n}")
        _certified(f"Amara Okafor {n}")
        make_partner(name=f"Okafor Family Centre {n}", city="Lagos")


# (URL, query string, most queries, matches shown at the larger size)
SEARCHES = [
    ("/faq/", {"q": "training"}, 2, 20),
    ("/library/", {"q": "regulation"}, 5, 20),
    ("/registry/", {"q": "okafor"}, 5, 25),
    ("/partners/", {"q": "okafor lagos"}, 3, 24),
]


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize(("url", "query", "most", "page_size"), SEARCHES)
def test_a_search_costs_the_same_queries_at_any_size(
    client, django_assert_max_num_queries, url, query, most, page_size, size
):
    _seed(size)
    client.get("/")  # the footer's settings, cached for every page

    with django_assert_max_num_queries(most) as captured:
        response = client.get(url, query)

    assert response.status_code == 200
    assert "to_tsvector" not in " ".join(entry["sql"] for entry in captured.captured_queries)
    shown = {
        "/faq/": lambda: len(response.context["results"]),
        "/library/": lambda: len(response.context["publications"]),
        "/registry/": lambda: len(response.context["certificates"]),
        "/partners/": lambda: len(response.context["partners"]),
    }[url]()
    assert shown == (size if page_size is None else min(size, page_size))


def test_the_faq_search_reads_the_stored_document_ranked_question_first(client):
    in_answer = make_question(question="What does it cost?", answer="The training fee is listed per program.")
    in_question = make_question(question="Where is the training held?", answer="Online and in person.")

    response = client.get("/faq/", {"q": "training"})

    assert [question.pk for question in response.context["results"]] == [in_question.pk, in_answer.pk]


def test_an_edited_question_is_found_by_its_new_words_at_once(client):
    question = make_question(question="Who may apply?", answer="Clinicians.")
    question.answer = "Clinicians and caseworkers."
    question.save()

    assert list(Question.objects.search("caseworkers")) == [question]
    assert list(Question.objects.search("clinicians caseworkers")) == [question]


def test_the_library_search_finds_authors_without_stemming_and_titles_with_it(client):
    perry = make_publication(title="Born for love", authors="Bruce D. Perry")
    regulating = make_publication(title="Regulating the stress response", authors="Someone Else")

    assert list(Publication.objects.search("perry")) == [perry]
    assert list(Publication.objects.search("regulation")) == [regulating]


def test_the_stored_documents_use_gin_indexes():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN %s ORDER BY indexname",
            [("faq_question_document_idx", "publication_document_idx", "certificate_holder_name_trgm")],
        )
        definitions = dict(cursor.fetchall())

    assert sorted(definitions) == [
        "certificate_holder_name_trgm",
        "faq_question_document_idx",
        "publication_document_idx",
    ]
    assert all(" USING gin " in definition for definition in definitions.values())


def test_the_registry_search_is_planned_on_its_trigram_index():
    for n in range(3):
        _certified(f"Amara Okafor {n}")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: ask whether the index serves
        with CaptureQueriesContext(connection):
            cursor.execute(
                "EXPLAIN SELECT id FROM certifications_certificate WHERE UPPER(holder_name::text) LIKE UPPER(%s)",
                ["%okafor%"],
            )
            plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "certificate_holder_name_trgm" in plan


def test_one_library_search_may_mix_an_author_and_words_of_the_title(client):
    wanted = make_publication(title="Regulation of the stress response", authors="Bruce D. Perry")
    make_publication(title="Regulation in classrooms", authors="Someone Else")

    assert list(Publication.objects.search("perry regulation")) == [wanted]
