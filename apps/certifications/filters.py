"""The public registry's search and filter form (GET, so results can be bookmarked and shared)."""

from django import forms
from django.db.models import Q

from apps.core.countries import country_name
from apps.core.form_messages import choice_messages, text_messages
from apps.core.widgets import FilterSelect

from .models import Kind


class RegistryFilterForm(forms.Form):
    q = forms.CharField(
        label="Name or city",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control", "autocomplete": "off"}),
        error_messages=text_messages(what="The search", limit=100),
    )
    country = forms.ChoiceField(
        label="Country",
        required=False,
        widget=FilterSelect(attrs={"class": "form-select"}),
        error_messages=choice_messages("a country"),
    )
    # The level by its slug; the menu's programs come from the view (kept with the content
    # version), so the form asks the database nothing.
    program = forms.ChoiceField(
        label="Level",
        required=False,
        widget=FilterSelect(attrs={"class": "form-select"}),
        error_messages=choice_messages("a level"),
    )
    kind = forms.ChoiceField(
        label="Clinicians or sites",
        required=False,
        choices=[("", "Clinicians and sites"), *Kind.choices],
        widget=FilterSelect(attrs={"class": "form-select"}),
        error_messages=choice_messages("clinicians or sites"),
    )

    def __init__(self, *args, country_codes=(), programs=(), **kwargs):
        """`programs`: (slug, name) of each level, in the menu's order."""
        super().__init__(*args, **kwargs)
        names = sorted(((code, country_name(code)) for code in country_codes), key=lambda item: item[1])
        self.fields["country"].choices = [("", "Any country"), *names]
        self.fields["program"].choices = [("", "Any level"), *programs]
        for name in self.errors if self.is_bound else ():
            self.fields[name].widget.attrs["class"] += " is-invalid"

    def filter(self, queryset):
        """`queryset` narrowed by every valid field; an invalid one (a tampered link) filters nothing
        and shows its error at the field."""
        if not self.is_bound:
            return queryset
        self.is_valid()
        data = self.cleaned_data
        for word in (data.get("q") or "").split()[:6]:
            queryset = queryset.filter(Q(holder_name__icontains=word) | Q(city__icontains=word))
        if data.get("country"):
            queryset = queryset.filter(country=data["country"])
        if data.get("program"):
            queryset = queryset.filter(program__slug=data["program"])
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        return queryset
