"""The public forms: the two applications (with their documents), the status page's actions, the lookup.

Forms check the shape of the input; services check the rules. Every uploaded file goes through
`clean_upload` in `clean()`, and nothing is stored until the whole form is valid.
"""

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.template.defaultfilters import filesizeformat
from django_countries import countries

from apps.core.uploads import MAX_UPLOAD_SIZE, clean_upload

from .models import Application, DocumentKind, HeardAbout, Kind, Population, Program
from .services import MAX_DOCUMENTS

ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
FILE_HELP = f"PDF, JPEG or PNG, at most {filesizeformat(MAX_UPLOAD_SIZE)}."
REFERENCE_PATTERN = re.compile(r"^NMT-[IS]-\d{4}-\d{5}$")

phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 ()./-]{4,30}(\s*(x|ext\.?)\s*[0-9]{1,6})?$",
    "Enter a telephone number with digits, spaces and an optional leading +.",
)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file input that accepts several files; `clean` returns a list (empty when none)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        single = super().clean
        return [single(item, initial) for item in files if item]


class ProgramChoiceField(forms.ModelChoiceField):
    widget = forms.RadioSelect
    default_error_messages = {
        "invalid_choice": "That program is not open for applications. Please choose one of those listed."
    }

    def label_from_instance(self, program):
        return program.name


def document_field_name(kind):
    return "other_documents" if kind == DocumentKind.OTHER else f"document_{kind}"


def required_kinds(program):
    """The document kinds `program` requires; every individual application needs a CV."""
    kinds = {d.kind for d in program.documents.all() if d.required}
    if program.kind == Kind.INDIVIDUAL:
        kinds.add(DocumentKind.CV)
    return kinds


def _files_of(value):
    if not value:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


class ApplicationForm(forms.ModelForm):
    """What both application forms share: program choice, populations, documents, drafts.

    `draft=True` relaxes every requirement but a valid email (the link to continue is sent there)
    and the program (which decides the documents). `programs` are the open programs of the form's
    kind with their documents prefetched.
    """

    kind = None
    required_fields = ()
    # Each visitor's own: the template renders it outside the blank form's cached fragment, so it
    # stays out of the layouts.
    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    program = ProgramChoiceField(queryset=Program.objects.none(), empty_label=None)
    populations = forms.MultipleChoiceField(
        label="Populations served",
        choices=Population.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose every population you work with.",
    )

    def __init__(self, *args, programs, draft=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_draft = draft
        self.programs = list(programs)
        self.instance.kind = self.kind
        self.fields["program"].queryset = Program.objects.open().filter(kind=self.kind)
        # The radio buttons list the programs already fetched, instead of querying again.
        self.fields["program"].choices = [(p.pk, p.name) for p in self.programs]
        self.fields["country"].choices = [("", "Choose a country"), *countries]
        self.stored_documents = list(self.instance.documents.all()) if self.instance.pk else []
        self._add_document_fields()
        for name in self.required_fields:
            self.fields[name].required = True
        if draft:
            for name, field in self.fields.items():
                if name not in {"email", "program", "submission_key"}:
                    field.required = False
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = self.get_layout()

    # Documents

    def document_kinds(self):
        """The kinds with a file input: those any open program asks for (the CV for individuals)."""
        kinds = {d.kind for p in self.programs for d in p.documents.all()} - {DocumentKind.OTHER}
        if self.kind == Kind.INDIVIDUAL:
            kinds.add(DocumentKind.CV)
        return [kind for kind in DocumentKind.values if kind in kinds]

    def _add_document_fields(self):
        self.document_fields = {}
        for kind in self.document_kinds():
            name = document_field_name(kind)
            self.fields[name] = forms.FileField(
                label=DocumentKind(kind).label,
                required=False,
                help_text=f"{self._requirement_text(kind)} {FILE_HELP}",
                widget=forms.FileInput(attrs={"accept": ACCEPT, "data-document-kind": kind}),
            )
            self.document_fields[name] = kind
        self.fields["other_documents"] = MultipleFileField(
            label="Other supporting documents",
            required=False,
            help_text=f"Optional: anything else you would like us to read. {FILE_HELP} "
            f"An application holds at most {MAX_DOCUMENTS} documents in all.",
            widget=MultipleFileInput(attrs={"accept": ACCEPT, "data-document-kind": DocumentKind.OTHER}),
        )
        self.document_fields["other_documents"] = DocumentKind.OTHER
        if self.stored_documents:
            self.fields["remove_documents"] = forms.MultipleChoiceField(
                label="Documents already uploaded",
                required=False,
                choices=[
                    (str(d.pk), f"Remove {d.original_name} ({d.get_kind_display()})") for d in self.stored_documents
                ],
                widget=forms.CheckboxSelectMultiple,
                help_text="These are kept with your draft; you need not choose them again. "
                "Tick a document to remove it. A new file of the same kind replaces the old one.",
            )

    def _requirement_text(self, kind):
        if kind == DocumentKind.CV and self.kind == Kind.INDIVIDUAL:
            return "Required for every program."
        required = [p.name for p in self.programs if kind in required_kinds(p)]
        optional = [p.name for p in self.programs if any(d.kind == kind and not d.required for d in p.documents.all())]
        parts = []
        if required:
            parts.append(f"Required for {_join(required)}.")
        if optional:
            parts.append(f"Optional for {_join(optional)}.")
        return " ".join(parts) or "Optional."

    def document_requirements(self):
        """{program id: {field name: "required" | "optional"}}, for the script that marks the inputs."""
        data = {}
        for program in self.programs:
            fields = {
                document_field_name(d.kind): "required" if d.required else "optional" for d in program.documents.all()
            }
            for kind in required_kinds(program):
                fields[document_field_name(kind)] = "required"
            fields.setdefault("other_documents", "optional")
            data[str(program.pk)] = fields
        return data

    def clean_program(self):
        # The instance with its documents already fetched, so the checks below query nothing more.
        program = self.cleaned_data["program"]
        return next((p for p in self.programs if p.pk == program.pk), program)

    def clean(self):
        cleaned_data = super().clean()
        uploads = [
            (name, kind, f) for name, kind in self.document_fields.items() for f in _files_of(cleaned_data.get(name))
        ]
        removed = set(cleaned_data.get("remove_documents") or [])
        replaced = {kind for _, kind, _ in uploads if kind != DocumentKind.OTHER}
        kept = [
            d
            for d in self.stored_documents
            if str(d.pk) not in removed and (d.kind == DocumentKind.OTHER or d.kind not in replaced)
        ]
        self.documents_to_remove = [d for d in self.stored_documents if d not in kept]
        self.new_documents = []
        total = len(kept) + len(uploads)
        if total > MAX_DOCUMENTS:
            self.add_error(
                "other_documents",
                f"An application holds at most {MAX_DOCUMENTS} documents; you have {total}. "
                "Please combine some into one PDF or leave some out.",
            )
            return cleaned_data
        for name, kind, uploaded in uploads:
            try:
                self.new_documents.append((kind, clean_upload(uploaded)))
            except ValidationError as error:
                self.add_error(name, error)
        program = cleaned_data.get("program")
        if program and not self.is_draft:
            have = {d.kind for d in kept} | {kind for _, kind, _ in uploads}
            for kind in sorted(required_kinds(program) - have):
                name = document_field_name(kind)
                if name in self.fields and name not in self.errors:
                    self.add_error(name, f"{program.name} asks for this document. Please choose a file.")
        return cleaned_data

    # Layout

    def documents_fieldset(self):
        names = [*self.document_fields]
        if "remove_documents" in self.fields:
            names.insert(0, "remove_documents")
        return Fieldset(
            "Documents",
            HTML(
                '<p class="form-text mb-3">PDF, JPEG or PNG only, at most 10 MB each. We decide the type '
                "from the file’s content, not its name. Password-protected PDFs cannot be read.</p>"
            ),
            *names,
            css_class="form-section",
            css_id="documents",
        )


def _join(names):
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


class IndividualApplicationForm(ApplicationForm):
    kind = Kind.INDIVIDUAL
    required_fields = (
        "full_name",
        "country",
        "city",
        "profession",
        "credential_type",
        "credential_issuer",
        "years_of_practice",
        "motivation",
        "consent_privacy",
    )

    class Meta:
        model = Application
        fields = [
            "program",
            "prior_training",
            "full_name",
            "email",
            "phone",
            "country",
            "city",
            "profession",
            "credential_type",
            "credential_number",
            "credential_issuer",
            "employer",
            "years_of_practice",
            "populations",
            "motivation",
            "heard_about",
            "consent_privacy",
            "list_in_registry",
        ]
        labels = {
            "full_name": "Full name",
            "email": "Email",
            "phone": "Telephone",
            "profession": "Profession",
            "credential_type": "Type of licence or credential",
            "credential_number": "Licence or credential number",
            "credential_issuer": "Issuing body",
            "employer": "Employer or organisation",
            "years_of_practice": "Years of practice",
            "prior_training": "Prior NMT training",
            "heard_about": "How did you hear about the NMT?",
            "motivation": "Statement of motivation",
            "consent_privacy": "I have read the privacy notice above and agree to it.",
            "list_in_registry": "List me in the public registry of certified clinicians once I am certified.",
        }
        help_texts = {
            "full_name": "As it should appear on your certificate.",
            "email": "We write to you here about this application, and send your private links.",
            "phone": "Optional. Include the country code, e.g. +1 713 555 0100.",
            "city": "Where you practise.",
            "profession": "For example: clinical psychologist, social worker, occupational therapist.",
            "credential_type": "For example: licensed clinical social worker (LCSW).",
            "credential_number": "If your licence or credential has a number.",
            "credential_issuer": "The board, college or body that issued it.",
            "employer": "Leave empty if you are in private practice.",
            "years_of_practice": "Whole years since you were first licensed or credentialed.",
            "prior_training": "NMT trainings, case-based trainings or levels you have completed, with the year.",
            "motivation": "Why you are applying and how you will use the NMT in your work. Up to 5,000 characters.",
            "list_in_registry": "The registry shows your name, country, city and level. You can change your mind "
            "later by writing to us.",
        }
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "country": forms.Select(attrs={"autocomplete": "country"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "profession": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "credential_type": forms.TextInput(attrs={"autocomplete": "off"}),
            "credential_number": forms.TextInput(attrs={"autocomplete": "off"}),
            "credential_issuer": forms.TextInput(attrs={"autocomplete": "off"}),
            "employer": forms.TextInput(attrs={"autocomplete": "organization"}),
            "years_of_practice": forms.NumberInput(attrs={"min": 0, "max": 70, "inputmode": "numeric"}),
            "prior_training": forms.Textarea(attrs={"rows": 3}),
            "motivation": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].label = "Program or level"
        self.fields["phone"].validators.append(phone_validator)
        self.fields["years_of_practice"].validators.append(MaxValueValidator(70))
        self.fields["heard_about"].choices = [("", "Choose one (optional)"), *HeardAbout.choices]

    def get_layout(self):
        return Layout(
            Fieldset("Program", "program", "prior_training", css_class="form-section", css_id="program"),
            Fieldset("About you", "full_name", "email", "phone", "country", "city", css_class="form-section"),
            Fieldset(
                "Licence or credential",
                "profession",
                "credential_type",
                "credential_number",
                "credential_issuer",
                css_class="form-section",
            ),
            Fieldset("Practice", "employer", "years_of_practice", "populations", css_class="form-section"),
            Fieldset("Motivation", "motivation", "heard_about", css_class="form-section"),
            self.documents_fieldset(),
            Fieldset(
                "Privacy and the registry",
                HTML('{% include "certifications/includes/privacy_notice.html" %}'),
                "consent_privacy",
                "list_in_registry",
                css_class="form-section",
            ),
        )


class SiteApplicationForm(ApplicationForm):
    kind = Kind.SITE
    required_fields = (
        "organisation_name",
        "organisation_type",
        "address_line1",
        "city",
        "country",
        "staff_to_train",
        "settings_served",
        "coordinator_name",
        "coordinator_role",
        "phone",
        "sponsor_name",
        "sponsor_title",
        "services_description",
        "sustainability_plan",
        "consent_privacy",
    )

    class Meta:
        model = Application
        fields = [
            "program",
            "organisation_name",
            "organisation_type",
            "website",
            "staff_to_train",
            "address_line1",
            "address_line2",
            "city",
            "region",
            "postal_code",
            "country",
            "coordinator_name",
            "coordinator_role",
            "email",
            "phone",
            "sponsor_name",
            "sponsor_title",
            "sponsor_email",
            "populations",
            "settings_served",
            "services_description",
            "sustainability_plan",
            "consent_privacy",
            "show_on_map",
        ]
        labels = {
            "organisation_name": "Organisation name",
            "organisation_type": "Type of organisation",
            "website": "Website",
            "staff_to_train": "Number of staff to be trained",
            "address_line1": "Street address",
            "address_line2": "Address line 2",
            "region": "State, province or region",
            "coordinator_name": "Coordinator’s name",
            "coordinator_role": "Coordinator’s role",
            "email": "Coordinator’s email",
            "phone": "Coordinator’s telephone",
            "sponsor_name": "Sponsor’s name",
            "sponsor_title": "Sponsor’s title",
            "sponsor_email": "Sponsor’s email",
            "settings_served": "Settings served",
            "services_description": "Description of services",
            "sustainability_plan": "How the NMT will be sustained",
            "consent_privacy": "I have read the privacy notice above and agree to it on behalf of the organisation.",
            "show_on_map": "Show the site on the public partner map once it is certified.",
        }
        help_texts = {
            "organisation_name": "As it should appear on the certificate.",
            "website": "Optional, e.g. https://www.example.org",
            "staff_to_train": "Roughly how many staff will take part in the training.",
            "postal_code": "Optional where your country has none.",
            "region": "Optional.",
            "coordinator_name": "The person who coordinates the NMT at the site; we write to them.",
            "email": "We write here about this application and send the private links here.",
            "phone": "Include the country code, e.g. +1 713 555 0100.",
            "sponsor_name": "The executive who supports the site’s certification.",
            "sponsor_email": "Optional.",
            "settings_served": "For example: outpatient clinic, classrooms, residential units, home visits.",
            "services_description": "What the organisation does and for whom. Up to 5,000 characters.",
            "sustainability_plan": "Internal trainers, supervision, case reviews, budget: how the NMT will last "
            "beyond the first training. Up to 5,000 characters.",
            "show_on_map": "The map shows the organisation’s name, city and website.",
        }
        widgets = {
            "organisation_name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "website": forms.URLInput(attrs={"autocomplete": "url", "placeholder": "https://"}),
            "staff_to_train": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
            "address_line1": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "address_line2": forms.TextInput(attrs={"autocomplete": "address-line2"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "region": forms.TextInput(attrs={"autocomplete": "address-level1"}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "country": forms.Select(attrs={"autocomplete": "country"}),
            "coordinator_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "coordinator_role": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "sponsor_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "sponsor_title": forms.TextInput(attrs={"autocomplete": "off"}),
            "sponsor_email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "settings_served": forms.Textarea(attrs={"rows": 3}),
            "services_description": forms.Textarea(attrs={"rows": 5}),
            "sustainability_plan": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].label = "Certification"
        self.fields["phone"].validators.append(phone_validator)
        self.fields["staff_to_train"].validators.append(MinValueValidator(1))
        self.fields["organisation_type"].choices = [
            ("", "Choose a type"),
            *self.fields["organisation_type"].choices[1:],
        ]
        self.fields["populations"].help_text = "Choose every population the site serves."

    def get_layout(self):
        return Layout(
            Fieldset("Program", "program", css_class="form-section", css_id="program"),
            Fieldset(
                "Organisation",
                "organisation_name",
                "organisation_type",
                "website",
                "staff_to_train",
                css_class="form-section",
            ),
            Fieldset(
                "Address",
                "address_line1",
                "address_line2",
                "city",
                "region",
                "postal_code",
                "country",
                css_class="form-section",
            ),
            Fieldset(
                "Site coordinator",
                "coordinator_name",
                "coordinator_role",
                "email",
                "phone",
                css_class="form-section",
            ),
            Fieldset("Executive sponsor", "sponsor_name", "sponsor_title", "sponsor_email", css_class="form-section"),
            Fieldset(
                "Services",
                "populations",
                "settings_served",
                "services_description",
                "sustainability_plan",
                css_class="form-section",
            ),
            self.documents_fieldset(),
            Fieldset(
                "Privacy and the partner map",
                HTML('{% include "certifications/includes/privacy_notice.html" %}'),
                "consent_privacy",
                "show_on_map",
                css_class="form-section",
            ),
        )


# The status page and the lookup


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="If you tell us why, we can improve the process. Up to 2,000 characters.",
    )
    confirm = forms.BooleanField(
        label="Yes, withdraw this application. I understand this cannot be undone.",
        error_messages={"required": "Tick this box to confirm that you want to withdraw."},
    )


class RespondForm(forms.Form):
    """The applicant's answer to an information request, with any documents asked for."""

    message = forms.CharField(
        label="Your answer",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Up to 5,000 characters.",
    )
    document_kind = forms.ChoiceField(label="What are the files below?", required=False)
    documents = MultipleFileField(
        label="Documents",
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        self.room = max(MAX_DOCUMENTS - application.documents.count(), 0)
        kinds = _respond_kinds(application.kind)
        self.fields["document_kind"].choices = [(k, DocumentKind(k).label) for k in kinds]
        self.fields["document_kind"].initial = DocumentKind.OTHER
        self.fields["documents"].help_text = (
            f"Optional. {FILE_HELP} You can add {self.room} more "
            f"document{'' if self.room == 1 else 's'} to this application."
        )
        if self.room == 0:
            del self.fields["documents"]
            del self.fields["document_kind"]
        self.new_documents = []

    def clean(self):
        cleaned_data = super().clean()
        uploads = cleaned_data.get("documents") or []
        if len(uploads) > self.room:
            self.add_error(
                "documents",
                f"An application holds at most {MAX_DOCUMENTS} documents; you can add {self.room} more. "
                "Please combine some into one PDF.",
            )
            return cleaned_data
        kind = cleaned_data.get("document_kind") or DocumentKind.OTHER
        for uploaded in uploads:
            try:
                self.new_documents.append((kind, clean_upload(uploaded)))
            except ValidationError as error:
                self.add_error("documents", error)
        return cleaned_data


def _respond_kinds(kind):
    individual = [
        DocumentKind.OTHER,
        DocumentKind.CV,
        DocumentKind.LICENCE,
        DocumentKind.TRAINING_CERTIFICATE,
        DocumentKind.REFERENCE_LETTER,
    ]
    site = [DocumentKind.OTHER, DocumentKind.ORGANISATION_CHART, DocumentKind.LETTER_OF_SUPPORT]
    return individual if kind == Kind.INDIVIDUAL else site


class LookupForm(forms.Form):
    reference = forms.CharField(
        label="Reference number",
        max_length=20,
        help_text="As in your confirmation email, e.g. NMT-I-2026-00042.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label="Email",
        help_text="The address the application was made with.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_reference(self):
        reference = normalise_reference(self.cleaned_data["reference"])
        if not REFERENCE_PATTERN.match(reference):
            raise ValidationError("Enter the reference as it appears in your email, e.g. NMT-I-2026-00042.")
        return reference


def normalise_reference(value):
    """Upper case, no spaces, and any kind of dash made a hyphen: "nmt–i–2026–00042 " becomes NMT-I-2026-00042."""
    value = re.sub(r"\s+", "", str(value or "")).upper()
    return re.sub(r"[\u2010-\u2015\u2212]", "-", value)
