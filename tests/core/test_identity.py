"""The portal's identity is written once: tokens.css holds every colour and the type, the brand
fonts are self-hosted with their licence, and every text colour pair the tokens promise is WCAG AA."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.html import elements

pytestmark = pytest.mark.django_db

STATIC = Path(settings.BASE_DIR) / "static"
PUBLIC_CSS = ["portal", "applications", "certificate", "events", "library", "partners", "photos"]

# (text, background) token pairs the components use, and the contrast each must keep.
TEXT_PAIRS = [
    ("ink", None),
    ("ink", "sand"),
    ("ink", "mist"),
    ("primary", None),
    ("link", None),
    ("link", "sand"),
    ("link", "mist"),
    ("muted", None),
    ("muted", "sand"),
    ("muted", "mist"),
    ("accent", None),
    ("accent", "sand"),
    ("accent-ink", "accent-tint"),
    ("primary-dark", "primary-tint"),
    ("success", None),
    ("danger", None),
    ("on-dark", "primary-dark"),
    ("on-dark", "primary"),
    ("on-dark-muted", "primary-dark"),
    ("on-dark-muted", "primary"),
    ("on-dark", "success"),
    ("ink", "warning-tint"),
]


def tokens():
    css = (STATIC / "css" / "tokens.css").read_text()
    return dict(re.findall(r"--nmt-([a-z-]+):\s*(#[0-9a-f]{6})\s*;", css))


def contrast(first, second):
    def luminance(colour):
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted([luminance(first), luminance(second)], reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize(("text", "background"), TEXT_PAIRS)
def test_every_text_colour_pair_of_the_tokens_meets_wcag_aa(text, background):
    palette = tokens()

    assert contrast(palette[text], palette.get(background, "#ffffff")) >= 4.5


def test_the_focus_ring_stands_out_on_the_dark_header():
    palette = tokens()

    assert contrast(palette["focus"], palette["primary-dark"]) >= 3


@pytest.mark.parametrize("name", PUBLIC_CSS)
def test_public_styles_take_their_colours_from_the_tokens(name):
    css = (STATIC / "css" / f"{name}.css").read_text()

    assert set(re.findall(r"#[0-9a-fA-F]{3,8}\b", css)) <= {"#fff"}


def test_every_font_face_is_a_vendored_woff2_under_its_open_font_licence():
    css = (STATIC / "css" / "fonts.css").read_text()
    urls = re.findall(r'url\("([^"]+)"\)', css)

    assert len(urls) == 8
    for url in urls:
        path = (STATIC / "css" / url).resolve()
        assert path.is_file(), url
        assert path.read_bytes()[:4] == b"wOF2"
        assert "SIL Open Font License" in (path.parent / "LICENSE").read_text()
    assert re.findall(r'font-family: "([^"]+)";', css) == ["Source Sans 3"] * 6 + ["Source Serif 4"] * 2


def test_every_page_loads_the_tokens_and_fonts_before_its_own_styles_and_preloads_the_faces_above_the_fold(client):
    html = client.get("/").content.decode()

    sheets = [attrs["href"] for _, attrs, _ in elements(html, "link", rel="stylesheet")]
    assert sheets == [
        "/static/vendor/bootstrap-5.3.9/css/bootstrap.min.css",
        "/static/css/tokens.css",
        "/static/css/fonts.css",
        "/static/css/portal.css",
        "/static/css/print.css",
        "/static/css/no-script.css",
    ]
    preloads = [attrs for _, attrs, _ in elements(html, "link", rel="preload")]
    assert preloads == [
        {
            "rel": "preload",
            "href": f"/static/vendor/fontsource-5.3.1/{face}.woff2",
            "as": "font",
            "type": "font/woff2",
            "crossorigin": None,
        }
        for face in (
            "source-sans-3/source-sans-3-latin-400-normal",
            "source-sans-3/source-sans-3-latin-600-normal",
            "source-serif-4/source-serif-4-latin-600-normal",
        )
    ]
    # A face that arrives after the first paint is never swapped in: swapping moves the page.
    css = (STATIC / "css" / "fonts.css").read_text()
    assert re.findall(r"font-display: (\w+);", css) == ["optional"] * 8


def test_what_needs_a_script_is_left_out_by_a_style_sheet_only_when_scripts_are_off(client):
    html = client.get("/").content.decode()

    assert '<noscript><link rel="stylesheet" href="/static/css/no-script.css"></noscript>' in html
    css = (STATIC / "css" / "no-script.css").read_text()
    assert ".needs-script { display: none !important; }" in css


def test_the_admin_wears_the_portal_colours(admin_client):
    html = admin_client.get("/admin/").content.decode()

    sheets = [attrs["href"] for _, attrs, _ in elements(html, "link", rel="stylesheet")]
    assert sheets.index("/static/css/tokens.css") < sheets.index("/static/css/admin-theme.css")
    assert elements(html, "img", **{"class": "admin-logo"})[0][1]["src"] == "/static/img/logo.svg"


def test_the_home_page_illustrations_are_the_portals_own_and_decorative(client):
    html = client.get("/").content.decode()

    images = [attrs for _, attrs, _ in elements(html, "img") if "/illustrations/" in attrs["src"]]
    assert [attrs["src"].rsplit("/", 1)[1] for attrs in images] == [
        "hero-growth.svg",
        "way-learn.svg",
        "way-certify.svg",
        "way-partners.svg",
    ]
    assert {attrs["alt"] for attrs in images} == {""}
    for attrs in images:
        svg = (STATIC / attrs["src"].removeprefix("/static/")).read_text()
        assert "Made for the NMT Portal" in svg
        assert 'aria-hidden="true"' in svg
        assert "href" not in svg  # nothing fetched from elsewhere
