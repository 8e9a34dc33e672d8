"""row_url: the address reverse() gives, without a reverse() per row."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from apps.core.links import row_url


@pytest.mark.parametrize(
    ("viewname", "name", "value"),
    [
        ("partners:detail", "slug", "harbor-house_2"),
        ("events:detail", "slug", "case-based-training-2027-q1"),
        ("library:detail", "slug", "examining-child-maltreatment"),
        ("library:pdf", "slug", "the-boy-who-was-raised"),
        ("certifications:verify", "number", "NMT-C-2025-00001-75VM8B"),
    ],
)
def test_the_address_is_the_one_reverse_gives(viewname, name, value):
    assert row_url(viewname, **{name: value}) == reverse(viewname, kwargs={name: value})


def test_a_value_beyond_slug_characters_goes_to_reverse():
    assert row_url("certifications:verify", number="a b&c") == "/verify/a%20b&c/"
    with pytest.raises(NoReverseMatch):
        row_url("partners:detail", slug="not a slug")
    with pytest.raises(NoReverseMatch):
        row_url("certifications:verify", number="one/two")


def test_the_script_prefix_is_followed():
    try:
        set_script_prefix("/nmt/")
        assert row_url("partners:detail", slug="harbor") == "/nmt/partners/harbor/"
    finally:
        set_script_prefix("/")
    assert row_url("partners:detail", slug="harbor") == "/partners/harbor/"


def test_another_urlconf_is_followed(settings):
    settings.ROOT_URLCONF = "tests.core.urls_elsewhere"

    assert row_url("partners:detail", slug="harbor") == "/elsewhere/harbor/"
