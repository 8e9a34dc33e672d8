"""An information page's sections: anchors on its headings and the "On this page" list built from them."""

import re
from dataclasses import dataclass

from django.utils.html import strip_tags
from django.utils.text import slugify

# The sanitised HTML of render_markdown: headings have no attributes, so this matches all of them.
_HEADING = re.compile(r"<h2>(.*?)</h2>", re.DOTALL)


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str


def page_sections(html):
    """(html, sections): `html` with an id on each second-level heading, and those headings in
    order. Ids are unique on the page and prefixed, so no heading can take the id of the page's
    own landmarks (`main`, `footer-heading`)."""
    sections, seen = [], set()

    def anchor(match):
        title = strip_tags(match.group(1)).strip()
        base = f"section-{slugify(title) or 'untitled'}"
        slug, n = base, 2
        while slug in seen:
            slug, n = f"{base}-{n}", n + 1
        seen.add(slug)
        sections.append(Section(slug, title))
        return f'<h2 id="{slug}">{match.group(1)}</h2>'

    return _HEADING.sub(anchor, html), sections
