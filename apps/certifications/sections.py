"""Each kind's application, declared once: its sections in order, the questions of each, which are
required, and every question's error messages.

The application forms (fields, layout, requirements, messages), the admin's fieldsets, the status
page's details and the export's columns are all built from this. The wording of a question is the
model field's (`verbose_name`, `help_text`); a `Question` replaces it on the public form only
where the form must say it differently, and says why.
"""

from dataclasses import dataclass

from django.utils.text import capfirst

from apps.core.form_messages import EMAIL_FORMAT

from .models import Application, Kind, Population


@dataclass(frozen=True)
class Question:
    """A model field as one kind's application asks it."""

    name: str
    required: bool = False
    label: str = ""  # the public form's label, where the model's verbose_name does not fit there
    help_text: str = ""  # likewise for the model's help_text


@dataclass(frozen=True)
class Section:
    """A part of an application with its heading, which a page can show on its own.

    `documents` marks the section where the kind's uploads go (they depend on the programs, so the
    form adds them); `notice` is a template shown before the questions. A `declaration` is asked on
    the "check your answers" page, just before submitting, instead of as a task of its own.
    """

    slug: str
    heading: str
    questions: tuple[Question, ...] = ()
    documents: bool = False
    notice: str = ""
    declaration: bool = False

    @property
    def field_names(self):
        return [question.name for question in self.questions]

    @property
    def required_fields(self):
        return [question.name for question in self.questions if question.required]


PRIVACY_NOTICE = "certifications/includes/privacy_notice.html"
# A checkbox reads on the form as the sentence the applicant agrees to; the model's words name the answer.
CONSENT = "I have read the privacy notice above and agree to it"

SECTIONS = {
    Kind.INDIVIDUAL: (
        Section(
            "program",
            "Program",
            (
                # Individual programs are the certification levels.
                Question("program", required=True, label="Program or level"),
                Question("prior_training"),
            ),
        ),
        Section(
            "about-you",
            "About you",
            (
                Question("full_name", required=True),
                Question("email", required=True),
                Question("phone"),
                Question("country", required=True),
                # A person's city is where they practise, which need not be where they live.
                Question("city", required=True, help_text="Where you practise."),
            ),
        ),
        Section(
            "credential",
            "Licence or credential",
            (
                Question("profession", required=True),
                Question("credential_type", required=True),
                Question("credential_number"),
                Question("credential_issuer", required=True),
            ),
        ),
        Section(
            "practice",
            "Practice",
            (
                Question("employer"),
                Question("works_at"),
                Question("years_of_practice", required=True),
                Question("populations", required=True),
            ),
        ),
        Section(
            "motivation",
            "Motivation",
            (
                Question("motivation", required=True),
                # The form asks the question; the record names the answer ("heard of the NMT through").
                Question("heard_about", label="How did you hear about the NMT?"),
            ),
        ),
        Section("documents", "Documents", documents=True),
        Section(
            "privacy",
            "Privacy and the registry",
            (
                Question("consent_privacy", required=True, label=f"{CONSENT}."),
                Question(
                    "list_in_registry",
                    label="List me in the public registry of certified clinicians once I am certified.",
                ),
            ),
            notice=PRIVACY_NOTICE,
            declaration=True,
        ),
    ),
    Kind.SITE: (
        Section(
            "program",
            "Program",
            # Site programs are certifications of an organisation, not levels.
            (Question("program", required=True, label="Certification"),),
        ),
        Section(
            "organisation",
            "Organisation",
            (
                Question("organisation_name", required=True),
                Question("organisation_type", required=True),
                Question("website"),
                Question("staff_to_train", required=True),
            ),
        ),
        Section(
            "address",
            "Address",
            (
                Question("address_line1", required=True),
                Question("address_line2"),
                Question("city", required=True),
                Question("region"),
                Question("postal_code"),
                Question("country", required=True),
            ),
        ),
        Section(
            "coordinator",
            "Site coordinator",
            (
                Question("coordinator_name", required=True),
                Question("coordinator_role", required=True),
                # The site's contact details are the coordinator's, and the error summary lists
                # labels without their section: "Email" alone would not say whose.
                Question("email", required=True, label="Coordinator’s email"),
                Question("phone", required=True, label="Coordinator’s telephone"),
            ),
        ),
        Section(
            "sponsor",
            "Executive sponsor",
            (
                Question("sponsor_name", required=True),
                Question("sponsor_title", required=True),
                Question("sponsor_email"),
            ),
        ),
        Section(
            "services",
            "Services",
            (
                Question("populations", required=True),
                Question("settings_served", required=True),
                Question("services_description", required=True),
                Question("sustainability_plan", required=True),
            ),
        ),
        Section("documents", "Documents", documents=True),
        Section(
            "privacy",
            "Privacy and the partner map",
            (
                Question("consent_privacy", required=True, label=f"{CONSENT} on behalf of the organisation."),
                Question("show_on_map", label="Show the site on the public partner map once it is certified."),
            ),
            notice=PRIVACY_NOTICE,
            declaration=True,
        ),
    ),
}


# Each question's error messages by code, whichever kind asks it. A required question has its own
# "required" message; the codes a field can raise that are not given here fall back to DEFAULT_MESSAGES.
MESSAGES = {
    "program": {
        "required": "Choose the program you are applying for.",
        "invalid_choice": "That program is not open for applications. Please choose one of those listed.",
    },
    "full_name": {"required": "Enter your full name."},
    "email": {"required": "Enter an email address.", "invalid": EMAIL_FORMAT},
    "phone": {
        "required": "Enter a telephone number.",
        "invalid": "Enter a telephone number with digits, spaces and an optional leading +.",
    },
    "country": {"required": "Choose a country.", "invalid_choice": "Choose a country from the list."},
    "city": {"required": "Enter the city or town."},
    "profession": {"required": "Enter your profession."},
    "credential_type": {"required": "Enter the type of your licence or credential."},
    "credential_issuer": {"required": "Enter the body that issued your licence or credential."},
    "works_at": {
        "invalid_choice": "Enter the certificate number of a certified NMT site, like NMT-C-2026-00012-7KQX4M, "
        "or leave this empty. The site’s coordinator can give it to you.",
    },
    "years_of_practice": dict.fromkeys(
        ["required", "invalid", "min_value", "max_value"],
        "Enter your years of practice as a whole number from 0 to 70.",
    ),
    "populations": {"required": "Choose at least one population served."},
    "motivation": {"required": "Enter your statement of motivation."},
    "consent_privacy": {"required": "Tick the box to agree to the privacy notice."},
    "organisation_name": {"required": "Enter the organisation’s name."},
    "organisation_type": {"required": "Choose the type of organisation."},
    "website": {"invalid": "Enter the website address in the correct format, like https://www.example.org."},
    "staff_to_train": {
        "required": "Enter the number of staff to be trained.",
        "invalid": "Enter the number of staff to be trained as a whole number, like 12.",
        "min_value": "Enter the number of staff to be trained: at least 1 staff member.",
    },
    "address_line1": {"required": "Enter the street address."},
    "coordinator_name": {"required": "Enter the site coordinator’s name."},
    "coordinator_role": {"required": "Enter the coordinator’s role."},
    "sponsor_name": {"required": "Enter the executive sponsor’s name."},
    "sponsor_title": {"required": "Enter the sponsor’s title."},
    "sponsor_email": {"invalid": EMAIL_FORMAT},
    "settings_served": {"required": "Enter the settings the site serves."},
    "services_description": {"required": "Enter a description of the site’s services."},
    "sustainability_plan": {"required": "Enter how the NMT will be sustained at the site."},
}
# Codes a person rarely meets through the page (a choice it does not offer, a number beyond any range).
DEFAULT_MESSAGES = {
    "invalid_choice": "Choose one of the options listed.",
    "invalid_list": "Choose one of the options listed.",
    "max_value": "Enter a smaller number.",
}


def sections_of(kind):
    """The sections of `kind`'s application, in order."""
    return SECTIONS[kind]


# A renewal asks again what may have changed since the last certificate (the details, the documents
# and the privacy choices), not what stays (the program, the motivation). Its documents section
# holds the program's renewal documents.
RENEWAL_LEAVES_OUT = {"program", "motivation"}


def renewal_sections_of(kind):
    """The sections of a renewal of `kind`, in order."""
    return [section for section in SECTIONS[kind] if section.slug not in RENEWAL_LEAVES_OUT]


def section_of(kind, slug):
    """One section of `kind`'s application, for a page that shows that section alone."""
    return next(section for section in SECTIONS[kind] if section.slug == slug)


def tasks_of(kind):
    """The sections the applicant completes one page at a time, in order (all but the declaration)."""
    return [section for section in SECTIONS[kind] if not section.declaration]


def declaration_of(kind):
    """The section asked on the "check your answers" page, with the submit button."""
    return next(section for section in SECTIONS[kind] if section.declaration)


def questions_of(kind):
    """Every question of `kind`, in the order of its sections."""
    return [question for section in SECTIONS[kind] for question in section.questions]


def all_field_names():
    """The fields either kind asks for, each once: the individual's in order, then the site's own."""
    names = {}
    for kind in (Kind.INDIVIDUAL, Kind.SITE):
        names.update(dict.fromkeys(question.name for question in questions_of(kind)))
    return list(names)


def error_messages(name, max_length=None):
    """The messages of one question's form field, by error code."""
    messages = dict(DEFAULT_MESSAGES)
    if max_length:
        messages["max_length"] = f"Shorten this to {max_length:,} characters or fewer."
    return {**messages, **MESSAGES.get(name, {})}


def label(name):
    """A field's wording everywhere but the public form: the model's verbose_name."""
    return capfirst(Application._meta.get_field(name).verbose_name)


def answer(application, name):
    """What `application` answered to the question `name`, as a person reads it ("" when nothing)."""
    field = Application._meta.get_field(name)
    value = getattr(application, name)
    if name == "populations":
        return ", ".join(Population(p).label for p in value or [] if p in Population.values)
    if field.get_internal_type() == "BooleanField":
        return "Yes" if value else "No"
    if value in (None, ""):
        return ""
    if field.choices:
        return getattr(application, f"get_{name}_display")()
    return str(value) if field.is_relation else value
