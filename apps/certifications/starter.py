"""The certification programs every install starts with: three individual levels and two site variants.

Fees and validity are placeholders for staff to confirm in the admin; nothing here is loaded twice
or overwrites what staff have edited (see apps/core/starter.py).
"""

from .models import DocumentKind, Kind, Program, ProgramDocument

FEE_TO_CONFIRM = "Set by the NMT team and confirmed to you when your application is reviewed."

PROGRAMS = [
    {
        "slug": "nmt-phase-i",
        "name": "NMT Phase I",
        "kind": Kind.INDIVIDUAL,
        "order": 10,
        "summary": "The first level of individual NMT certification: the core concepts of the Neurosequential "
        "Model and their use in clinical problem solving.",
        "description": "Phase I introduces the principles of neurodevelopment and traumatology behind the NMT "
        "and how they inform work with children, families and their communities. Training combines "
        "didactic, self-guided and case-based elements.",
        "requirements": "- A professional licence or credential in a clinical, mental-health, health, "
        "education or allied field.\n"
        "- Completion of the Phase I didactic, self-guided and case-based training elements.",
        "validity_months": 24,
        "documents": [
            (DocumentKind.CV, True, "Your education, professional experience and current role."),
            (DocumentKind.LICENCE, True, "A copy of your current licence or credential."),
            (DocumentKind.TRAINING_CERTIFICATE, False, "Certificates of NMT trainings you have completed, if any."),
        ],
    },
    {
        "slug": "nmt-phase-ii",
        "name": "NMT Phase II / Train-the-Trainer",
        "kind": Kind.INDIVIDUAL,
        "order": 20,
        "summary": "The second level for Phase I certified clinicians, preparing them to train colleagues in "
        "the NMT within their organisation.",
        "description": "Phase II deepens the use of the NMT in clinical practice and prepares clinicians to "
        "teach its core concepts and to support colleagues in case-based work.",
        "requirements": "- NMT Phase I certification.\n"
        "- A professional licence or credential.\n"
        "- Completion of the Phase II training elements.",
        "validity_months": 24,
        "documents": [
            (DocumentKind.CV, True, "Your education, professional experience and current role."),
            (DocumentKind.LICENCE, True, "A copy of your current licence or credential."),
            (DocumentKind.TRAINING_CERTIFICATE, True, "Your NMT Phase I certificate."),
            (DocumentKind.REFERENCE_LETTER, False, "A letter from a supervisor or colleague, if you have one."),
        ],
    },
    {
        "slug": "nmt-mentor",
        "name": "NMT Mentor",
        "kind": Kind.INDIVIDUAL,
        "order": 30,
        "summary": "For experienced Phase II certified clinicians who mentor others through NMT certification.",
        "description": "NMT Mentors support clinicians and sites working towards certification, through "
        "supervision and case consultation in the Neurosequential Model.",
        "requirements": "- NMT Phase II / Train-the-Trainer certification.\n"
        "- Experience using the NMT in clinical practice and in training others.",
        "validity_months": 24,
        "documents": [
            (DocumentKind.CV, True, "Including your experience with the NMT and in training others."),
            (DocumentKind.TRAINING_CERTIFICATE, True, "Your NMT Phase II certificate."),
            (DocumentKind.REFERENCE_LETTER, True, "A letter of reference from an NMT trainer or mentor."),
            (DocumentKind.LICENCE, False, "A copy of your current licence or credential."),
        ],
    },
    {
        "slug": "nmt-site",
        "name": "NMT Site Certification",
        "kind": Kind.SITE,
        "order": 10,
        "summary": "For organisations that build NMT capacity across their staff and become NMT certification sites.",
        "description": "Site certification brings the NMT into a program through capacity building and "
        "training for the primary groups of adults working with the children it serves, with didactic, "
        "self-guided and case-based training elements.",
        "requirements": "- A site coordinator and an executive sponsor.\n"
        "- A group of staff to be trained, and a plan to sustain the NMT in the organisation.",
        "validity_months": 24,
        "documents": [
            (DocumentKind.ORGANISATION_CHART, True, "Showing the teams to be trained and the coordinator."),
            (DocumentKind.LETTER_OF_SUPPORT, True, "From the executive sponsor, committing the organisation."),
        ],
    },
    {
        "slug": "nme-site",
        "name": "NME Site Certification (education)",
        "kind": Kind.SITE,
        "order": 20,
        "summary": "The site certification of the Neurosequential Model in Education (NME), for schools and "
        "other educational settings.",
        "description": "The NME brings the principles of the NMT to educational settings. Introducing it "
        "involves capacity building and training for the educators and staff working with the children.",
        "requirements": "- A site coordinator and an executive sponsor (for example the principal).\n"
        "- A group of educators and staff to be trained, and a plan to sustain the NME in the school.",
        "validity_months": 24,
        "documents": [
            (DocumentKind.ORGANISATION_CHART, True, "Showing the teams to be trained and the coordinator."),
            (DocumentKind.LETTER_OF_SUPPORT, True, "From the principal or executive sponsor."),
        ],
    },
]


def load(ledger):
    for values in PROGRAMS:
        values = dict(values)
        slug, documents = values.pop("slug"), values.pop("documents")
        ledger.add(f"certifications.program:{slug}", Program, {"slug": slug}, fee_text=FEE_TO_CONFIRM, **values)
        program = Program.objects.filter(slug=slug).first()
        if program is None:  # staff deleted the program; leave its documents out too
            continue
        for kind, required, help_text in documents:
            ledger.add(
                f"certifications.program-document:{slug}:{kind}",
                ProgramDocument,
                {"program": program, "kind": kind},
                required=required,
                help_text=help_text,
            )
