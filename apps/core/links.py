"""The address of each row's page in a public list, without a `reverse()` per row.

`reverse()` costs some 50 µs (the namespace, the candidates, their converters, a regular
expression), and a list page links 20 to 25 rows. A detail page's address is the same text around
the one value that varies, so each process reverses a view once, with a stand-in value, and then
puts each row's value in its place. A value that is not plain slug characters goes to `reverse()`
itself, which checks it against the route's converter (and refuses what the route would).
"""

import re
from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

STAND_IN = "0stand-in0"
PLAIN = re.compile(r"[-a-zA-Z0-9_]+")  # Django's slug converter; a subset of its str converter


def row_url(viewname, **kwargs):
    """`reverse(viewname, kwargs=kwargs)` for a route that takes one value."""
    [(name, value)] = kwargs.items()
    value = str(value)
    if not PLAIN.fullmatch(value):
        return reverse(viewname, kwargs=kwargs)
    before, after = _around(viewname, name, get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
    return f"{before}{value}{after}"


@cache
def _around(viewname, name, script_prefix, urlconf, root_urlconf):
    """The text before and after the value (the arguments after `name` only key the cache: what
    `reverse()` depends on)."""
    before, after = reverse(viewname, kwargs={name: STAND_IN}).split(STAND_IN)
    return before, after
