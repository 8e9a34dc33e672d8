from django import forms
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile

from apps.core.uploads import PDF, clean_upload
from apps.core.widgets import FilterSelect

from .models import Publication, normalise_doi


class PublicationAdminForm(forms.ModelForm):
    class Meta:
        model = Publication
        fields = [
            "title",
            "slug",
            "authors",
            "year",
            "kind",
            "source",
            "abstract",
            "topics",
            "url",
            "doi",
            "pdf",
            "is_published",
        ]

    def clean_doi(self):
        return normalise_doi(self.cleaned_data["doi"])

    def clean_pdf(self):
        """A newly uploaded file is checked by content (a readable, unencrypted PDF) and stored
        under a generated name; the uploaded name is never used."""
        pdf = self.cleaned_data.get("pdf")
        if isinstance(pdf, UploadedFile):
            clean = clean_upload(pdf, allowed=(PDF,))
            self.instance.pdf_size = clean.size
            return ContentFile(clean.content, name="publication.pdf")
        if not pdf:
            self.instance.pdf_size = None
        return pdf


class LibraryFilterForm(forms.Form):
    """The library's search and filters, read from the query string. Values that do not match are
    dropped rather than refused, so an old or edited link still shows the library."""

    q = forms.CharField(label="Search the library", required=False, max_length=200)
    kind = forms.ChoiceField(label="Kind", required=False, widget=FilterSelect(attrs={"class": "form-select"}))
    topic = forms.ChoiceField(label="Topic", required=False, widget=FilterSelect(attrs={"class": "form-select"}))
    year = forms.TypedChoiceField(
        label="Year", required=False, coerce=int, empty_value=None, widget=FilterSelect(attrs={"class": "form-select"})
    )

    def __init__(self, data, *, topics, years, initial=None):
        super().__init__(data, initial=initial)
        self.topics, self.years = topics, years
        self.fields["kind"].choices = [("", "All kinds"), *Publication.Kind.choices]
        self.fields["topic"].choices = [("", "All topics"), *((t.slug, t.name) for t in topics)]
        self.fields["year"].choices = [("", "All years"), *((str(y), str(y)) for y in years)]

    def shown(self):
        """The form as the page shows it: the filters it applied, selected. A value it dropped is not
        marked invalid, since nothing was refused."""
        return type(self)(None, topics=self.topics, years=self.years, initial=self.filters())

    def filters(self):
        """The valid filters as {name: value}, ignoring any that failed validation."""
        self.is_valid()
        return {
            name: self.cleaned_data[name]
            for name in ["q", "kind", "topic", "year"]
            if name not in self.errors and self.cleaned_data.get(name) not in (None, "")
        }
