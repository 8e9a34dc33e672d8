"""/sitemap.xml (an index) and its sections: public pages only, on SITE_URL, in constant queries."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.partners.models import Partner
from tests.factories import make_event, make_page, make_partner, make_publication, make_question

pytestmark = pytest.mark.django_db

SITE = "https://nmt.example.org"
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def _parse(content):
    return ET.fromstring(content)  # noqa: S314 - the portal's own sitemap, not outside input


def _locations(client, url, tag="url", **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/xml"
    root = _parse(response.content)
    return [element.text for element in root.findall(f"sm:{tag}/sm:loc", NS)]


def test_sitemap_index_lists_every_section(client):
    assert _locations(client, "/sitemap.xml", tag="sitemap") == [
        f"{SITE}/sitemap-pages.xml",
        f"{SITE}/sitemap-faq.xml",
        f"{SITE}/sitemap-information.xml",
        f"{SITE}/sitemap-events.xml",
        f"{SITE}/sitemap-library.xml",
        f"{SITE}/sitemap-partners.xml",
    ]


def test_sitemap_lists_the_public_pages(client):
    assert _locations(client, "/sitemap-pages.xml") == [
        f"{SITE}/",
        f"{SITE}/certification/",
        f"{SITE}/apply/individual/",
        f"{SITE}/apply/site/",
        f"{SITE}/registry/",
        f"{SITE}/partners/",
        f"{SITE}/events/",
        f"{SITE}/library/",
        f"{SITE}/contact/",
    ]


def test_sitemap_lists_published_content_only(client):
    make_page(slug="about")
    make_page(slug="draft-page", is_published=False)
    make_publication(slug="clinical-applications")
    make_publication(slug="unpublished-paper", is_published=False)
    make_event(slug="spring-training")
    make_event(slug="unpublished-training", is_published=False)
    make_event(slug="last-year", starts_at=timezone.now() - timedelta(days=365))
    make_partner(slug="harbor")
    make_partner(slug="hidden-partner", is_published=False)

    assert _locations(client, "/sitemap-information.xml") == [f"{SITE}/pages/about/"]
    assert _locations(client, "/sitemap-library.xml") == [f"{SITE}/library/clinical-applications/"]
    assert _locations(client, "/sitemap-events.xml") == [f"{SITE}/events/spring-training/"]
    assert _locations(client, "/sitemap-partners.xml") == [f"{SITE}/partners/harbor/"]


def test_sitemap_lists_each_page_of_the_faq(client):
    for _ in range(51):  # two pages of FAQ_PAGE_SIZE = 50
        make_question()
    make_question(is_published=False)

    assert _locations(client, "/sitemap-faq.xml") == [f"{SITE}/faq/", f"{SITE}/faq/?page=2"]


def test_sitemap_entries_carry_the_last_modification(client):
    page = make_page(slug="about")

    response = client.get("/sitemap-information.xml")

    root = _parse(response.content)
    assert root.find("sm:url/sm:lastmod", NS).text == page.updated_at.date().isoformat()


def test_sitemap_addresses_come_from_site_url_never_from_the_host_header(client, settings):
    settings.ALLOWED_HOSTS = ["evil.example.com", "testserver"]
    make_partner(slug="harbor")

    assert _locations(client, "/sitemap.xml", tag="sitemap", HTTP_HOST="evil.example.com")[0] == (
        f"{SITE}/sitemap-pages.xml"
    )
    assert _locations(client, "/sitemap-partners.xml", HTTP_HOST="evil.example.com") == [f"{SITE}/partners/harbor/"]


def test_unknown_section_or_page_is_not_found(client):
    assert client.get("/sitemap-secrets.xml").status_code == 404
    assert client.get("/sitemap-partners.xml?p=2").status_code == 404
    assert client.get("/sitemap-partners.xml?p=x").status_code == 404


def _partners(count, start=0):
    Partner.objects.bulk_create(
        Partner(
            name=f"Partner {n}",
            slug=f"partner-{n}",
            kind=Partner.Kind.ORGANISATION,
            city="Houston",
            country="US",
            latitude=Decimal("29.76"),
            longitude=Decimal("-95.37"),
            is_published=True,
        )
        for n in range(start, start + count)
    )


def test_partner_sitemap_is_paginated_and_its_queries_do_not_grow_with_rows(
    client, settings, django_assert_max_num_queries
):
    from apps.partners.sitemaps import PartnerSitemap

    limit = PartnerSitemap.limit
    _partners(3)
    # The count, the page's rows, and the site settings the context processors read.
    with django_assert_max_num_queries(3) as few:
        client.get("/sitemap-partners.xml")
    # A count per section, and an aggregate (the latest change) per section of a model.
    with django_assert_max_num_queries(9) as index_queries:
        client.get("/sitemap.xml")
    _partners(limit + 10, start=3)

    with django_assert_max_num_queries(len(few.captured_queries)):
        second_page = _locations(client, "/sitemap-partners.xml?p=2")
    with django_assert_max_num_queries(len(index_queries.captured_queries)):
        index = _locations(client, "/sitemap.xml", tag="sitemap")

    assert len(second_page) == 13
    assert second_page[0] == f"{SITE}/partners/partner-{limit}/"
    assert f"{SITE}/sitemap-partners.xml?p=2" in index
    assert len(_locations(client, "/sitemap-partners.xml")) == limit


def test_sitemap_is_served_from_the_page_cache(client, page_cache):
    make_partner(slug="harbor")

    first = client.get("/sitemap-partners.xml")
    second = client.get("/sitemap-partners.xml")

    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
