"""Lighthouse (scripts/ensure-lighthouse.sh) on the main public pages, mobile emulation: Accessibility
and Best Practices score 100. Scores only; Performance and its timings are bench/lighthouse.py's."""

import os

import pytest

from bench.lighthouse import LIGHTHOUSE, audit, audit_items, failing_audits, tile_server

pytestmark = [pytest.mark.browser, pytest.mark.lighthouse, pytest.mark.django_db(transaction=True)]

CATEGORIES = ("accessibility", "best-practices")
PAGES = [
    "/",
    "/faq/",
    "/certification/",
    "/apply/individual/",
    "/partners/",
    "/events/",
    "/library/",
    "/registry/",
    "/contact/",
    "/pages/privacy/",
]


@pytest.fixture(scope="session")
def lighthouse():
    if not LIGHTHOUSE.exists():
        message = f"Lighthouse is not installed at {LIGHTHOUSE}: run scripts/ensure-lighthouse.sh"
        if os.environ.get("NMT_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return audit


@pytest.fixture
def local_tiles(settings):
    """Map tiles from loopback: this machine reaches no tile provider, and tiles that fail to load
    are console errors, which Best Practices counts and a visitor's browser does not have. They are
    256 px tiles at a URL without {r}, as OpenStreetMap's (MAP_TILE_URL's default): on a phone's
    dense screen the map takes the next zoom level's tiles at half size, so they are sharp enough
    for image-size-responsive."""
    with tile_server(port=0) as url:
        origin = url.split("/{z}")[0]
        settings.MAP_TILE_URL = url
        settings.SECURE_CSP = {**settings.SECURE_CSP, "img-src": [*settings.SECURE_CSP["img-src"], origin]}
        yield url


def explain(report):
    lines = []
    for category in CATEGORIES:
        for audit_id, value in failing_audits(report, category):
            lines.append(f"{category}: {audit_id} ({value})")
            lines += [f"    {item}" for item in audit_items(report, audit_id)]
    return "\n".join(lines)


@pytest.mark.parametrize("path", PAGES)
def test_page_scores_100_for_accessibility_and_best_practices(lighthouse, live_server, content, local_tiles, path):
    report = lighthouse(live_server.url + path, categories=CATEGORIES)

    # Lighthouse's own scores, not rounded: 0.996 shows as 100 and still has a failing audit.
    assert {name: report["categories"][name]["score"] for name in CATEGORIES} == {
        "accessibility": 1,
        "best-practices": 1,
    }, explain(report)
