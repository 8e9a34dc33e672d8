"""The public registry: who is listed, search, filters, pagination and its query count."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.certifications import services
from apps.core.roles import SITE_ADMINISTRATORS
from tests.factories import make_application, make_certificate, make_program, make_staff
from tests.html import elements, labels, text_of

pytestmark = pytest.mark.django_db


def _listed_names(response):
    return [certificate.holder_name for certificate in response.context["certificates"]]


def _certified(name, *, kind="individual", listed=True, country="US", city="Houston", program=None, **overrides):
    fields = {"full_name": name} if kind == "individual" else {"organisation_name": name}
    application = make_application(
        status="approved",
        kind=kind,
        list_in_registry=listed,
        country=country,
        city=city,
        **({"program": program} if program else {}),
        **fields,
    )
    return make_certificate(application=application, **overrides)


def test_registry_lists_consenting_clinicians_and_active_sites_only(client):
    today = timezone.localdate()
    _certified("Ada Listed")
    _certified("Ben Unlisted", listed=False)
    _certified("Harbor Clinic", kind="site")
    _certified("Old Clinic", kind="site", issued_on=today - timedelta(days=800), expires_on=today - timedelta(days=1))
    revoked = _certified("Revoked Site", kind="site")
    services.certificate_revoke(certificate=revoked, user=make_staff(role=SITE_ADMINISTRATORS), reason="Closed.")
    make_application(status="in_review", full_name="Cara Pending", list_in_registry=True)

    response = client.get("/registry/")

    assert response.status_code == 200
    assert _listed_names(response) == ["Ada Listed", "Harbor Clinic"]
    html = response.content.decode()
    assert "NMT certification attests completed training, not clinical competence." in html


def test_a_site_leaves_the_registry_the_day_after_its_certificate_expires(client):
    today = timezone.localdate()
    site = _certified("Harbor Clinic", kind="site", issued_on=today - timedelta(days=730))

    site.__class__.objects.filter(pk=site.pk).update(expires_on=today)
    on_the_day = _listed_names(client.get("/registry/"))
    site.__class__.objects.filter(pk=site.pk).update(expires_on=today - timedelta(days=1))
    day_after = _listed_names(client.get("/registry/"))

    assert (on_the_day, day_after) == (["Harbor Clinic"], [])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "ada"}, ["Ada Lovelace"]),
        ({"q": "toronto"}, ["Maple Centre"]),
        ({"q": "ada lovelace"}, ["Ada Lovelace"]),
        ({"country": "CA"}, ["Maple Centre"]),
        ({"kind": "site"}, ["Maple Centre"]),
        ({"kind": "individual"}, ["Ada Lovelace", "Grace Hopper"]),
        ({"program": "mentor"}, ["Grace Hopper"]),
        ({"q": "nobody"}, []),
    ],
)
def test_registry_search_and_filters(client, query, expected):
    mentor = make_program(name="NMT Mentor", slug="mentor")
    _certified("Ada Lovelace")
    _certified("Grace Hopper", program=mentor)
    _certified("Maple Centre", kind="site", country="CA", city="Toronto")

    response = client.get("/registry/", query)

    assert _listed_names(response) == expected


@pytest.mark.parametrize(
    ("query", "heading"),
    [
        ({"q": "ada"}, "1 certified listing matches your search"),
        ({"kind": "individual"}, "2 certified listings match your search"),
        ({"q": "nobody"}, "0 certified listings match your search"),
        ({}, "2 certified listings"),
        ({"kind": "site", "q": ""}, "0 certified listings match your search"),
    ],
)
def test_the_registry_heading_counts_in_grammatical_sentences(client, query, heading):
    _certified("Ada Lovelace")
    _certified("Grace Hopper")

    html = client.get("/registry/", query).content.decode()

    assert text_of(html, "h2", id="results-heading") == heading


def test_registry_form_is_labelled_and_offers_only_listed_countries(client):
    _certified("Ada Lovelace", country="GB", city="London")
    _certified("Hidden Person", listed=False, country="FR")

    html = client.get("/registry/").content.decode()

    assert labels(html) == {
        "id_q": "Name or city",
        "id_country": "Country",
        "id_program": "Level",
        "id_kind": "Clinicians or sites",
        "verify-number": "Certificate number",
    }
    countries = [text for _, attrs, text in elements(html, "option") if attrs.get("value") in {"", "GB", "FR"}]
    assert "United Kingdom" in countries
    assert "France" not in countries


def test_a_tampered_filter_is_shown_at_the_field_and_the_rest_still_filters(client):
    _certified("Ada Lovelace")
    _certified("Maple Centre", kind="site")

    response = client.get("/registry/", {"country": "ZZ", "kind": "site"})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["country"]
    assert _listed_names(response) == ["Maple Centre"]


def test_registry_is_paginated_and_keeps_the_filters(client):
    program = make_program()
    for i in range(27):
        _certified(f"Person {i:02d}", program=program)

    first = client.get("/registry/", {"kind": "individual"})
    second = client.get("/registry/", {"kind": "individual", "page": 2})

    assert len(_listed_names(first)) == 25
    assert _listed_names(second) == ["Person 25", "Person 26"]
    next_link = [attrs["href"] for _, attrs, text in elements(first.content.decode(), "a") if text == "Next"]
    assert next_link == ["?kind=individual&page=2"]


@pytest.mark.parametrize("size", [3, 30])
def test_registry_query_count_does_not_grow(client, django_assert_max_num_queries, size):
    program = make_program()
    for i in range(size):
        _certified(f"Person {i:02d}", program=program, country="US" if i % 2 else "CA")

    with django_assert_max_num_queries(5):
        response = client.get("/registry/", {"q": "person"})

    assert len(_listed_names(response)) == min(size, 25)


def test_registry_refuses_posts(client):
    assert client.post("/registry/").status_code == 405
