"""The home page's sections, given by the apps that own their data: `core` imports no app, so an
app registers a section (a template and the function that fills it) when it is ready.

    @home_section("certifications/includes/home_figures.html", order=10)
    def figures(request):
        return {"figures": ...}

The home page is a public page (cached for everyone), so a section's context is the same for
every visitor and may read only public content.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class HomeSection:
    order: int
    template: str
    context: object  # callable(request) -> dict


_sections = []


def home_section(template, *, order):
    def register(function):
        _sections.append(HomeSection(order, template, function))
        return function

    return register


def home_sections(request):
    """[(template, context)] of every registered section, in order."""
    return [(section.template, section.context(request)) for section in sorted(_sections, key=lambda s: s.order)]
