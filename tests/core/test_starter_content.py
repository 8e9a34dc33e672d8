import pytest
from django.core.management import CommandError, call_command

from apps.core.models import SiteSettings, StarterContent
from apps.faq.models import Category, Page, Question

pytestmark = pytest.mark.django_db

SEED_QUESTIONS = [
    "What is the NMT?",
    "Is the NMT an Evidence-based Practice?",
    "Where is the NMT currently being used?",
    "How is the NMT model brought into a program?",
    "Can individuals become certified in the NMT approach?",
    "Can organizations become certified as a site in the NMT approach?",
    "How can I apply for Individual or Site Certification?",
    "Where can I get more information about the NMT?",
]


def _snapshot():
    return (
        list(Category.objects.values_list("slug", "name", "order", "updated_at")),
        list(Question.objects.values_list("slug", "question", "answer", "updated_at")),
        list(Page.objects.values_list("slug", "title", "body", "updated_at")),
        list(SiteSettings.objects.values_list("contact_phone", "updated_at")),
    )


def test_starter_content_holds_every_seed_question_in_categories():
    call_command("load_starter_content", verbosity=0)

    assert list(Question.objects.values_list("question", flat=True)) == SEED_QUESTIONS
    assert list(Category.objects.values_list("name", flat=True)) == [
        "About the NMT",
        "Bringing the NMT into your work and certification",
        "Learning more",
    ]
    assert sorted(Page.objects.values_list("slug", flat=True)) == [
        "about",
        "accessibility",
        "cookies",
        "evidence-base",
        "individual-certification",
        "nme",
        "privacy",
        "site-certification",
        "site-certification-faqs",
        "terms",
    ]
    assert set(Page.objects.values_list("needs_review", flat=True)) == {True}
    assert SiteSettings.load().contact_phone == "281-932-13759"
    evidence = Question.objects.get(slug="is-the-nmt-an-evidence-based-practice")
    assert "Level III, Level II-3, Level II-2 and Level II-1" in evidence.answer_html


def test_loading_twice_changes_nothing():
    call_command("load_starter_content", verbosity=0)
    before = _snapshot()

    call_command("load_starter_content", verbosity=0)

    assert _snapshot() == before


def test_reload_never_overwrites_or_recreates_staff_edits():
    call_command("load_starter_content", verbosity=0)
    edited = Question.objects.get(slug="what-is-the-nmt")
    edited.answer = "Staff rewrote this answer."
    edited.save()
    Question.objects.get(slug="how-can-i-apply").delete()
    site = SiteSettings.load()
    site.contact_phone = "555-0100"
    site.save()

    call_command("load_starter_content", verbosity=0)

    assert Question.objects.get(slug="what-is-the-nmt").answer == "Staff rewrote this answer."
    assert not Question.objects.filter(slug="how-can-i-apply").exists()
    assert SiteSettings.objects.get().contact_phone == "555-0100"


def test_loader_keeps_an_object_staff_created_first():
    Page.objects.create(slug="about", title="Our own about page", body="Written by staff.")

    call_command("load_starter_content", verbosity=0)

    assert Page.objects.get(slug="about").title == "Our own about page"
    assert StarterContent.objects.filter(key="starter:faq.page:about").exists()


def test_sample_data_is_refused_outside_the_embedded_database():
    with pytest.raises(CommandError, match="Sample data is only loaded into the embedded development database"):
        call_command("load_sample_data")


OLD_MORE_INFORMATION = (
    "A set of NMT-related publications can be found in the [CTA Library](/library/) section of this website. "
    "A special NMT DVD is now available. Visit the online store for more information."
)


def test_the_more_information_answer_names_the_portals_own_library_and_no_store():
    call_command("load_starter_content", verbosity=0)

    answer = Question.objects.get(slug="where-can-i-get-more-information").answer
    assert "can be found in the [library](/library/) of this website." in answer
    assert "ongoing [NMT case-based trainings](/events/) that are offered every quarter." in answer
    assert "Ask us how to obtain it through the [contact form](/contact/)." in answer
    assert ("CTA" not in answer, "store" not in answer) == (True, True)


@pytest.mark.parametrize("edited", [False, True], ids=["old text as loaded", "old text edited by staff"])
def test_a_database_with_the_old_answer_keeps_what_staff_have(edited):
    call_command("load_starter_content", verbosity=0)
    question = Question.objects.get(slug="where-can-i-get-more-information")
    question.answer = OLD_MORE_INFORMATION + (" Edited by staff." if edited else "")
    question.save()

    call_command("load_starter_content", verbosity=0)

    assert Question.objects.get(slug="where-can-i-get-more-information").answer == question.answer
