"""Plain builders for test data: `make_<thing>(**overrides)` returns a saved object."""

from itertools import count

from apps.faq.models import Category, Page, Question
from apps.inquiries.models import Inquiry

_sequence = count(1)


def _n():
    return next(_sequence)


# --- faq ---


def make_category(**overrides):
    n = _n()
    values = {"name": f"Category {n}", "slug": f"category-{n}", "order": n}
    values.update(overrides)
    return Category.objects.create(**values)


def make_question(**overrides):
    n = _n()
    values = {
        "question": f"Question number {n}?",
        "slug": f"question-{n}",
        "answer": f"Answer number {n}.",
        "order": n,
    }
    values.update(overrides)
    if "category" not in values:
        values["category"] = make_category()
    return Question.objects.create(**values)


def make_page(**overrides):
    n = _n()
    values = {"title": f"Page {n}", "slug": f"page-{n}", "body": f"Body of page {n}."}
    values.update(overrides)
    return Page.objects.create(**values)


# --- inquiries ---


def make_inquiry(**overrides):
    values = {
        "name": "Alex Rivera",
        "email": "alex@example.org",
        "topic": Inquiry.Topic.GENERAL,
        "message": "When is the next training?",
    }
    values.update(overrides)
    return Inquiry.objects.create(**values)
