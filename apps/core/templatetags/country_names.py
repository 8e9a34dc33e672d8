"""`{{ certificate.country|country_name }}`: a country's name from the process's table (apps.core.countries)."""

from django import template

from apps.core.countries import country_name as name_of

register = template.Library()


@register.filter
def country_name(country):
    return name_of(country)
