"""The individual and site application forms, built from sections.py: which fields, their order and
headings, what is required and every message; the labels and help texts are the model's.

Forms check the shape of the input; services check the rules. Every uploaded file goes through
`clean_upload` in `clean()`, and nothing is stored until the whole form is valid.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils.text import capfirst
from django_countries import countries

from ..models import Application, Certificate, HeardAbout, Kind, Population, Program, Status
from ..sections import error_messages, questions_of, sections_of
from .documents import DocumentsMixin

# What a draft needs: where to send the link that continues it, and the program that decides its documents.
DRAFT_FIELDS = {"email", "program"}

# Its message is the phone question's "invalid" one in sections.py.
phone_validator = RegexValidator(r"^\+?[0-9][0-9 ()./-]{4,30}(\s*(x|ext\.?)\s*[0-9]{1,6})?$")

# How each field is typed, for either kind.
WIDGETS = {
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
    "organisation_name": forms.TextInput(attrs={"autocomplete": "organization"}),
    "website": forms.URLInput(attrs={"autocomplete": "url", "placeholder": "https://"}),
    "staff_to_train": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
    "address_line1": forms.TextInput(attrs={"autocomplete": "address-line1"}),
    "address_line2": forms.TextInput(attrs={"autocomplete": "address-line2"}),
    "region": forms.TextInput(attrs={"autocomplete": "address-level1"}),
    "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code"}),
    "coordinator_name": forms.TextInput(attrs={"autocomplete": "name"}),
    "coordinator_role": forms.TextInput(attrs={"autocomplete": "organization-title"}),
    "sponsor_name": forms.TextInput(attrs={"autocomplete": "off"}),
    "sponsor_title": forms.TextInput(attrs={"autocomplete": "off"}),
    "sponsor_email": forms.EmailInput(attrs={"autocomplete": "off"}),
    "settings_served": forms.Textarea(attrs={"rows": 3}),
    "services_description": forms.Textarea(attrs={"rows": 5}),
    "sustainability_plan": forms.Textarea(attrs={"rows": 5}),
}


class SiteCertificateField(forms.ModelChoiceField):
    """A certified site, typed as its certificate number: the choice is the site's approved
    application, found by a certificate of a site that is active today. An unknown, individual,
    expired or revoked number is one message, "invalid_choice"."""

    widget = forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})

    def __init__(self, **kwargs):
        # A site is its first application; a renewal's certificate names the same site.
        super().__init__(
            queryset=Application.objects.filter(kind=Kind.SITE, status=Status.APPROVED, renews__isnull=True), **kwargs
        )

    def prepare_value(self, value):
        # What the person typed is shown back as typed; a stored site as its current certificate's number.
        if isinstance(value, Application):
            value = value.pk
        if isinstance(value, int):
            certificate = Certificate.objects.select_related("renewed_by").filter(application_id=value).first()
            return certificate.current_in_line().number if certificate else ""
        return value

    def to_python(self, value):
        number = (value or "").strip()
        if not number:
            return None
        if "\x00" in number or len(number) > 40:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        certificate = (
            Certificate.objects.active()
            .filter(kind=Kind.SITE, number__iexact=number, application__status=Status.APPROVED)
            .select_related("application", "renews")
            .first()
        )
        site = certificate.first_in_line().application if certificate else None
        if site is None or site.renews_id is not None or site.kind != Kind.SITE:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return site

    def has_changed(self, initial, data):
        return str(self.prepare_value(initial) or "").upper() != str(data or "").strip().upper()


class ProgramChoiceField(forms.ModelChoiceField):
    widget = forms.RadioSelect

    def label_from_instance(self, program):
        return program.name


class ApplicationForm(DocumentsMixin, forms.ModelForm):
    """What both application forms share: the questions of sections.py, program choice, documents, drafts.

    `draft=True` relaxes every requirement but DRAFT_FIELDS. `programs` are the open programs of the
    form's kind with their documents prefetched. `section` (a slug of sections.py) makes it the form
    of that one section's page: its fields only, and the draft's program deciding its documents.
    """

    kind = None
    # Each visitor's own: the template renders it outside the blank form's cached fragment, so it
    # stays out of the layout.
    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    program = ProgramChoiceField(queryset=Program.objects.none(), empty_label=None)
    populations = forms.MultipleChoiceField(choices=Population.choices, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, programs, draft=False, section=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_draft = draft
        self.programs = list(programs)
        self.sections = self.get_sections()
        if section is not None:
            self.sections = [s for s in self.sections if s.slug == section]
        self.instance.kind = self.kind
        self.fields["program"].queryset = Program.objects.open().filter(kind=self.kind)
        # The radio buttons list the programs already fetched, instead of querying again.
        self.fields["program"].choices = [(p.pk, p.name) for p in self.programs]
        self.fields["country"].choices = [("", "Choose a country"), *countries]
        self.fields["phone"].validators.append(phone_validator)
        self.adjust_fields()
        self.stored_documents = list(self.instance.documents.all()) if self.instance.pk else []
        self.add_document_fields()
        self._ask_questions()
        names = ["submission_key", *(name for section in self.sections for name in self.names_in(section))]
        for name in set(self.fields) - set(names):
            del self.fields[name]
        # Fields in page order, so that the error summary lists them as the page does.
        self.order_fields(names)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = self.get_layout()

    def _ask_questions(self):
        """Each question's wording (the model's unless sections.py words it for the form), whether it
        is required, and its messages."""
        for question in questions_of(self.kind):
            field = self.fields[question.name]
            model_field = Application._meta.get_field(question.name)
            field.label = question.label or capfirst(model_field.verbose_name)
            field.help_text = question.help_text or model_field.help_text
            field.required = question.required and (not self.is_draft or question.name in DRAFT_FIELDS)
            field.error_messages.update(error_messages(question.name, getattr(field, "max_length", None)))

    def get_sections(self):
        return sections_of(self.kind)

    def adjust_fields(self):
        """What one kind's fields need beyond sections.py (a range, the empty choice's words)."""

    def names_in(self, section):
        return self.document_field_names() if section.documents else section.field_names

    def clean_program(self):
        # The instance with its documents already fetched, so the checks below query nothing more.
        program = self.cleaned_data["program"]
        return next((p for p in self.programs if p.pk == program.pk), program)

    @property
    def is_section(self):
        """The form of one section's page (whose heading is the page's h1, not a legend)."""
        return len(self.sections) == 1

    def clean(self):
        cleaned_data = super().clean()
        self.new_documents, self.documents_to_remove = [], []
        if "other_documents" in self.fields:
            self.clean_documents(cleaned_data)
        return cleaned_data

    def get_layout(self):
        """One fieldset per section of sections.py, its slug as the fieldset's id; a section's own
        page has the section's heading as its h1, so its questions stand without a fieldset."""
        parts = []
        for section in self.sections:
            if section.documents:
                parts.append(self.documents_fieldset(section))
                continue
            notice = [HTML(f'{{% include "{section.notice}" %}}')] if section.notice else []
            if self.is_section:
                parts.extend([*notice, *section.field_names])
                continue
            parts.append(
                Fieldset(section.heading, *notice, *section.field_names, css_class="form-section", css_id=section.slug)
            )
        return Layout(*parts)


class IndividualApplicationForm(ApplicationForm):
    kind = Kind.INDIVIDUAL
    works_at = SiteCertificateField(required=False)

    class Meta:
        model = Application
        fields = [question.name for question in questions_of(Kind.INDIVIDUAL)]
        widgets = WIDGETS

    def adjust_fields(self):
        self.fields["years_of_practice"].validators.append(MaxValueValidator(70))
        self.fields["heard_about"].choices = [("", "Choose one (optional)"), *HeardAbout.choices]


class SiteApplicationForm(ApplicationForm):
    kind = Kind.SITE

    class Meta:
        model = Application
        fields = [question.name for question in questions_of(Kind.SITE)]
        widgets = WIDGETS

    def adjust_fields(self):
        self.fields["staff_to_train"].validators.append(MinValueValidator(1))
        self.fields["organisation_type"].choices = [
            ("", "Choose a type"),
            *self.fields["organisation_type"].choices[1:],
        ]


APPLICATION_FORMS = {Kind.INDIVIDUAL: IndividualApplicationForm, Kind.SITE: SiteApplicationForm}
