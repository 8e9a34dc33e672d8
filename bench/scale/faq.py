"""Benchmark data for `manage.py seed_scale_data`: many FAQ questions in many categories."""

from apps.core.markdown import render_markdown
from apps.faq.models import Category, Question

OPTIONS = {"faqs": (500, "FAQ questions")}

TOPICS = [
    "assessment",
    "certification",
    "training",
    "sites",
    "schools",
    "families",
    "research",
    "metrics",
    "case consultation",
    "supervision",
    "regulation",
    "relational health",
    "early childhood",
    "adolescents",
    "residential care",
    "child welfare",
    "mentoring",
    "renewal",
    "fees",
    "privacy",
]


def seed(*, counts, rng, log):
    total = counts["faqs"]
    if not total:
        return
    start = Category.objects.count()
    categories = Category.objects.bulk_create(
        Category(name=f"Scale: {topic.title()} {start + i}", slug=f"scale-{start + i}", order=100 + start + i)
        for i, topic in enumerate(TOPICS)
    )
    first = Question.objects.count()
    questions = []
    for i in range(total):
        topic = rng.choice(TOPICS)
        question = Question(
            category=categories[i % len(categories)],
            question=f"How does the NMT approach {topic} in case {first + i}?",
            slug=f"scale-question-{first + i}",
            answer=f"The NMT's approach to **{topic}** follows the sequence of development. " * rng.randint(2, 6),
            order=i,
        )
        question.answer_html = render_markdown(question.answer)  # bulk_create skips save()
        questions.append(question)
    Question.objects.bulk_create(questions, batch_size=2000)
    log(f"  {total} FAQ questions in {len(categories)} categories")
