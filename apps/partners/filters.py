"""The directory's filters (country, kind, certified only, text), shared by the page and the GeoJSON."""

from django import forms
from django_countries import countries

from apps.core.countries import country_name
from apps.core.form_messages import choice_messages, text_messages
from apps.core.widgets import FilterSelect

from .models import Partner


class PartnerFilterForm(forms.Form):
    q = forms.CharField(
        label="Name or place",
        required=False,
        max_length=100,
        error_messages=text_messages(what="The search", limit=100),
    )
    country = forms.ChoiceField(
        label="Country",
        required=False,
        widget=FilterSelect(attrs={"class": "form-select"}),
        error_messages=choice_messages("a country"),
    )
    kind = forms.ChoiceField(
        label="Type",
        required=False,
        choices=[("", "All types"), *Partner.Kind.choices],
        widget=FilterSelect(attrs={"class": "form-select"}),
        error_messages=choice_messages("a type"),
    )
    certified = forms.BooleanField(label="NMT certified only", required=False)

    def __init__(self, data=None, *, country_choices=None):
        """`country_choices` lists (code, name) for the page's menu; without it every ISO country is valid."""
        super().__init__(data)
        if country_choices is None:
            country_choices = list(countries)
        else:
            # A bookmarked country that has no partners any more stays valid (and selected).
            selected = (data or {}).get("country", "")
            codes = {code for code, _ in country_choices}
            if selected and selected not in codes and selected in countries:
                country_choices = sorted([*country_choices, (selected, country_name(selected))], key=lambda c: c[1])
        self.fields["country"].choices = [("", "All countries"), *country_choices]
        self.fields["q"].widget.attrs.update({"type": "search", "autocomplete": "off"})
        for name in ("country", "kind"):
            if self.is_bound and name in self.errors:
                self.fields[name].widget.attrs["class"] += " is-invalid"

    def filters(self):
        """The valid filters, normalised (the cache key and the queryset both use them).

        Call after `is_valid()`; a field with an error is left out rather than failing the page."""
        data = getattr(self, "cleaned_data", {})
        return {
            "q": " ".join(data.get("q", "").lower().split()),
            "country": data.get("country", ""),
            "kind": data.get("kind", ""),
            "certified": bool(data.get("certified")),
        }

    @property
    def is_filtered(self):
        return any(self.filters().values())


def apply_filters(queryset, filters, *, today=None):
    """Narrow a Partner queryset by normalised `filters` (see `PartnerFilterForm.filters`)."""
    if filters["q"]:
        queryset = queryset.search(filters["q"])
    if filters["country"]:
        queryset = queryset.filter(country=filters["country"])
    if filters["kind"]:
        queryset = queryset.filter(kind=filters["kind"])
    if filters["certified"]:
        queryset = queryset.certified(today=today)
    return queryset
