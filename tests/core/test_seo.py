"""Search and sharing: title, description, canonical and Open Graph tags, robots directives, robots.txt."""

import re

import pytest
from django.urls import reverse

from apps.certifications.models import Status
from apps.certifications.tokens import certificate_path, draft_url, status_url
from apps.core.seo import DISALLOWED_PATHS, NOINDEX_URL_NAMES
from apps.events.tokens import cancel_url
from apps.learning.tokens import ce_url, make_ce_token
from tests.factories import (
    make_application,
    make_certificate,
    make_event,
    make_page,
    make_partner,
    make_publication,
    make_question,
    make_registration,
)
from tests.html import elements

pytestmark = pytest.mark.django_db

SITE = "https://nmt.example.org"
SHARE_CARD = f"{SITE}/static/img/share-card.png"
SUFFIX = " · Neurosequential Model of Therapeutics (NMT)"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def _head(html):
    """{name or property: content} of the <meta> tags, plus "canonical" and "title"."""
    tags = {}
    for _, attrs, _text in elements(html, "meta"):
        key = attrs.get("name") or attrs.get("property")
        if key:
            tags[key] = attrs.get("content")
    links = elements(html, "link", rel="canonical")
    tags["canonical"] = links[0][1]["href"] if links else None
    tags["canonical_count"] = len(links)
    tags["title"] = elements(html, "title")[0][2]
    return tags


def _tags(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return _head(response.content.decode())


def test_information_page_has_description_canonical_and_open_graph_tags(client):
    make_page(title="Evidence base", slug="evidence-base", summary="Studies of the NMT in clinical settings.")

    tags = _tags(client, "/pages/evidence-base/?utm_source=newsletter&fbclid=abc")

    assert tags["title"] == "Evidence base" + SUFFIX
    assert tags["description"] == "Studies of the NMT in clinical settings."
    assert tags["canonical"] == f"{SITE}/pages/evidence-base/"
    assert tags["canonical_count"] == 1
    assert tags["og:url"] == f"{SITE}/pages/evidence-base/"
    assert tags["og:title"] == "Evidence base" + SUFFIX
    assert tags["og:description"] == "Studies of the NMT in clinical settings."
    assert tags["og:type"] == "article"
    assert tags["og:site_name"] == "Neurosequential Model of Therapeutics (NMT)"
    assert tags["og:image"] == SHARE_CARD
    assert (tags["og:image:width"], tags["og:image:height"], tags["og:image:type"]) == ("1200", "630", "image/png")
    assert tags["twitter:card"] == "summary_large_image"
    assert "robots" not in tags


def test_home_page_tags(client):
    tags = _tags(client, "/")

    assert tags["title"] == "Neurosequential Model of Therapeutics (NMT): training, certification and partners"
    assert tags["og:title"] == tags["title"]
    assert tags["canonical"] == f"{SITE}/"
    assert tags["og:type"] == "website"
    assert tags["description"] == (
        "The Neurosequential Model of Therapeutics (NMT): a developmentally sensitive, "
        "neurobiology-informed approach to clinical problem solving."
    )


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("/faq/", "/faq/"),
        ("/certification/", "/certification/"),
        ("/registry/", "/registry/"),
        ("/partners/", "/partners/"),
        ("/events/", "/events/"),
        ("/library/", "/library/"),
        ("/contact/", "/contact/"),
        ("/apply/individual/", "/apply/individual/"),
    ],
)
def test_public_pages_canonicalise_to_their_absolute_path(client, url, canonical):
    tags = _tags(client, f"{url}?utm_campaign=spring&gclid=1")

    assert tags["canonical"] == SITE + canonical
    assert tags["og:url"] == SITE + canonical
    assert tags["og:image"] == SHARE_CARD
    assert tags["description"]
    assert "robots" not in tags


def test_detail_pages_have_their_own_title_and_description(client):
    event = make_event(title="Spring case conference", slug="spring-case-conference")
    publication = make_publication(title="Clinical applications", slug="clinical-applications", year=2017)
    partner = make_partner(name="Harbor Child Center", slug="harbor-child-center")

    event_tags = _tags(client, event.get_absolute_url())
    publication_tags = _tags(client, publication.get_absolute_url())
    partner_tags = _tags(client, partner.get_absolute_url())

    assert event_tags["title"] == "Spring case conference" + SUFFIX
    assert event_tags["canonical"] == f"{SITE}/events/spring-case-conference/"
    assert event_tags["description"].startswith("Case-based training: Spring case conference, ")
    assert publication_tags["title"] == "Clinical applications" + SUFFIX
    assert publication_tags["description"] == "Bruce D. Perry (2017): Clinical applications."
    assert publication_tags["og:type"] == "article"
    assert publication_tags["canonical"] == f"{SITE}/library/clinical-applications/"
    assert partner_tags["title"] == "Harbor Child Center" + SUFFIX
    assert partner_tags["canonical"] == f"{SITE}/partners/harbor-child-center/"


def test_later_page_of_a_list_canonicalises_to_itself(client, settings):
    for _ in range(51):  # FAQ_PAGE_SIZE is 50
        make_question()

    tags = _tags(client, "/faq/?page=2&utm_source=x")

    assert tags["canonical"] == f"{SITE}/faq/?page=2"
    assert "robots" not in tags


def test_first_page_of_a_list_has_no_page_number_in_its_canonical(client):
    make_question()

    assert _tags(client, "/faq/?page=1")["canonical"] == f"{SITE}/faq/"


def test_search_results_are_noindex_and_canonicalise_to_the_list(client):
    make_question(question="What is the NMT?")

    response = client.get("/faq/?q=NMT")
    tags = _head(response.content.decode())

    assert tags["canonical"] == f"{SITE}/faq/"
    assert tags["robots"] == "noindex"
    assert response["X-Robots-Tag"] == "noindex"


def test_filtered_list_canonicalises_to_the_list(client):
    make_publication()

    response = client.get("/library/?kind=article&page=1")
    tags = _head(response.content.decode())

    assert tags["canonical"] == f"{SITE}/library/"
    assert "robots" not in tags
    assert not response.has_header("X-Robots-Tag")


def test_canonical_comes_from_site_url_never_from_the_host_header(client, settings):
    settings.ALLOWED_HOSTS = ["evil.example.com", "testserver"]

    tags = _tags(client, "/faq/", HTTP_HOST="evil.example.com")

    assert tags["canonical"] == f"{SITE}/faq/"
    assert tags["og:image"] == SHARE_CARD


def test_error_page_has_no_canonical(client):
    response = client.get("/does-not-exist/")

    tags = _head(response.content.decode())
    assert response.status_code == 404
    assert tags["canonical"] is None
    assert "og:url" not in tags


def test_every_page_links_the_print_stylesheet(client):
    html = client.get("/").content.decode()

    assert elements(html, "link", rel="stylesheet", media="print") == [
        ("link", {"rel": "stylesheet", "href": "/static/css/print.css", "media": "print"}, "")
    ]


# ROBOTS DIRECTIVES


def _private_urls():
    """One URL of each private-link or form-result page, by URL name."""
    draft = make_application(status=Status.DRAFT)
    application = make_application(status=Status.SUBMITTED)
    certificate = make_certificate()
    registration = make_registration()
    event = registration.event
    return {
        "certifications:resume": draft_url(draft).removeprefix(SITE),
        "certifications:apply-section": reverse(
            "certifications:apply-section", kwargs={"kind": "individual", "section": "program"}
        ),
        "certifications:apply-check": reverse("certifications:apply-check", kwargs={"kind": "individual"}),
        "certifications:apply-received": reverse("certifications:apply-received"),
        "certifications:apply-saved": reverse("certifications:apply-saved"),
        "certifications:status": status_url(application).removeprefix(SITE),
        "certifications:lookup-sent": reverse("certifications:lookup-sent"),
        "certifications:document-download": reverse("certifications:document-download", kwargs={"pk": 1}),
        "certifications:certificate": certificate_path(certificate),
        "events:registered": reverse("events:registered", kwargs={"slug": event.slug}),
        "events:cancel": cancel_url(registration).removeprefix(SITE),
        "learning:participant": ce_url(registration).removeprefix(SITE),
        "learning:evaluation": reverse("learning:evaluation", kwargs={"token": make_ce_token(registration)}),
        "learning:post-test": reverse("learning:post-test", kwargs={"token": make_ce_token(registration)}),
        "inquiries:thanks": reverse("inquiries:thanks"),
        "admin": "/admin/login/",
    }


def test_every_private_page_is_sent_noindex(client):
    urls = _private_urls()

    assert set(urls) == set(NOINDEX_URL_NAMES)
    for name, url in urls.items():
        response = client.get(url)
        assert response["X-Robots-Tag"] == NOINDEX_URL_NAMES[name], (name, url, response.status_code)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html") and name != "admin":
            assert _head(response.content.decode())["robots"] == NOINDEX_URL_NAMES[name], name


def test_private_pages_rendered_for_real_carry_the_meta_tag_and_no_canonical(client):
    registration = make_registration()
    application = make_application(status=Status.SUBMITTED)

    for url, directive in [
        (status_url(application).removeprefix(SITE), "noindex"),
        (cancel_url(registration).removeprefix(SITE), "noindex"),
        (certificate_path(make_certificate()), "noindex, nofollow"),
        ("/contact/thanks/", "noindex"),
    ]:
        response = client.get(url)
        tags = _head(response.content.decode())
        assert response.status_code == 200, url
        assert tags["robots"] == directive, url
        # Its address holds the secret: nothing to canonicalise or share.
        assert (tags["canonical"], tags.get("og:url")) == (None, None), url


@pytest.mark.parametrize("url", ["/", "/faq/", "/certification/", "/events/", "/contact/", "/status/", "/robots.txt"])
def test_public_pages_are_not_sent_noindex(client, url):
    response = client.get(url)

    assert response.status_code == 200
    assert not response.has_header("X-Robots-Tag")


def test_every_private_page_is_disallowed_by_robots_txt(client):
    rules = [re.compile(re.escape(path).replace(r"\*", ".*")) for path in DISALLOWED_PATHS]

    for name, url in _private_urls().items():
        assert any(rule.match(url) for rule in rules), (name, url)
    for url in [
        "/",
        "/faq/",
        "/verify/NMT-2026-0001/",
        "/ce-credit/",
        "/events/spring/",
        "/events/spring/register/",
        "/partners/",
    ]:
        assert not any(rule.match(url) for rule in rules), url


# ROBOTS.TXT


def test_robots_txt_names_the_private_paths_and_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "User-agent: *\n"
        "Disallow: /admin/\n"
        "Disallow: /apply/resume/\n"
        "Disallow: /apply/*/sections/\n"
        "Disallow: /apply/*/check/\n"
        "Disallow: /apply/received/\n"
        "Disallow: /apply/saved/\n"
        "Disallow: /applications/\n"
        "Disallow: /status/sent/\n"
        "Disallow: /staff/\n"
        "Disallow: /certificates/\n"
        "Disallow: /events/*/registered/\n"
        "Disallow: /events/*/cancel/\n"
        "Disallow: /ce/\n"
        "Disallow: /contact/thanks/\n"
        "Disallow: /accounts/\n"
        "Disallow: /my/\n"
        "\n"
        "Sitemap: https://nmt.example.org/sitemap.xml\n"
    )


def test_public_pages_have_unique_titles_and_descriptions(client):
    from tests.factories import make_phase_one, make_site_program

    make_phase_one()
    make_site_program()
    for _ in range(51):
        make_question()
    event = make_event()
    make_page(slug="about", summary="What the Neurosequential Model of Therapeutics is and who uses it.")
    urls = [
        "/",
        "/faq/",
        "/faq/?page=2",
        "/pages/about/",
        "/certification/",
        "/apply/individual/",
        "/apply/site/",
        "/status/",
        "/registry/",
        "/partners/",
        "/events/",
        "/events/past/",
        event.get_absolute_url(),
        f"{event.get_absolute_url()}register/",
        "/library/",
        "/contact/",
    ]

    heads = {url: _tags(client, url) for url in urls}

    titles = [tags["title"] for tags in heads.values()]
    descriptions = [tags["description"] for tags in heads.values()]
    assert len(set(titles)) == len(urls), titles
    assert heads["/faq/?page=2"]["title"] == "Frequently asked questions, page 2" + SUFFIX
    # The FAQ's pages share their description; every other page has its own.
    assert len(set(descriptions)) == len(urls) - 1, descriptions
    assert all(len(description) >= 50 for description in descriptions), descriptions
