import pytest
from django.core.management import call_command

from apps.core.starter import Ledger
from apps.faq.models import Question
from apps.library import sample
from apps.library.models import Publication

pytestmark = pytest.mark.django_db


def test_starter_library_holds_the_book_and_the_dvd_named_in_the_faq(client):
    call_command("load_starter_content", verbosity=0)

    rows = list(Publication.objects.order_by("title").values_list("title", "authors", "year", "kind", "source"))
    assert rows == [
        (
            "Introduction to the Neurosequential Model of Therapeutics",
            "Bruce D. Perry",
            None,
            "video",
            "The ChildTrauma Academy",
        ),
        ("The Boy Who Was Raised as a Dog", "Bruce D. Perry and Maia Szalavitz", 2007, "book", "Basic Books"),
    ]
    book = Publication.objects.get(slug="the-boy-who-was-raised-as-a-dog")
    assert sorted(book.topics.values_list("slug", flat=True)) == ["neurodevelopment", "nmt", "trauma"]
    faq = Question.objects.get(slug="where-can-i-get-more-information")
    assert '<a href="/library/" rel="noopener noreferrer">library</a> of this website' in faq.answer_html
    assert [p.title for p in client.get("/library/", {"q": "raised dog"}).context["publications"]] == [
        "The Boy Who Was Raised as a Dog"
    ]


def test_starter_library_is_not_recreated_after_staff_delete_it():
    call_command("load_starter_content", verbosity=0)
    Publication.objects.get(slug="the-boy-who-was-raised-as-a-dog").delete()

    call_command("load_starter_content", verbosity=0)

    assert not Publication.objects.filter(slug="the-boy-who-was-raised-as-a-dog").exists()


def test_sample_publications_are_labelled_as_samples():
    call_command("load_starter_content", verbosity=0)

    sample.load(Ledger("sample"))

    samples = Publication.objects.exclude(
        slug__in=["the-boy-who-was-raised-as-a-dog", "introduction-to-the-neurosequential-model-of-therapeutics-dvd"]
    )
    assert samples.count() == 3
    assert all(p.title.startswith("Sample: ") for p in samples)
    assert all(p.topics.exists() for p in samples)
