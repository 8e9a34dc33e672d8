"""Country names from the process's table: the names django-countries gives, per language."""

from django.utils import translation
from django_countries import countries
from django_countries.fields import Country

from apps.core.countries import country_name
from apps.core.templatetags.country_names import country_name as country_name_filter


def test_a_name_is_the_name_django_countries_gives():
    for code in ("US", "GB", "CI", "KR"):
        assert country_name(code) == str(countries.name(code))


def test_a_country_object_and_a_code_give_the_same_name():
    assert country_name(Country("NZ")) == country_name("NZ") == "New Zealand"
    assert country_name_filter(Country("NZ")) == "New Zealand"


def test_no_country_has_no_name():
    assert country_name("") == country_name(None) == country_name(Country("")) == ""


def test_names_follow_the_active_language():
    assert country_name("DE") == "Germany"
    with translation.override("fr"):
        assert country_name("DE") == "Allemagne"
    assert country_name("DE") == "Germany"
