"""The FAQ and information pages of the public NMT FAQ page (../shared/seed/nmt-faq-page.txt).

Where the seed page sends readers to another organisation's "CTA Library" and to an online store,
the answers name this portal's own library, trainings and contact form instead.
"""

from . import info_pages, trust_pages
from .models import Category, Page, Question

CATEGORIES = [
    ("about-the-nmt", "About the NMT", 10),
    ("certification", "Bringing the NMT into your work and certification", 20),
    ("learning-more", "Learning more", 30),
]

QUESTIONS = [
    (
        "about-the-nmt",
        "what-is-the-nmt",
        "What is the NMT?",
        "The Neurosequential Model of Therapeutics (NMT) is a developmentally sensitive, "
        "neurobiology-informed approach to clinical problem solving. NMT is not a specific therapeutic "
        "technique or intervention. It is an approach that integrates core principles of neurodevelopment "
        "and traumatology to inform work with children, families and the communities in which they live. "
        "The Neurosequential Approach has three key components – training/capacity building, assessment "
        "and then, the specific recommendations for the selection and sequencing of therapeutic, "
        "educational and enrichment activities that match the needs and strengths of the individual.",
    ),
    (
        "about-the-nmt",
        "is-the-nmt-an-evidence-based-practice",
        "Is the NMT an Evidence-based Practice?",
        "Yes. The Neurosequential Model of Therapeutics currently meets criteria for Level III, Level II-3, "
        "Level II-2 and Level II-1. Several of the NMT Certification Sites have plans for studies that are "
        "randomized, controlled trials (see [the NMT as Evidence-based practice](/pages/evidence-base/)).",
    ),
    (
        "about-the-nmt",
        "where-is-the-nmt-being-used",
        "Where is the NMT currently being used?",
        "The NMT is being used with a wide range of clients – ranging from early childhood to adults. "
        "There are currently hundreds of NMT certified clinicians across the world. These clinicians are "
        "practicing in various organizations (more than 30) and individually. Please see our interactive "
        "[NMT Partners map](/partners/).",
    ),
    (
        "certification",
        "how-is-the-nmt-brought-into-a-program",
        "How is the NMT model brought into a program?",
        "Introducing the NMT or NME involves a process of capacity building and training for the primary "
        "groups of adults working with the target population of children. There is an NMT certification "
        "process that involves didactic, self-guided and case-based training elements. For more information "
        "about NMT Certification, see below.",
    ),
    (
        "certification",
        "can-individuals-become-certified",
        "Can individuals become certified in the NMT approach?",
        "Yes. Please read our [NMT Individual Training Certification program](/pages/individual-certification/).",
    ),
    (
        "certification",
        "can-organizations-become-certified",
        "Can organizations become certified as a site in the NMT approach?",
        "Yes. Please read the [NMT Site Training Certification overview](/pages/site-certification/) "
        "and peruse a set of [NMT Site Certification FAQs](/pages/site-certification-faqs/).",
    ),
    (
        "certification",
        "how-can-i-apply",
        "How can I apply for Individual or Site Certification?",
        "Please complete our [NMT Training Certification Application](/certification/).",
    ),
    (
        "learning-more",
        "where-can-i-get-more-information",
        "Where can I get more information about the NMT?",
        "A broad introduction to the concepts is provided in *The Boy Who Was Raised as a Dog*, a book by "
        "Dr. Perry and Maia Szalavitz published in 2007. A set of NMT-related publications can be found in "
        "the [library](/library/) of this website.\n\n"
        "The best way for an individual or program to learn more about the NMT is to participate in the "
        "ongoing [NMT case-based trainings](/events/) that are offered every quarter. In these "
        "90-minute long web-based conferences, clinicians from across the US, Canada and abroad present "
        "children they are struggling with and a clinical teaching conference model is used to help better "
        "understand the child and suggest specific interventions based upon the NMT approach.\n\n"
        "A special NMT DVD (*Introduction to the Neurosequential Model of Therapeutics*) is now available to "
        "help introduce the NMT and its core principles to clinical and non-clinical settings. Ask us how "
        "to obtain it through the [contact form](/contact/).\n\n"
        "Special program project, training and general inquiries regarding the NMT: please "
        "[email us](/contact/) or call 281-932-13759.",
    ),
]


def load(ledger):
    categories = {}
    for slug, name, order in CATEGORIES:
        ledger.add(f"faq.category:{slug}", Category, {"slug": slug}, name=name, order=order)
        categories[slug] = Category.objects.filter(slug=slug).first()
    for order, (category_slug, slug, question, answer) in enumerate(QUESTIONS, start=1):
        category = categories[category_slug]
        if category is None:  # staff removed the category; leave its starter questions out too
            continue
        ledger.add(
            f"faq.question:{slug}",
            Question,
            {"slug": slug},
            category=category,
            question=question,
            answer=answer,
            order=order * 10,
        )
    for slug, title, summary, order, body in info_pages.PAGES + trust_pages.PAGES:
        ledger.add(
            f"faq.page:{slug}",
            Page,
            {"slug": slug},
            title=title,
            summary=summary,
            order=order,
            body=body,
            needs_review=True,
        )
    ledger.once("faq.page-related", _relate_pages)


def _relate_pages():
    """The starter pages' related pages, among those that exist (staff may have deleted some), on
    pages that have none yet (staff may have chosen them before this ran)."""
    pages = Page.objects.in_bulk(field_name="slug")
    for slug, related in info_pages.RELATED.items():
        if slug in pages and not pages[slug].related_pages.exists():
            pages[slug].related_pages.set([pages[r] for r in related if r in pages])
