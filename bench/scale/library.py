"""Benchmark data for `manage.py seed_scale_data`: a large publications library."""

from apps.library.models import Publication, Topic, excerpt

OPTIONS = {"publications": (2000, "library publications")}

TOPICS = [
    "Neurodevelopment",
    "Trauma",
    "Assessment",
    "Education",
    "Residential care",
    "Early childhood",
    "Relational health",
    "Outcomes research",
    "Child welfare",
    "Sensory regulation",
]
WORDS = [
    "sequential",
    "developmental",
    "trauma-informed",
    "relational",
    "regulation",
    "brainstem",
    "cortical",
    "outcomes",
    "children",
    "adolescents",
    "families",
    "school",
    "therapeutic",
    "enrichment",
    "resilience",
]
AUTHORS = ["Perry BD", "Hambrick EP", "Szalavitz M", "Brandt K", "Gaskill R", "Barfield S", "Jackson J", "Dobson C"]
KINDS = ["article", "chapter", "book", "booklet", "video"]


def seed(*, counts, rng, log):
    total = counts["publications"]
    if not total:
        return
    topics = [
        Topic.objects.get_or_create(slug=f"scale-{t.lower().replace(' ', '-')}", defaults={"name": f"{t} (scale)"})[0]
        for t in TOPICS
    ]
    offset = Publication.objects.count()
    publications = []
    for i in range(total):
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 9))).capitalize()
        abstract = " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 120))).capitalize() + "."
        publications.append(
            Publication(
                title=title,
                slug=f"scale-publication-{offset + i}",
                authors=", ".join(rng.sample(AUTHORS, rng.randint(1, 3))),
                year=rng.randint(1995, 2026),
                kind=rng.choice(KINDS),
                source=rng.choice(["Journal of Child Trauma", "Child Development Review", "ChildTrauma Academy"]),
                abstract=abstract,
                abstract_html=f"<p>{abstract}</p>",  # bulk_create skips save()
                excerpt=excerpt(f"<p>{abstract}</p>"),
                doi=f"10.5555/nmt.{offset + i}" if rng.random() < 0.6 else "",
                is_published=rng.random() < 0.97,
            )
        )
    publications = Publication.objects.bulk_create(publications, batch_size=2000)
    links = [
        Publication.topics.through(publication_id=p.pk, topic_id=t.pk)
        for p in publications
        for t in rng.sample(topics, rng.randint(1, 3))
    ]
    Publication.topics.through.objects.bulk_create(links, batch_size=5000)
    log(f"  {len(publications)} publications, {len(links)} topic links")
