import gzip
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from apps.certifications.models import Certificate
from apps.certifications.services import application_approve, application_reopen, certificate_revoke
from apps.partners import services
from apps.partners.models import Partner
from tests.factories import make_partner, make_site_certificate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(page_cache):
    """The GeoJSON is cached as a public page: these tests see it cached as in production."""


def geojson(client, **params):
    response = client.get("/partners.geojson", params)
    assert response.status_code == 200
    return json.loads(response.content)


def names(collection):
    return [feature["properties"]["name"] for feature in collection["features"]]


def test_geojson_is_an_rfc7946_feature_collection_with_longitude_first(client):
    certificate = make_site_certificate()
    make_partner(
        name="Harbor Family Services",
        slug="harbor",
        kind=Partner.Kind.SITE,
        city="Houston",
        country="US",
        latitude=Decimal("29.760427"),
        longitude=Decimal("-95.369803"),
        certificate=certificate,
    )

    response = client.get("/partners.geojson")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert json.loads(response.content) == {
        "type": "FeatureCollection",
        # A foreign member (RFC 7946, 6.1): each country's name once, not in every feature.
        "countries": {"US": "United States of America"},
        "features": [
            {
                "type": "Feature",
                # Five decimals: about a metre, what a pin on the map needs.
                "geometry": {"type": "Point", "coordinates": [-95.3698, 29.76043]},
                "properties": {
                    "name": "Harbor Family Services",
                    "slug": "harbor",
                    "kind": "site",
                    "city": "Houston",
                    "country": "US",
                    "certified": True,
                },
            }
        ],
    }


def test_geojson_coordinates_are_numbers_within_range(client):
    make_partner(latitude=Decimal("-33.868820"), longitude=Decimal("151.209296"))
    make_partner(latitude=Decimal("90"), longitude=Decimal("-180"))

    features = geojson(client)["features"]

    for feature in features:
        longitude, latitude = feature["geometry"]["coordinates"]
        assert type(longitude) is float and type(latitude) is float
        assert -180 <= longitude <= 180 and -90 <= latitude <= 90
    assert sorted(f["geometry"]["coordinates"] for f in features) == [[-180.0, 90.0], [151.2093, -33.86882]]


def test_geojson_leaves_out_unpublished_and_unplaced_partners(client):
    make_partner(name="Shown")
    make_partner(name="Draft", is_published=False)
    make_partner(name="Unplaced", is_published=False, latitude=None, longitude=None)

    assert names(geojson(client)) == ["Shown"]


def test_geojson_rounds_a_practice_to_city_level(client):
    make_partner(kind=Partner.Kind.PRACTICE, latitude=Decimal("51.507351"), longitude=Decimal("-0.127758"))

    assert geojson(client)["features"][0]["geometry"]["coordinates"] == [-0.13, 51.51]


def test_geojson_has_no_street_address_email_or_phone(client):
    make_partner(address="12 Elm Street", email="info@example.org", phone="+1 555 0100")

    body = client.get("/partners.geojson").content.decode()

    assert "Elm Street" not in body and "info@example.org" not in body and "555" not in body


@pytest.fixture
def directory():
    certificate = make_site_certificate()
    make_partner(name="Houston Site", kind=Partner.Kind.SITE, country="US", certificate=certificate)
    make_partner(name="Houston Practice", kind=Partner.Kind.PRACTICE, country="US")
    make_partner(name="Toronto Organisation", city="Toronto", region="Ontario", country="CA")
    make_partner(name="Sydney Site", kind=Partner.Kind.SITE, city="Sydney", region="New South Wales", country="AU")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Houston Practice", "Houston Site", "Sydney Site", "Toronto Organisation"]),
        ({"country": "US"}, ["Houston Practice", "Houston Site"]),
        ({"kind": "site"}, ["Houston Site", "Sydney Site"]),
        ({"certified": "on"}, ["Houston Site"]),
        ({"q": "toronto"}, ["Toronto Organisation"]),
        ({"q": "ONTARIO"}, ["Toronto Organisation"]),
        ({"q": "houston practice"}, ["Houston Practice"]),
        ({"q": "site", "country": "AU"}, ["Sydney Site"]),
        ({"country": "US", "kind": "site", "certified": "on"}, ["Houston Site"]),
        ({"country": "FR"}, []),
    ],
)
def test_geojson_filters_like_the_page(client, directory, params, expected):
    assert names(geojson(client, **params)) == expected


@pytest.mark.parametrize(
    ("params", "field"),
    [({"country": "ZZ"}, "country"), ({"kind": "castle"}, "kind"), ({"q": "x" * 101}, "q")],
)
def test_geojson_refuses_bad_filters_with_400(client, params, field):
    response = client.get("/partners.geojson", params)

    assert response.status_code == 400
    assert list(json.loads(response.content)["errors"]) == [field]


def test_geojson_is_gzipped_for_clients_that_accept_it(client):
    # Long enough to be worth compressing whatever the factory's counters (Django's gzip skips under
    # 200 bytes, and the compact document of one partner is about that).
    make_partner(name="Harbor", city="Harbor Heights, the Greater Bay Area and the towns across the river from it")

    response = client.get("/partners.geojson", headers={"Accept-Encoding": "gzip, deflate, br"})

    assert response["Content-Encoding"] == "gzip"
    assert response["Vary"] == "Accept-Encoding"
    assert names(json.loads(gzip.decompress(response.content))) == ["Harbor"]


def test_geojson_answers_304_to_a_matching_etag(client, django_assert_num_queries):
    make_partner()
    first = client.get("/partners.geojson")

    with django_assert_num_queries(0):
        again = client.get("/partners.geojson", headers={"If-None-Match": first["ETag"]})

    assert (again.status_code, again.content, again["ETag"]) == (304, b"", first["ETag"])
    assert first["Cache-Control"] == "public, no-cache"


@pytest.mark.parametrize("size", [10, 300])
def test_geojson_costs_one_query_then_none_whatever_the_size(client, django_assert_num_queries, size):
    Partner.objects.bulk_create(
        Partner(
            name=f"Bulk {i}",
            slug=f"bulk-{i}",
            city="Oslo",
            country="NO",
            latitude=Decimal("59.9") + Decimal(i) / 1000,
            longitude=Decimal("10.7"),
            is_published=True,
        )
        for i in range(size)
    )

    with django_assert_num_queries(1):
        cold = geojson(client)
    with django_assert_num_queries(0):
        warm = geojson(client)

    assert len(cold["features"]) == len(warm["features"]) == size


def test_text_searches_are_not_cached(client, django_assert_num_queries):
    make_partner(name="Harbor")
    geojson(client, q="harbor")

    with django_assert_num_queries(1):
        assert names(geojson(client, q="harbor")) == ["Harbor"]


# Invalidation: an edit shows on the map at once.


def test_saving_a_partner_through_the_service_retires_the_cached_geojson(client, django_capture_on_commit_callbacks):
    partner = make_partner(name="Old name")
    assert names(geojson(client)) == ["Old name"]

    partner.name = "New name"
    with django_capture_on_commit_callbacks(execute=True):
        services.partner_save(partner=partner)

    assert names(geojson(client)) == ["New name"]


def test_deleting_and_unpublishing_retire_the_cached_geojson(client, django_capture_on_commit_callbacks):
    gone = make_partner(name="Gone")
    hidden = make_partner(name="Hidden")
    make_partner(name="Stays")
    assert names(geojson(client)) == ["Gone", "Hidden", "Stays"]

    with django_capture_on_commit_callbacks(execute=True):
        services.partner_delete(partner=gone)
        services.partners_unpublish(partners=Partner.objects.filter(pk=hidden.pk))

    assert names(geojson(client)) == ["Stays"]


def test_a_rolled_back_change_keeps_the_cache(client, django_capture_on_commit_callbacks):
    partner = make_partner(name="Kept")
    first = client.get("/partners.geojson")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                partner.name = "Never saved"
                services.partner_save(partner=partner)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass

    assert callbacks == []
    assert client.get("/partners.geojson")["ETag"] == first["ETag"]


def test_revoking_the_certificate_takes_the_badge_off_the_map_at_once(
    client, superuser, django_capture_on_commit_callbacks
):
    certificate = make_site_certificate()
    make_partner(name="Harbor", kind=Partner.Kind.SITE, certificate=certificate)
    assert geojson(client, certified="on")["features"][0]["properties"]["certified"] is True

    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(certificate=certificate, user=superuser, reason="Requirements no longer met.")

    assert geojson(client)["features"][0]["properties"]["certified"] is False
    assert names(geojson(client, certified="on")) == []


def test_reopening_and_approving_again_moves_the_badge_at_once(client, superuser, django_capture_on_commit_callbacks):
    certificate = make_site_certificate()
    application = certificate.application
    make_partner(name="Harbor", kind=Partner.Kind.SITE, certificate=certificate)
    assert geojson(client)["features"][0]["properties"]["certified"] is True

    with django_capture_on_commit_callbacks(execute=True):
        application = application_reopen(application=application, reviewer=superuser, message="Documents in question.")
    assert geojson(client)["features"][0]["properties"]["certified"] is False

    with django_capture_on_commit_callbacks(execute=True):
        application_approve(application=application, reviewer=superuser)
    assert geojson(client)["features"][0]["properties"]["certified"] is True


def test_expiry_by_date_shows_the_next_day_without_any_write(client, monkeypatch):
    certificate = make_site_certificate()
    today = timezone.localdate()
    Certificate.objects.filter(pk=certificate.pk).update(issued_on=today - timedelta(days=730), expires_on=today)
    make_partner(name="Harbor", kind=Partner.Kind.SITE, certificate=certificate)
    assert geojson(client)["features"][0]["properties"]["certified"] is True

    # The clock moves on to tomorrow; nothing is saved, the cached entry is still within its lifetime.
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today + timedelta(days=1))

    assert geojson(client)["features"][0]["properties"]["certified"] is False


def test_cache_outage_after_commit_does_not_fail_the_write(settings, django_capture_on_commit_callbacks):
    partner = make_partner(name="Saved")
    # Nothing listens on port 1: the cache is down. The backend is production's, which decides what an outage does.
    settings.CACHES = {
        "default": {
            "BACKEND": "apps.core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }

    partner.name = "Saved anyway"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.partner_save(partner=partner)

    # The content version's bump (the one cache of the GeoJSON and the pages) ran after the commit, through the outage.
    assert "bump_content_version" in [callback.__name__ for callback in callbacks]
    assert Partner.objects.get().name == "Saved anyway"
