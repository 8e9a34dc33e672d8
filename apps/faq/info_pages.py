"""Starter text of the information pages at /pages/<slug>/, expanded from the public FAQ page
(../shared/seed/nmt-faq-page.txt). Each `##` heading is a section of the page and a line of its
"On this page" list. What the seed says is said here; what it does not say, and only the NMT team
can, is a visible "To confirm" note. Staff edit, add and relate pages in the admin (Information
pages); every starter page begins marked "needs completing".
"""

from .trust_pages import TO_CONFIRM

ABOUT = f"""\
## In short

The Neurosequential Model of Therapeutics (NMT) is a developmentally sensitive,
neurobiology-informed approach to clinical problem solving. It helps the adults around a child
understand how that child's brain has developed, and use that understanding to choose and order
the therapeutic, educational and enrichment activities that fit the child best.

## What the NMT is

The NMT integrates core principles of neurodevelopment and traumatology to inform work with
children, families and the communities in which they live. It starts from a simple observation:
the brain develops in sequence, from the bottom up, and experiences such as neglect, chaos or
trauma at different ages leave different marks. Understanding when, and how, a child's development
was disrupted helps to decide where to begin.

## What it is not

The NMT is not a specific therapeutic technique or intervention, and it does not replace the
methods a clinician already uses. It is a way of organising a child's history and current
functioning so that the choice and the sequence of interventions match the child's needs and
strengths.

## The three key components

1. **Training and capacity building** for the adults who work with the children: clinicians,
   caregivers, educators and the staff of the organisations that serve them.
2. **Assessment**: a structured review of the child's developmental history and current
   functioning, which gives a picture of the child's strengths and needs.
3. **Recommendations** for the selection and sequencing of therapeutic, educational and enrichment
   activities that match the needs and strengths of the individual.

## Who it is for

The NMT is used with a wide range of clients, from early childhood to adults: in mental health,
child welfare, education, juvenile justice and family services.

## Where it is used

There are hundreds of NMT-certified clinicians across the world, practising in more than 30
organisations and individually. The [partners map](/partners/) shows certified sites and partners
near you, and the [registry](/registry/) lets anyone verify a certificate.

{TO_CONFIRM} the current number of certified clinicians and organisations (the figures on the
> home page come from the portal's own records and grow as certificates are issued here).

## Learning more

- *The Boy Who Was Raised as a Dog*, by Dr. Bruce Perry and Maia Szalavitz (2007), gives a broad
  introduction to the concepts.
- The [library](/library/) lists NMT-related publications.
- The quarterly [case-based trainings](/events/) are the best way for an individual or a program
  to learn more.
- The [frequently asked questions](/faq/) answer the questions people ask most.
"""

EVIDENCE = f"""\
## In short

The Neurosequential Model of Therapeutics currently meets the criteria for four levels of
evidence, and several NMT certification sites plan randomised controlled trials.

## The levels of evidence it meets

- Level III
- Level II-3
- Level II-2
- Level II-1

## What the levels mean

The levels follow the widely used hierarchy of evidence in which Level I is evidence from at least
one properly randomised controlled trial and lower levels come from other designs:

| Level | Evidence from |
| --- | --- |
| II-1 | well-designed controlled trials without randomisation |
| II-2 | well-designed cohort or case-control studies, preferably from more than one centre |
| II-3 | multiple time series, with or without the intervention, or dramatic results in uncontrolled studies |
| III | respected authorities' opinions, from clinical experience, descriptive studies or expert committees |

{TO_CONFIRM} the name of the evidence hierarchy the NMT is assessed against, and the studies
> behind each level, with links to them in the library.

## Research in progress

Several of the NMT certification sites have plans for studies that are randomised, controlled
trials. Published studies are listed in the [library](/library/).

{TO_CONFIRM} which trials are under way and when results are expected.
"""

INDIVIDUAL = f"""\
## In short

Clinicians and other professionals can become certified in the NMT approach. Certification
involves didactic, self-guided and case-based training, and attests that the training was
completed.

## Who can apply

Clinicians and other professionals who work with children, families or adults and want to use the
NMT in their practice. The [certification page](/certification/) lists the levels open today and
what each asks for.

{TO_CONFIRM} the professional backgrounds accepted at each level, and any prerequisites.

## What certification involves

- **Didactic training**: the concepts of neurodevelopment and traumatology behind the NMT.
- **Self-guided training**: reading and study at your own pace.
- **Case-based training**: presenting and discussing cases in the quarterly
  [case-based trainings](/events/), with feedback from experienced NMT clinicians.

{TO_CONFIRM} the number of hours, cases and months each level takes, and the fees.

## How to apply

1. Read about the [programs](/certification/) and choose your level.
2. Prepare the documents the program asks for, such as a CV and your licence or credential.
3. [Apply online](/apply/individual/). You can save your application and come back to it through
   the private link we email you.
4. Follow your application through the private link in your confirmation email, or ask for a new
   link on the [status page](/status/).

## After you apply

A reviewer reads your application and documents, and we write to you when the review starts, if
we need more information, and when a decision is made. Once certified, you can choose to appear in
the public [registry](/registry/), where anyone can verify your certificate.

## What certification means

Certification attests that training was completed. It is not a licence to practise and does not
attest clinical competence.
"""

SITE = f"""\
## In short

Organisations can become certified as NMT sites. Site certification builds the capacity of the
adults who work with the organisation's children, so the NMT becomes part of how the whole
organisation works.

## Who it is for

Mental health services, child welfare agencies, schools, residential programs and other
organisations that serve children and families. Schools and other educational settings can apply
for the NME variant, the [Neurosequential Model in Education](/pages/nme/).

## How the NMT is brought into a program

Introducing the NMT or the NME involves a process of capacity building and training for the
primary groups of adults working with the target population of children. The certification
process involves didactic, self-guided and case-based training elements.

{TO_CONFIRM} the stages of site certification, how many staff train at each, and how long the
> process takes.

## How to apply

1. Read the [site certification questions](/pages/site-certification-faqs/) and the
   [programs](/certification/).
2. Name a site coordinator: we write to them about the application.
3. [Apply online](/apply/site/) with the organisation's details and plans.
4. Follow the application through the private link we email to the coordinator.

## Once certified

Certified sites appear on the [partners map](/partners/) if they choose to, and anyone can verify
the site's certificate in the [registry](/registry/).
"""

SITE_FAQS = f"""\
## How is the NMT brought into a program?

Through a process of capacity building and training for the primary groups of adults working with
the target population of children, with didactic, self-guided and case-based training elements.

## Who should be our site coordinator?

Someone who can speak for the organisation about its plans and who will follow the application
and the training through: often a clinical director or a program manager.

## How many staff need to be trained?

The application asks how many staff you plan to train.

{TO_CONFIRM} the minimum number of staff, if any, and the roles that must take part.

## How long does site certification take?

{TO_CONFIRM} the usual length of site certification, from application to certificate.

## How do we apply?

Complete the [site certification application](/apply/site/). You can save it and come back through
the private link we email you, and follow its status privately through the link in your
confirmation email.

## Can we appear on the partners map?

Yes, once certified, if you choose to in your application. The map shows the organisation's name,
city and website; you can ask us to change or remove the listing at any time through the
[contact form](/contact/).
"""

NME = f"""\
## In short

The Neurosequential Model in Education (NME) brings the principles of the NMT to schools and other
educational settings.

## What the NME is

The NME helps educators understand how development, stress and trauma shape a student's capacity
to learn, and use that understanding in the classroom: in how a day is structured, how a
dysregulated student is helped, and how relationships with students are built.

{TO_CONFIRM} a fuller description of the NME's training program and who delivers it.

## How schools take part

Introducing the NME, like the NMT, involves capacity building and training for the adults who work
with the children. Schools apply for site certification in its NME variant on the
[certification page](/certification/), and can learn more first in the [trainings](/events/).
"""

PAGES = [
    ("about", "About the NMT", "What the Neurosequential Model of Therapeutics is, and what it is not.", 10, ABOUT),
    (
        "evidence-base",
        "The NMT as an evidence-based practice",
        "The levels of evidence the Neurosequential Model of Therapeutics meets today.",
        20,
        EVIDENCE,
    ),
    (
        "individual-certification",
        "Individual certification",
        "How clinicians become certified in the Neurosequential Model of Therapeutics.",
        30,
        INDIVIDUAL,
    ),
    ("site-certification", "Site certification", "How organisations become NMT certification sites.", 40, SITE),
    (
        "site-certification-faqs",
        "Site certification FAQs",
        "Questions organisations ask about NMT site certification.",
        50,
        SITE_FAQS,
    ),
    ("nme", "The NME for education", "The Neurosequential Model in Education, the NMT's variant for schools.", 60, NME),
]

# Each page's "Related pages" (shown in the pages' own order).
RELATED = {
    "about": ["evidence-base", "individual-certification", "site-certification"],
    "evidence-base": ["about"],
    "individual-certification": ["about", "site-certification"],
    "site-certification": ["site-certification-faqs", "nme", "individual-certification"],
    "site-certification-faqs": ["site-certification", "nme"],
    "nme": ["site-certification", "about"],
    "privacy": ["cookies", "terms"],
    "accessibility": ["privacy"],
    "terms": ["privacy", "cookies"],
    "cookies": ["privacy"],
}
