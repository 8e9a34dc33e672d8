"""The renewal form: one page with the details of the application form (sections.py's renewal
sections, prefilled), a box to tick for each statement the program asks holders to attest, and
the program's renewal documents."""

from crispy_forms.layout import Fieldset
from django import forms

from ..sections import renewal_sections_of
from .applications import APPLICATION_FORMS
from .documents import renewal_required_kinds

ATTESTATIONS_HEADING = "Since your last certificate"


class RenewalFormMixin:
    """Mixed into a kind's application form: the program is the certificate's, the sections are
    the renewal's, and the documents the program's renewal documents."""

    asks_cv = False

    def __init__(self, *args, **kwargs):
        program = kwargs["instance"].program
        super().__init__(*args, programs=[program], **kwargs)
        self.attestation_fields = {}
        statements = program.attestation_list
        for position, statement in enumerate(statements):
            name = f"attest_{position}"
            self.fields[name] = forms.BooleanField(
                label=statement,
                required=not self.is_draft,
                initial=statement in (self.instance.attestations or []),
                error_messages={"required": "Tick the box to confirm this, or write to us if it is not so."},
            )
            self.attestation_fields[name] = statement
        self.helper.layout = self.get_layout()

    def get_sections(self):
        return renewal_sections_of(self.kind)

    @property
    def section_program(self):
        return self.instance.program

    def requested_documents(self, program):
        return program.renewal_documents.all()

    def required_kinds(self, program):
        return renewal_required_kinds(program)

    def get_layout(self):
        layout = super().get_layout()
        if getattr(self, "attestation_fields", None):
            fieldset = Fieldset(
                ATTESTATIONS_HEADING, *self.attestation_fields, css_class="form-section", css_id="attestations"
            )
            # Before the documents that bear them out.
            position = next(
                (i for i, part in enumerate(layout.fields) if getattr(part, "css_id", "") == "documents"),
                len(layout.fields),
            )
            layout.fields.insert(position, fieldset)
        return layout

    @property
    def attested(self):
        """The statements ticked, in the program's order (what the renewal records)."""
        return [statement for name, statement in self.attestation_fields.items() if self.cleaned_data.get(name)]


RENEWAL_FORMS = {
    kind: type(f"{form.__name__.removesuffix('ApplicationForm')}RenewalForm", (RenewalFormMixin, form), {})
    for kind, form in APPLICATION_FORMS.items()
}


def renewal_form(renewal, *, data=None, files=None, later=False, **kwargs):
    """The renewal form of `renewal` (a draft or a prefilled, unsaved renewal). `later`: "save and
    come back later", which checks only the shape of what is typed."""
    return RENEWAL_FORMS[renewal.kind](data, files, instance=renewal, draft=later, **kwargs)
