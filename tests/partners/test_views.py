import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from apps.certifications.services import certificate_revoke
from apps.partners.models import Partner
from tests import files
from tests.factories import make_partner, make_site_certificate
from tests.html import elements, labels, text_of
from tests.staff import admin_login

pytestmark = pytest.mark.django_db


def listed(response):
    return [partner.name for partner in response.context["partners"]]


def card_names(html):
    return [text for _, _, text in elements(html, "h3")]


# The list without JavaScript


def test_list_is_complete_without_javascript(client):
    make_partner(name="Harbor Family Services", city="Houston", region="Texas", country="US")
    make_partner(name="Draft", is_published=False)

    response = client.get("/partners/")

    html = response.content.decode()
    assert response.status_code == 200
    assert card_names(html) == ["Harbor Family Services"]
    assert text_of(html, "h2", id="results-heading") == "1 partner"
    assert "Partner organisation · Houston, Texas, United States of America" in html
    # The map is an enhancement: its space is there from the first paint (nothing moves when the
    # script draws it), left out by no-script.css when scripts are off, and labelled.
    assert '<div class="partners-map-wrap needs-script my-4" id="partners-map-wrap">' in html
    assert elements(html, "div", id="partners-map")[0][1]["aria-label"] == "Map of partners"
    assert '<script src="/static/js/partners-map.js" defer></script>' in html


def test_filter_form_has_labels_and_lists_countries_with_partners(client):
    make_partner(country="US")
    make_partner(country="CA", city="Toronto")
    make_partner(country="FR", city="Paris", is_published=False)

    html = client.get("/partners/").content.decode()

    assert labels(html) == {
        "id_q": "Name or place",
        "id_country": "Country",
        "id_kind": "Type",
        "id_certified": "NMT certified only",
    }
    options = [(attrs["value"], text) for _, attrs, text in elements(html, "option") if "value" in attrs]
    assert options[:3] == [("", "All countries"), ("CA", "Canada"), ("US", "United States of America")]
    assert elements(html, "form", id="partner-filters")[0][1]["method"] == "get"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "US"}, ["Houston Practice", "Houston Site"]),
        ({"kind": "practice"}, ["Houston Practice"]),
        ({"certified": "on"}, ["Houston Site"]),
        ({"q": "toronto"}, ["Toronto Organisation"]),
        ({"q": "nowhere"}, []),
    ],
)
def test_list_filters(client, params, expected):
    make_partner(name="Houston Site", kind=Partner.Kind.SITE, certificate=make_site_certificate())
    make_partner(name="Houston Practice", kind=Partner.Kind.PRACTICE)
    make_partner(name="Toronto Organisation", city="Toronto", country="CA")

    response = client.get("/partners/", params)

    assert listed(response) == expected
    count = len(expected)
    heading = f"{count} partner{'' if count == 1 else 's'} match{'es' if count == 1 else ''} your filters"
    assert text_of(response.content.decode(), "h2", id="results-heading") == heading


def test_filters_stay_selected_and_offer_a_way_back(client):
    make_partner(country="US", kind=Partner.Kind.SITE)

    html = client.get(
        "/partners/", {"country": "US", "kind": "site", "certified": "on", "q": "harbor"}
    ).content.decode()

    assert "selected" in elements(html, "option", value="US")[0][1]
    assert "selected" in elements(html, "option", value="site")[0][1]
    assert "checked" in elements(html, "input", id="id_certified")[0][1]
    assert elements(html, "input", id="id_q")[0][1]["value"] == "harbor"
    assert "hidden" not in elements(html, "a", id="partner-filters-clear")[0][1]
    assert "No partners match these filters." in html


def test_bad_filter_is_shown_at_its_field_and_ignored(client):
    make_partner(name="Harbor")

    response = client.get("/partners/", {"country": "ZZ", "kind": "castle"})

    html = response.content.decode()
    assert response.status_code == 200
    assert listed(response) == ["Harbor"]
    assert text_of(html, "div", id="id_country_error") == "Select a country from the list."
    assert text_of(html, "div", id="id_kind_error") == "Select a type from the list."
    [country] = elements(html, "select", id="id_country")
    assert (country[1]["class"], country[1]["aria-invalid"], country[1]["aria-describedby"]) == (
        "form-select is-invalid",
        "true",
        "id_country_error",
    )


def test_a_bookmarked_country_without_partners_stays_selectable(client):
    make_partner(country="US")

    response = client.get("/partners/", {"country": "FR"})

    html = response.content.decode()
    assert listed(response) == []
    assert "selected" in elements(html, "option", value="FR")[0][1]


def test_list_is_paginated_and_keeps_the_filters_in_page_links(client):
    for i in range(30):
        make_partner(name=f"Partner {i:02d}", country="US")
    make_partner(name="Elsewhere", country="CA")

    first = client.get("/partners/", {"country": "US"})
    second = client.get("/partners/", {"country": "US", "page": "2"})

    assert listed(first) == [f"Partner {i:02d}" for i in range(24)]
    assert listed(second) == [f"Partner {i:02d}" for i in range(24, 30)]
    html = first.content.decode()
    assert elements(html, "a", rel="next")[0][1]["href"] == "?country=US&page=2"
    assert elements(html, "nav", aria_label="Pages of partners")
    assert elements(second.content.decode(), "ol", start="25")


@pytest.mark.parametrize("page", ["99", "abc", "-1"])
def test_out_of_range_page_shows_a_page_instead_of_an_error(client, page):
    make_partner(name="Only")

    response = client.get("/partners/", {"page": page})

    assert (response.status_code, listed(response)) == (200, ["Only"])


@pytest.mark.parametrize("size", [5, 60])
def test_list_page_query_count_does_not_grow(client, django_assert_max_num_queries, size):
    certificate = make_site_certificate()
    for i in range(size):
        make_partner(kind=Partner.Kind.SITE, certificate=certificate if i % 2 else None)
    client.get("/partners/")  # warm the cached site settings and country menu

    with django_assert_max_num_queries(2):
        response = client.get("/partners/")

    assert response.context["page_obj"].paginator.count == size


def test_list_shows_the_badge_only_while_the_certificate_is_active(client, superuser):
    certificate = make_site_certificate()
    make_partner(name="Harbor", kind=Partner.Kind.SITE, certificate=certificate)

    before = client.get("/partners/").content.decode()
    certificate_revoke(certificate=certificate, user=superuser, reason="Requirements no longer met.")
    after = client.get("/partners/").content.decode()

    assert [text for _, _, text in elements(before, "span", class_="badge partner-badge")] == ["NMT certified"]
    assert elements(after, "span", class_="badge partner-badge") == []


def test_map_configuration_comes_from_settings_through_json_script(client, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "Example tiles"

    html = client.get("/partners/").content.decode()

    script = elements(html, "script", id="partners-map-config")[0]
    config = json.loads(script[2])
    assert (script[1]["type"], config["tileUrl"], config["attribution"], config["geojsonUrl"], config["listUrl"]) == (
        "application/json",
        "https://tiles.example.org/{z}/{x}/{y}.png",
        "Example tiles",
        "/partners.geojson",
        "/partners/",
    )


def test_list_escapes_partner_names(client):
    make_partner(name="<img src=x onerror=alert(1)>")

    html = client.get("/partners/").content.decode()

    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


# The detail page


def test_detail_shows_contact_details_badge_and_map(client):
    certificate = make_site_certificate()
    make_partner(
        name="Harbor Family Services",
        slug="harbor",
        kind=Partner.Kind.SITE,
        website="https://harbor.example.org",
        email="info@harbor.example.org",
        phone="+1 555 0100",
        address="12 Harbor Road",
        postal_code="77001",
        certificate=certificate,
        description="We **train** staff.",
    )

    response = client.get("/partners/harbor/")

    html = response.content.decode()
    assert response.status_code == 200
    assert text_of(html, "h1") == "Harbor Family Services"
    assert text_of(html, "span", class_="badge partner-badge") == "NMT certified"
    assert text_of(html, "address") == "12 Harbor Road 77001 Houston, Texas United States of America"
    assert elements(html, "a", href="mailto:info@harbor.example.org")
    assert elements(html, "a", href="tel:+15550100")
    assert "<p>We <strong>train</strong> staff.</p>" in html
    assert f'Holds NMT certificate <a href="/verify/{certificate.number}/">{certificate.number}</a>' in html
    config = json.loads(elements(html, "script", id="partners-map-config")[0][2])
    assert (config["point"], config["approximate"]) == ({"lat": 29.760427, "lng": -95.369803}, False)
    assert elements(html, "div", id="partner-map")[0][1]["aria-label"] == "Map showing where Harbor Family Services is"


def test_detail_page_costs_one_query(client, django_assert_num_queries):
    make_partner(slug="harbor", kind=Partner.Kind.SITE, certificate=make_site_certificate())
    client.get("/partners/harbor/")  # warm the cached site settings

    with django_assert_num_queries(1):
        response = client.get("/partners/harbor/")

    assert response.context["partner"].is_certified is True


def test_practice_page_never_shows_the_street_address_or_exact_point(client):
    make_partner(
        name="Dr Lee's practice",
        slug="lee",
        kind=Partner.Kind.PRACTICE,
        address="7 Private Lane",
        postal_code="77005",
        latitude=Decimal("29.717154"),
        longitude=Decimal("-95.401560"),
    )

    html = client.get("/partners/lee/").content.decode()

    assert "Private Lane" not in html and "77005" not in html and "29.717154" not in html
    assert text_of(html, "address") == "Houston, Texas United States of America"
    config = json.loads(elements(html, "script", id="partners-map-config")[0][2])
    assert (config["point"], config["approximate"]) == ({"lat": 29.72, "lng": -95.4}, True)
    assert "A clinician's practice is shown at city level only." in html


def test_detail_of_a_partner_with_a_lapsed_certificate_has_no_badge(client, superuser):
    certificate = make_site_certificate()
    make_partner(slug="harbor", kind=Partner.Kind.SITE, certificate=certificate)
    certificate_revoke(certificate=certificate, user=superuser, reason="Requirements no longer met.")

    html = client.get("/partners/harbor/").content.decode()

    assert elements(html, "span", class_="badge partner-badge") == []
    assert "Holds NMT certificate" not in html


def test_unpublished_partner_is_not_found_for_the_public(client):
    make_partner(slug="draft", is_published=False)

    assert client.get("/partners/draft/").status_code == 404


def test_unpublished_partner_is_not_found_for_staff_without_partner_permissions(client, staff_user):
    make_partner(slug="draft", is_published=False)
    admin_login(client, staff_user)

    assert client.get("/partners/draft/").status_code == 404


def test_staff_who_edit_partners_can_preview_an_unpublished_page(client, staff_user):
    make_partner(slug="draft", is_published=False, latitude=None, longitude=None)
    staff_user.user_permissions.add(Permission.objects.get(codename="view_partner"))
    admin_login(client, staff_user)

    response = client.get("/partners/draft/")

    html = response.content.decode()
    assert response.status_code == 200
    assert text_of(html, "div", class_="alert alert-warning") == "Not published: only staff can see this page."
    assert elements(html, "div", id="partner-map") == []


# Logos


def _with_logo(**overrides):
    partner = make_partner(**overrides)
    partner.logo.save("logo.png", ContentFile(files.png_bytes()), save=True)
    return partner


def test_logo_is_served_with_long_caching_and_nosniff(client):
    partner = _with_logo(slug="harbor")

    response = client.get(partner.logo_url)

    assert response.status_code == 200
    assert (response["Content-Type"], response["Cache-Control"], response["X-Content-Type-Options"]) == (
        "image/png",
        "public, max-age=31536000, immutable",
        "nosniff",
    )
    body = b"".join(response.streaming_content)
    with default_storage.open(partner.logo.name) as stored:
        assert body == stored.read()
    assert partner.logo_url.startswith("/partners/logos/") and partner.logo_url.endswith(".png")
    html = client.get("/partners/harbor/").content.decode()
    assert elements(html, "img", src=partner.logo_url)[0][1]["alt"] == f"{partner.name} logo"


def test_logo_of_an_unpublished_partner_is_not_served_to_the_public(client):
    partner = _with_logo(is_published=False)

    assert client.get(partner.logo_url).status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "../../settings.py",
        "0123456789abcdef0123456789abcdef.svg",
        "notalogo.png",
        "0123456789abcdef0123456789abcdef.png",
    ],
)
def test_logo_view_serves_nothing_but_partner_logos(client, name):
    default_storage.save("partners/logos/0123456789abcdef0123456789abcdef.png", ContentFile(files.png_bytes()))

    assert client.get(f"/partners/logos/{name}").status_code == 404
