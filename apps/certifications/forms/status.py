"""The forms of the applicant's private status page: withdrawing, and answering an information request."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError

from apps.core.form_messages import text_messages
from apps.core.uploads import clean_upload

from ..models import DocumentKind, Kind
from ..services import MAX_DOCUMENTS
from .documents import ACCEPT, FILE_HELP, MultipleFileField, MultipleFileInput, document_field_name


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="If you tell us why, we can improve the process. Up to 2,000 characters.",
        error_messages=text_messages(what="The reason", limit=2000),
    )
    confirm = forms.BooleanField(
        label="Yes, withdraw this application. I understand this cannot be undone.",
        error_messages={"required": "Tick this box to confirm that you want to withdraw."},
    )


class RespondForm(forms.Form):
    """The applicant's answer to an information request, with any documents asked for: one file
    input per kind of document, so that each file is filed under what it is."""

    message = forms.CharField(
        label="Your answer",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Up to 5,000 characters.",
        error_messages=text_messages(required="Enter your answer to the reviewers", what="Your answer", limit=5000),
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        self.room = max(MAX_DOCUMENTS - application.documents.count(), 0)
        self.document_fields = {}
        if self.room:
            for kind in _respond_kinds(application.kind):
                name = document_field_name(kind)
                self.fields[name] = MultipleFileField(
                    label=DocumentKind(kind).label,
                    required=False,
                    help_text=f"{FILE_HELP} You may choose several files.",
                    widget=MultipleFileInput(attrs={"accept": ACCEPT}),
                )
                self.document_fields[name] = kind
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout("message", *self._documents_layout())
        self.new_documents = []

    def _documents_layout(self):
        if not self.document_fields:
            return []
        room = f"{self.room} more document{'' if self.room == 1 else 's'}"
        return [
            Fieldset(
                "Documents (optional)",
                HTML(
                    '<p class="form-text mb-3">Choose each file under the kind of document it is. '
                    f"You can add {room} to this application, all kinds together.</p>"
                ),
                *self.document_fields,
                css_class="form-section",
            )
        ]

    def clean(self):
        cleaned_data = super().clean()
        uploads = [
            (name, kind, uploaded)
            for name, kind in self.document_fields.items()
            for uploaded in cleaned_data.get(name) or []
        ]
        if len(uploads) > self.room:
            self.add_error(
                uploads[0][0],
                f"An application holds at most {MAX_DOCUMENTS} documents; you can add {self.room} more. "
                "Please combine some into one PDF.",
            )
            return cleaned_data
        for name, kind, uploaded in uploads:
            try:
                self.new_documents.append((kind, clean_upload(uploaded)))
            except ValidationError as error:
                self.add_error(name, error)
        return cleaned_data


def _respond_kinds(kind):
    """The kinds an answer may bring for an application of `kind`: the specific ones, then "other"."""
    individual = [
        DocumentKind.CV,
        DocumentKind.LICENCE,
        DocumentKind.TRAINING_CERTIFICATE,
        DocumentKind.REFERENCE_LETTER,
    ]
    site = [DocumentKind.ORGANISATION_CHART, DocumentKind.LETTER_OF_SUPPORT]
    return [*(individual if kind == Kind.INDIVIDUAL else site), DocumentKind.OTHER]
