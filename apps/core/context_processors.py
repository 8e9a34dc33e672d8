"""Template context every page needs: the footer's contact details, the main navigation and the
robots directive of the page."""

from django.conf import settings

from .models import SiteSettings
from .seo import robots_directive

SITE_NAME = "Neurosequential Model of Therapeutics"

NAVIGATION = [
    ("About", "/pages/about/"),
    ("FAQ", "/faq/"),
    ("Certification", "/certification/"),
    ("Partners", "/partners/"),
    ("Trainings", "/events/"),
    ("Library", "/library/"),
    ("Contact", "/contact/"),
    # Everyone's sign-in and home: the same link for every visitor, so cached pages stay shared.
    ("My NMT", "/my/"),
]


def navigation(path=""):
    return [
        {"label": label, "href": href, "active": path.startswith(href), "current": path == href}
        for label, href in NAVIGATION
    ]


def site(request):
    return {
        "site_settings": SiteSettings.load(),
        "navigation": navigation(request.path),
        "site_name": SITE_NAME,
        "debug": settings.DEBUG,
        "robots": robots_directive(request),
    }
