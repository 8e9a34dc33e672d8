"""FilterSelect writes the same markup as Django's Select, in Python."""

import pytest
from django import forms
from django.test.html import parse_html

from apps.certifications.models import Program
from apps.core.widgets import FilterSelect
from tests.factories import make_program

CHOICES = [("", "Any country"), ("CA", "Canada"), ("CI", "Côte d’Ivoire"), ("X&Y", "<Tags> & “quotes”")]


@pytest.mark.parametrize("value", [None, "", "CA", "X&Y", "not a choice"])
def test_filter_select_renders_what_django_select_renders(value):
    attrs = {"class": "form-select", "aria-invalid": "true", "id": "id_country"}
    ours = FilterSelect(attrs=attrs, choices=CHOICES).render("country", value)
    django = forms.Select(attrs=attrs, choices=CHOICES).render("country", value)

    assert parse_html(ours) == parse_html(django)


def test_filter_select_escapes_values_and_labels():
    html = FilterSelect(choices=CHOICES).render("country", "X&Y")

    assert '<option value="X&amp;Y" selected>&lt;Tags&gt; &amp; “quotes”</option>' in html


def test_filter_select_leaves_grouped_choices_to_django():
    grouped = [("Americas", [("CA", "Canada"), ("US", "United States")]), ("FR", "France")]

    html = FilterSelect(choices=grouped).render("country", "US")

    assert parse_html(html) == parse_html(forms.Select(choices=grouped).render("country", "US"))
    assert '<optgroup label="Americas">' in html


@pytest.mark.django_db
def test_filter_select_reads_a_model_choice_field_in_one_query(django_assert_num_queries):
    program = make_program()

    class Form(forms.Form):
        level = forms.ModelChoiceField(
            queryset=Program.objects.all(), to_field_name="slug", empty_label="Any level", widget=FilterSelect
        )

    with django_assert_num_queries(1):
        html = str(Form(initial={"level": program.slug})["level"])

    assert f'<option value="{program.slug}" selected>{program.name}</option>' in html
    assert '<option value="">Any level</option>' in html
