"""The home page: the ways in, the community's figures, the verification box and the next trainings,
each section given by the app that owns its data (apps/core/home.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import make_application, make_certificate, make_event, make_site_certificate
from tests.html import elements, text_of

pytestmark = pytest.mark.django_db


def _figures(html):
    return [text for _, _, text in elements(html, "div", class_="figure")]


def test_the_figures_count_certificates_valid_today_by_kind_and_country(client):
    make_certificate(application=make_application(status="approved", country="US"))
    make_certificate(application=make_application(status="approved", country="GB"))
    make_certificate(
        application=make_application(status="approved", country="GB"), status="revoked", revoked_reason="Withdrawn."
    )
    yesterday = timezone.localdate() - timedelta(days=1)
    make_certificate(issued_on=yesterday - timedelta(days=700), expires_on=yesterday)
    make_site_certificate()

    html = client.get("/").content.decode()

    assert _figures(html) == ["certified clinicians2", "certified site1", "countries2"]


def test_with_no_certificates_yet_the_home_page_says_so_instead_of_zeros(client):
    html = client.get("/").content.decode()

    assert _figures(html) == []
    assert "The first certificates will appear here" in html


def test_the_home_page_has_the_verification_box(client):
    html = client.get("/").content.decode()

    assert elements(html, "form", action="/verify/") != []
    assert text_of(html, "h2", id="verify-heading") == "Verify a certificate"


def test_the_next_three_published_trainings_soonest_first(client):
    now = timezone.now()
    later = make_event(title="Later", starts_at=now + timedelta(days=20))
    make_event(title="Hidden", starts_at=now + timedelta(days=1), is_published=False)
    soon = make_event(title="Soon", starts_at=now + timedelta(days=2))
    make_event(title="Over", starts_at=now - timedelta(days=2))
    middle = make_event(title="Middle", starts_at=now + timedelta(days=10))
    make_event(title="Fourth", starts_at=now + timedelta(days=40))

    html = client.get("/").content.decode()

    links = [(attrs["href"], text) for _, attrs, text in elements(html, "a", class_="fw-semibold")]
    assert links == [(event.get_absolute_url(), event.title) for event in (soon, middle, later)]


def test_the_home_page_costs_the_same_queries_whatever_the_data(client, django_assert_max_num_queries):
    for _ in range(5):
        make_certificate()
        make_event()
    client.get("/")  # the footer's settings and the figures, kept under the content version

    with django_assert_max_num_queries(1):
        assert client.get("/").status_code == 200
