"""Nothing moves once a page is shown (Lighthouse's Cumulative Layout Shift): the brand faces are
preloaded and never swapped in late (font-display: optional), and the map keeps its space from
the first paint instead of being revealed by its script. On a phone's viewport, where text wraps
most and the map sits above the list."""

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import TILES
from tests.factories import make_partner, make_publication

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every layout shift the page makes, from the first paint on (buffered). All of them: the test
# gives no input, yet Chromium flags shifts on an emulated touch screen as "had recent input".
RECORD_SHIFTS = """
window.layoutShifts = [];
window.layoutShiftObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.layoutShifts.push(entry.value);
});
window.layoutShiftObserver.observe({ type: "layout-shift", buffered: true });
"""

# Once the fonts are in, two frames are painted (a shift is measured when its frame is painted);
# then the shifts the observer holds but has not yet handed over are taken too.
TOTAL_SHIFT = """async () => {
  await document.fonts.ready;
  for (let frame = 0; frame < 2; frame++) await new Promise((done) => requestAnimationFrame(done));
  const pending = window.layoutShiftObserver.takeRecords().map((entry) => entry.value);
  return window.layoutShifts.concat(pending).reduce((a, b) => a + b, 0);
}"""


@pytest.fixture
def phone(browser, live_server):
    # The observer is added as an init script, which the CSP would otherwise refuse.
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 412, "height": 823},
        device_scale_factor=1.75,
        is_mobile=True,
        has_touch=True,
        bypass_csp=True,
    )
    context.route(TILES, lambda route: route.abort())
    page = context.new_page()
    page.add_init_script(RECORD_SHIFTS)
    page.set_default_timeout(20_000)
    # A phone's network: every request waits a round trip, so a face the page asks for only once
    # its style sheets are in arrives after the first paint, as it does for a visitor.
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 150, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    yield page
    context.close()


def settled_shift(page, path, drawn=None):
    """The page's layout shift once it has settled: fonts loaded and, for a map, `drawn` visible."""
    page.goto(path)
    if drawn:
        expect(page.locator(drawn)).to_be_visible()
    shift = page.evaluate(TOTAL_SHIFT)
    fonts = page.evaluate("[...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family)")
    return shift, fonts


@pytest.mark.parametrize("path", ["/", "/faq/", "/certification/", "/pages/about/", "/events/"])
def test_content_pages_do_not_move_when_their_fonts_arrive(phone, starter_content, path):
    shift, fonts = settled_shift(phone, path)

    assert shift == 0
    assert {"Source Sans 3", "Source Serif 4"} <= set(fonts)


def test_the_library_does_not_move(phone, starter_content):
    make_publication(title="A long title that wraps over more than one line on a phone", year=2020)

    shift, _ = settled_shift(phone, "/library/")

    assert shift == 0


def test_the_partners_map_keeps_its_space_while_its_script_draws_it(phone):
    for i in range(3):
        make_partner(name=f"Partner {i}")

    shift, _ = settled_shift(phone, "/partners/", drawn="#partners-map[data-markers='3']")

    assert shift == 0


def test_a_partner_page_keeps_the_map_space(phone):
    partner = make_partner(name="Harbor")

    shift, _ = settled_shift(phone, f"/partners/{partner.slug}/", drawn="#partner-map .leaflet-marker-icon")

    assert shift == 0
