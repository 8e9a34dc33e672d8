"""Country names, looked up once per language.

django-countries translates a name at each call (some 40 µs: lazy translation and its fallbacks),
and the public lists show one per row and a menu of them per page. The names only change with the
language (and with a deploy), so each process keeps them, per language: at most every ISO code in
every language the portal speaks.
"""

from functools import cache

from django.utils.translation import get_language
from django_countries import countries


def country_name(code):
    """The name of the country `code` (a code or a django-countries Country) in the active language;
    empty for no country."""
    code = getattr(code, "code", code)
    return _name(code, get_language()) if code else ""


@cache
def _name(code, language):
    return str(countries.name(code))
