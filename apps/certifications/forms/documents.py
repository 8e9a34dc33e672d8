"""The document inputs of the application forms: which kinds a form offers, what each program
requires, the documents a draft keeps, and every file checked before anything is stored."""

from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from apps.core.uploads import MAX_UPLOAD_SIZE, clean_upload

from ..models import DocumentKind, Kind
from ..services import MAX_DOCUMENTS

ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
FILE_HELP = f"PDF, JPEG or PNG, at most {filesizeformat(MAX_UPLOAD_SIZE)}."


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file input that accepts several files; `clean` returns a list (empty when none)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        single = super().clean
        return [single(item, initial) for item in files if item]


def document_field_name(kind):
    return "other_documents" if kind == DocumentKind.OTHER else f"document_{kind}"


def required_kinds(program):
    """The document kinds `program` requires; every individual application needs a CV."""
    kinds = {d.kind for d in program.documents.all() if d.required}
    if program.kind == Kind.INDIVIDUAL:
        kinds.add(DocumentKind.CV)
    return kinds


def renewal_required_kinds(program):
    """The document kinds `program` requires of a renewal (its own list; no CV unless it asks)."""
    return {d.kind for d in program.renewal_documents.all() if d.required}


def _files_of(value):
    if not value:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _join(names):
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


class DocumentsMixin:
    """The documents section of an ApplicationForm: a file input per kind an open program asks for,
    one input for other documents, and a resumed draft's kept documents, each of which can be removed.

    Reads the form's `kind`, `programs`, `is_draft`, `is_section`, `instance` and `stored_documents`.
    `clean_documents` sets `new_documents` (checked files, not yet stored) and `documents_to_remove`.
    """

    @property
    def section_program(self):
        """On a section's page, the draft's program when it is open (None on the one-page form,
        where the applicant chooses the program beside the documents)."""
        if not self.is_section or not self.instance.program_id:
            return None
        return next((p for p in self.programs if p.pk == self.instance.program_id), None)

    @property
    def document_programs(self):
        """The programs whose documents the inputs offer: the section's program, else every open one."""
        return [self.section_program] if self.section_program else self.programs

    # Every individual application asks for a CV, whatever the program (a renewal does not).
    asks_cv = True

    def requested_documents(self, program):
        """The documents `program` asks this form for (a renewal's form asks for its renewal documents)."""
        return program.documents.all()

    def required_kinds(self, program):
        return required_kinds(program)

    def document_kinds(self):
        """The kinds with a file input: those the programs ask for (the CV for individuals)."""
        kinds = {d.kind for p in self.document_programs for d in self.requested_documents(p)} - {DocumentKind.OTHER}
        if self.kind == Kind.INDIVIDUAL and self.asks_cv:
            kinds.add(DocumentKind.CV)
        return [kind for kind in DocumentKind.values if kind in kinds]

    def add_document_fields(self):
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
            # Rendered by kept_documents.html as the list of what the draft keeps, not as pending uploads.
            self.fields["remove_documents"] = forms.MultipleChoiceField(
                label="Kept with your draft",
                required=False,
                choices=[(str(d.pk), d.original_name) for d in self.stored_documents],
                widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                error_messages={"invalid_choice": "Choose only documents listed here."},
            )

    def document_field_names(self):
        """The names of the section's inputs in page order: the kept documents first."""
        names = [*self.document_fields]
        if self.stored_documents:
            names.insert(0, "remove_documents")
        return names

    def kept_documents(self):
        """(document, its "remove" checkbox) for each document a resumed draft keeps."""
        if not self.stored_documents:
            return []
        return list(zip(self.stored_documents, self["remove_documents"], strict=True))

    def _requirement_text(self, kind):
        if kind == DocumentKind.CV and self.kind == Kind.INDIVIDUAL and self.asks_cv:
            return "Required for every program."
        programs = self.document_programs
        required = [p.name for p in programs if kind in self.required_kinds(p)]
        optional = [
            p.name for p in programs if any(d.kind == kind and not d.required for d in self.requested_documents(p))
        ]
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
                document_field_name(d.kind): "required" if d.required else "optional"
                for d in self.requested_documents(program)
            }
            for kind in self.required_kinds(program):
                fields[document_field_name(kind)] = "required"
            fields.setdefault("other_documents", "optional")
            data[str(program.pk)] = fields
        return data

    def clean_documents(self, cleaned_data):
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
            return
        for name, kind, uploaded in uploads:
            try:
                self.new_documents.append((kind, clean_upload(uploaded)))
            except ValidationError as error:
                self.add_error(name, error)
        program = cleaned_data.get("program") or self.section_program
        if program and not self.is_draft:
            have = {d.kind for d in kept} | {kind for _, kind, _ in uploads}
            for kind in sorted(self.required_kinds(program) - have):
                name = document_field_name(kind)
                if name in self.fields and name not in self.errors:
                    self.add_error(name, f"{program.name} asks for this document. Please choose a file.")

    def documents_fieldset(self, section):
        """The section's inputs, in a fieldset on the one-page form; on the section's own page (whose
        h1 is the heading) as they are."""
        kept = [HTML('{% include "certifications/includes/kept_documents.html" %}')] if self.stored_documents else []
        parts = [
            HTML(
                '<p class="form-text mb-3">PDF, JPEG or PNG only, at most 10 MB each. We decide the type '
                "from the file’s content, not its name. Password-protected PDFs cannot be read.</p>"
            ),
            *kept,
            *self.document_fields,
        ]
        if self.is_section:
            return Layout(*parts)
        return Fieldset(section.heading, *parts, css_class="form-section", css_id=section.slug)
