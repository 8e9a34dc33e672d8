"""Sample publications for `make run` (never in production): every title starts with "Sample:"."""

from .models import Publication, Topic

SAMPLES = [
    (
        "sample-article-sequencing-interventions",
        "Sample: Sequencing therapeutic activities by developmental need",
        "A. Author and B. Writer",
        2021,
        Publication.Kind.ARTICLE,
        "Sample Journal of Child Development, 12(3), 45–67",
        "10.5555/sample.2021.001",
        ["nmt", "neurodevelopment"],
    ),
    (
        "sample-chapter-regulation-in-schools",
        "Sample: Regulation first: the NME in the classroom",
        "C. Teacher",
        2019,
        Publication.Kind.CHAPTER,
        "Sample Press",
        "",
        ["nmt"],
    ),
    (
        "sample-booklet-for-caregivers",
        "Sample: A booklet for caregivers on stress and the developing brain",
        "The Sample Network",
        2016,
        Publication.Kind.BOOKLET,
        "Sample Network Publications",
        "",
        ["trauma"],
    ),
]


def load(ledger):
    for slug, title, authors, year, kind, source, doi, topics in SAMPLES:
        publication = ledger.add(
            f"library.publication:{slug}",
            Publication,
            {"slug": slug},
            title=title,
            authors=authors,
            year=year,
            kind=kind,
            source=source,
            doi=doi,
            abstract="A sample entry for local development. *Not a real publication.*",
        )
        if publication is not None:
            publication.topics.set(Topic.objects.filter(slug__in=topics))
