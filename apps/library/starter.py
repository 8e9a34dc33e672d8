"""The library's first entries, named in the public FAQ (../shared/seed/nmt-faq-page.txt)."""

from .models import Publication, Topic

TOPICS = [
    ("nmt", "The NMT"),
    ("neurodevelopment", "Neurodevelopment"),
    ("trauma", "Trauma"),
]

PUBLICATIONS = [
    {
        "slug": "the-boy-who-was-raised-as-a-dog",
        "title": "The Boy Who Was Raised as a Dog",
        "authors": "Bruce D. Perry and Maia Szalavitz",
        "year": 2007,
        "kind": Publication.Kind.BOOK,
        "source": "Basic Books",
        "abstract": (
            "A broad introduction to the concepts behind the Neurosequential Model of Therapeutics: "
            "stories of children who lived through trauma, and what they teach about how the developing "
            "brain is shaped by experience and how it heals."
        ),
        "topics": ["nmt", "neurodevelopment", "trauma"],
    },
    {
        "slug": "introduction-to-the-neurosequential-model-of-therapeutics-dvd",
        "title": "Introduction to the Neurosequential Model of Therapeutics",
        "authors": "Bruce D. Perry",
        "year": None,
        "kind": Publication.Kind.VIDEO,
        "source": "The ChildTrauma Academy",
        "abstract": (
            "A DVD that introduces the NMT and its core principles to clinical and non-clinical settings. "
            "Ask us how to obtain it through the [contact form](/contact/)."
        ),
        "topics": ["nmt"],
    },
]


def load(ledger):
    for slug, name in TOPICS:
        ledger.add(f"library.topic:{slug}", Topic, {"slug": slug}, name=name)
    for entry in PUBLICATIONS:
        values = dict(entry)
        slug, topic_slugs = values.pop("slug"), values.pop("topics")
        publication = ledger.add(f"library.publication:{slug}", Publication, {"slug": slug}, **values)
        if publication is not None:
            publication.topics.set(Topic.objects.filter(slug__in=topic_slugs))
