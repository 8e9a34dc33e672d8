"""The forms of the applicant's private status page: withdrawing, and answering an information request."""

from django import forms
from django.core.exceptions import ValidationError

from apps.core.uploads import clean_upload

from ..models import DocumentKind, Kind
from ..services import MAX_DOCUMENTS
from .documents import ACCEPT, FILE_HELP, MultipleFileField, MultipleFileInput


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
