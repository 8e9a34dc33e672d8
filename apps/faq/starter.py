"""The FAQ and information pages of the public NMT FAQ page (../shared/seed/nmt-faq-page.txt).

Where the seed page sends readers to another organisation's "CTA Library" and to an online store,
the answers name this portal's own library, trainings and contact form instead.
"""

from . import trust_pages
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

PAGES = [
    (
        "about",
        "About the NMT",
        "What the Neurosequential Model of Therapeutics is, and what it is not.",
        10,
        "The Neurosequential Model of Therapeutics (NMT) is a developmentally sensitive, "
        "neurobiology-informed approach to clinical problem solving. It is not a specific therapeutic "
        "technique or intervention: it integrates core principles of neurodevelopment and traumatology to "
        "inform work with children, families and the communities in which they live.\n\n"
        "## Three key components\n\n"
        "1. Training and capacity building.\n"
        "2. Assessment.\n"
        "3. Specific recommendations for the selection and sequencing of therapeutic, educational and "
        "enrichment activities that match the needs and strengths of the individual.\n\n"
        "## Where it is used\n\n"
        "The NMT is used with a wide range of clients, from early childhood to adults, by hundreds of "
        "certified clinicians in more than 30 organizations and in individual practice across the world. "
        "See the [partners map](/partners/) and the [FAQ](/faq/).",
    ),
    (
        "evidence-base",
        "The NMT as an evidence-based practice",
        "The levels of evidence the Neurosequential Model of Therapeutics meets today.",
        20,
        "The Neurosequential Model of Therapeutics currently meets criteria for these levels of evidence:\n\n"
        "- Level III\n- Level II-3\n- Level II-2\n- Level II-1\n\n"
        "Several of the NMT Certification Sites have plans for studies that are randomized, controlled "
        "trials. Publications are listed in the [library](/library/).",
    ),
    (
        "individual-certification",
        "Individual certification",
        "How clinicians become certified in the Neurosequential Model of Therapeutics.",
        30,
        "Individuals can become certified in the NMT approach. NMT certification involves didactic, "
        "self-guided and case-based training elements.\n\n"
        "Certification attests that training was completed; it is not a licence and does not attest "
        "clinical competence.\n\n"
        "See the [certification programs and how to apply](/certification/).",
    ),
    (
        "site-certification",
        "Site certification",
        "How organisations become NMT certification sites.",
        40,
        "Organizations can become certified as a site in the NMT approach. Introducing the NMT or NME involves "
        "a process of capacity building and training for the primary groups of adults working with the "
        "target population of children.\n\n"
        "Read the [site certification FAQs](/pages/site-certification-faqs/) and see the "
        "[certification programs and how to apply](/certification/).",
    ),
    (
        "site-certification-faqs",
        "Site certification FAQs",
        "Questions organisations ask about NMT site certification.",
        50,
        "## How is the NMT brought into a program?\n\n"
        "Through a process of capacity building and training for the primary groups of adults working with "
        "the target population of children, with didactic, self-guided and case-based training elements.\n\n"
        "## How do we apply?\n\n"
        "Complete the [site certification application](/certification/). You can follow its status privately "
        "through the link we email you.",
    ),
    (
        "nme",
        "The NME for education",
        "The Neurosequential Model in Education, the NMT's variant for schools.",
        60,
        "The Neurosequential Model in Education (NME) brings the principles of the NMT to educational "
        "settings. Introducing the NME, like the NMT, involves capacity building and training for the adults "
        "working with the children. Schools can apply for site certification in its NME variant on the "
        "[certification page](/certification/).",
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
    for slug, title, summary, order, body in PAGES + trust_pages.PAGES:
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
