"""Template context every page needs: the footer's contact details and the main navigation."""

from django.conf import settings

from .models import SiteSettings

SITE_NAME = "Neurosequential Model of Therapeutics"

NAVIGATION = [
    ("About", "/pages/about/"),
    ("FAQ", "/faq/"),
    ("Certification", "/certification/"),
    ("Partners", "/partners/"),
    ("Trainings", "/events/"),
    ("Library", "/library/"),
    ("Contact", "/contact/"),
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
    }
