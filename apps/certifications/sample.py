"""Sample applications for `make run` (embedded database only), each labelled "Sample", made through
the services so that their history, references and documents are real."""

import io
import random
from datetime import timedelta

from django.utils import timezone
from pypdf import PdfWriter

from apps.core.uploads import CleanFile

from .models import Application, Certificate, DocumentKind, Kind, Program, Status
from .services import (
    application_approve,
    application_draft_submit,
    application_request_info,
    application_start_review,
)
from .services.renewals import renewal_prefill, renewal_submit


def _pdf(title):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    output = io.BytesIO()
    writer.write(output)
    return CleanFile(content=output.getvalue(), content_type="application/pdf", original_name=f"{title}.pdf")


INDIVIDUALS = [
    {
        "key": "dana-whitfield",
        "program": "nmt-phase-i",
        "status": Status.SUBMITTED,
        "full_name": "Sample: Dana Whitfield",
        "email": "dana.whitfield@example.org",
        "country": "US",
        "city": "Houston",
        "profession": "Clinical psychologist",
        "credential_type": "Licensed psychologist",
        "credential_number": "PSY-00000",
        "credential_issuer": "Sample State Board of Examiners",
        "employer": "Sample Harbor Child Center",
        "years_of_practice": 8,
        "populations": ["children", "families"],
        "prior_training": "Two quarterly NMT case-based trainings.",
        "heard_about": "colleague",
        "motivation": "Sample application: I work with young children who have experienced trauma.",
        "list_in_registry": True,
        "documents": [(DocumentKind.CV, "Sample CV"), (DocumentKind.LICENCE, "Sample licence")],
    },
    {
        "key": "amara-okafor",
        "program": "nmt-phase-ii",
        "status": Status.IN_REVIEW,
        "full_name": "Sample: Amara Okafor",
        "email": "amara.okafor@example.org",
        "country": "CA",
        "city": "Winnipeg",
        "profession": "Social worker",
        "credential_type": "Registered social worker (RSW)",
        "credential_issuer": "Sample College of Social Workers",
        "years_of_practice": 12,
        "populations": ["adolescents", "families"],
        "prior_training": "NMT Phase I certified in 2024.",
        "heard_about": "training",
        "motivation": "Sample application: I would like to train colleagues in our agency.",
        "documents": [
            (DocumentKind.CV, "Sample CV"),
            (DocumentKind.LICENCE, "Sample registration"),
            (DocumentKind.TRAINING_CERTIFICATE, "Sample Phase I certificate"),
        ],
    },
    {
        "key": "liam-brennan",
        "program": "nmt-phase-i",
        "status": Status.INFO_REQUESTED,
        "full_name": "Sample: Liam Brennan",
        "email": "liam.brennan@example.org",
        "country": "IE",
        "city": "Cork",
        "profession": "Occupational therapist",
        "credential_type": "Registered occupational therapist",
        "credential_issuer": "Sample Health and Social Care Council",
        "years_of_practice": 5,
        "populations": ["children"],
        "heard_about": "book",
        "motivation": "Sample application: sensory and regulation work with children in foster care.",
        "documents": [(DocumentKind.CV, "Sample CV")],
    },
]

SITES = [
    {
        "key": "harbor-family-services",
        "program": "nmt-site",
        "status": Status.SUBMITTED,
        "organisation_name": "Sample: Harbor Family Services",
        "organisation_type": "clinic",
        "website": "https://harbor.example.org",
        "address_line1": "12 Sample Road",
        "postal_code": "77001",
        "region": "Texas",
        "country": "US",
        "city": "Houston",
        "staff_to_train": 12,
        "populations": ["children", "adolescents"],
        "settings_served": "Outpatient clinic and school outreach.",
        "coordinator_name": "Sam Ortiz",
        "coordinator_role": "Clinical director",
        "email": "sam.ortiz@example.org",
        "phone": "+1 555 0111",
        "sponsor_name": "Riley Chen",
        "sponsor_title": "Chief executive",
        "services_description": "Sample site: outpatient therapy for children and families.",
        "sustainability_plan": "Two internal trainers and quarterly case reviews.",
        "show_on_map": True,
        "documents": [
            (DocumentKind.ORGANISATION_CHART, "Sample organisation chart"),
            (DocumentKind.LETTER_OF_SUPPORT, "Sample letter of support"),
        ],
    },
    {
        "key": "riverside-primary",
        "program": "nme-site",
        "status": Status.INFO_REQUESTED,
        "organisation_name": "Sample: Riverside Primary School",
        "organisation_type": "school",
        "address_line1": "1 Sample Lane",
        "country": "AU",
        "city": "Brisbane",
        "region": "Queensland",
        "staff_to_train": 30,
        "populations": ["children"],
        "settings_served": "Classrooms, playground and the wellbeing team.",
        "coordinator_name": "Jo Martin",
        "coordinator_role": "Deputy principal",
        "email": "jo.martin@example.org",
        "phone": "+61 7 5550 0100",
        "sponsor_name": "Alex Reid",
        "sponsor_title": "Principal",
        "services_description": "Sample site: a primary school of 400 pupils.",
        "sustainability_plan": "Termly staff sessions led by two trained teachers.",
        "documents": [(DocumentKind.ORGANISATION_CHART, "Sample organisation chart")],
    },
]

INFO_REQUEST = "Sample request: please upload a copy of your current licence or registration."


def _create(values):
    values = dict(values)
    program = Program.objects.filter(slug=values.pop("program")).first()
    status = values.pop("status")
    documents = [(kind, _pdf(title)) for kind, title in values.pop("documents")]
    values.pop("key")
    if program is None:  # staff removed the starter program
        return None
    application = Application(program=program, kind=program.kind, consent_privacy=True, **values)
    application = application_draft_submit(application=application, documents=documents)
    if status in {Status.IN_REVIEW, Status.INFO_REQUESTED}:
        application = application_start_review(application=application, reviewer=None)
    if status == Status.INFO_REQUESTED:
        application = application_request_info(application=application, reviewer=None, message=INFO_REQUEST)
    return application


# A holder certified two years ago whose renewal waits for review: the queue shows a renewal beside
# new applications, and its page the previous certificate and what changed.
RENEWING = {
    "key": "morgan-lee",
    "program": "nmt-phase-i",
    "status": Status.APPROVED,
    "full_name": "Sample: Morgan Lee",
    "email": "morgan.lee@example.org",
    "country": "US",
    "city": "Austin",
    "profession": "Licensed professional counsellor",
    "credential_type": "LPC",
    "credential_issuer": "Texas Behavioral Health Executive Council",
    "employer": "Sample Counselling Group",
    "years_of_practice": 11,
    "populations": ["adolescents", "families"],
    "motivation": "Sample: using the NMT with adolescents in outpatient care.",
    "list_in_registry": True,
    "documents": [(DocumentKind.CV, "Sample CV")],
}


def _create_renewal():
    values = dict(RENEWING, status=Status.SUBMITTED)
    application = _create(values)
    if application is None:
        return None
    application = application_start_review(application=application, reviewer=None)
    application = application_approve(application=application, reviewer=None)
    today = timezone.localdate()
    # Certified 23 months ago: its renewal window is open.
    Certificate.objects.filter(application=application).update(
        issued_on=today - timedelta(days=700), expires_on=today + timedelta(days=30)
    )
    certificate = Certificate.objects.select_related("program", "application").get(application=application)
    renewal = renewal_prefill(certificate)
    renewal.consent_privacy = True
    renewal.employer = "Sample Family Therapy Centre"
    # Seeded: the sample is the same on every machine (not drawn for audit).
    return renewal_submit(application=renewal, attestations=certificate.program.attestation_list, rng=random.Random(0))  # noqa: S311 - a sample


def load(ledger):
    for values in INDIVIDUALS + SITES:
        kind = Kind.INDIVIDUAL if "full_name" in values else Kind.SITE
        ledger.once(f"certifications.application:{kind}:{values['key']}", lambda values=values: _create(values))
    ledger.once("certifications.renewal:morgan-lee", _create_renewal)
