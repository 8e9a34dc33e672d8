"""The pages bench/run.py measures, with the identifiers each database's facts give (bench/probe.py)."""

from dataclasses import dataclass

CONTENT, SEARCH, FEED, GEOJSON, FORM = "content", "search", "feed", "GeoJSON", "form"


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    kind: str


def public_pages(facts):
    """Every anonymous page: content (cached), text searches with one term each, feeds, forms."""
    country = facts["country"]
    return [
        Page("home", "/", CONTENT),
        Page("FAQ", "/faq/", CONTENT),
        Page("information page", "/pages/about/", CONTENT),
        Page("programs", "/certification/", CONTENT),
        Page("partners", "/partners/", CONTENT),
        Page("partners, late page", f"/partners/?page={facts['partners_late_page']}", CONTENT),
        Page("partners, one country", f"/partners/?country={country}", CONTENT),
        Page("partner detail", f"/partners/{facts['partner']}/", CONTENT),
        Page("events", "/events/", CONTENT),
        Page("past events", "/events/past/", CONTENT),
        Page("library", "/library/", CONTENT),
        Page("registry", "/registry/", CONTENT),
        Page("registry, late page", f"/registry/?page={facts['registry_late_page']}", CONTENT),
        Page("registry, one country", f"/registry/?country={country}", CONTENT),
        Page("verification", f"/verify/{facts['certificate']}/", CONTENT),
        Page("verification JSON", f"/verify/{facts['certificate']}.json", CONTENT),
        # Feeds carry every partner or upcoming event (200 KB gzipped for 10,000 partners).
        Page("GeoJSON (all partners)", "/partners.geojson", GEOJSON),
        Page("events.ics", "/events.ics", FEED),
        Page("individual application form", "/apply/individual/", FORM),
        Page("site application form", "/apply/site/", FORM),
        Page("FAQ search", "/faq/?q=training", SEARCH),
        Page("library search", "/library/?q=regulation", SEARCH),
        Page("registry search", "/registry/?q=okafor", SEARCH),
        Page("partners search", "/partners/?q=houston", SEARCH),
    ]


def html_pages(facts):
    """One of every public HTML page a visitor opens (bench/lighthouse.py): lists, a detail of each
    kind, the forms, and every published information page."""
    pages = [
        Page("home", "/", CONTENT),
        Page("FAQ", "/faq/", CONTENT),
        Page("programs", "/certification/", CONTENT),
        Page("individual application form", "/apply/individual/", FORM),
        Page("site application form", "/apply/site/", FORM),
        Page("partners", "/partners/", CONTENT),
        Page("partner detail", f"/partners/{facts['partner']}/", CONTENT),
        Page("events", "/events/", CONTENT),
        Page("past events", "/events/past/", CONTENT),
        Page("event detail", f"/events/{facts['event']}/", CONTENT),
        Page("library", "/library/", CONTENT),
        Page("publication detail", f"/library/{facts['publication']}/", CONTENT),
        Page("registry", "/registry/", CONTENT),
        # /verify/ is no page of its own: it redirects to the registry's verification box, which the
        # registry's audit covers (Lighthouse finds no LCP on a page scrolled to a #fragment).
        Page("verification", f"/verify/{facts['certificate']}/", CONTENT),
        Page("status lookup", "/status/", FORM),
        Page("contact form", "/contact/", FORM),
    ]
    pages += [Page(f"page {slug}", f"/pages/{slug}/", CONTENT) for slug in facts["information_pages"]]
    return pages


def admin_pages(facts):
    """The reviewer's pages: the queue, its searches, one row per list filter (a typical value), a late
    page, an application, the dashboard and the certificates."""
    queue = "/admin/certifications/application/"
    pages = [
        ("applications changelist", queue),
        ("search by name", f"{queue}?q=Whitfield&status=all"),
        ("search by reference", f"{queue}?q={facts['application'][1]}&status=all"),
        # The list filters of ApplicationAdmin (apps/certifications/admin/applications.py), in order.
        ("filter: status in review", f"{queue}?status=in_review"),
        ("filter: program", f"{queue}?program__id__exact={facts['program']}"),
        ("filter: kind site", f"{queue}?kind__exact=site"),
        ("filter: country", f"{queue}?country={facts['country']}"),
        ("filter: reviewer", f"{queue}?reviewer={facts['reviewer'] or 'me'}"),
        ("filter: unassigned", f"{queue}?reviewer=none"),
        ("filter: submitted past 7 days", f"{queue}?{facts['past_week']}"),
        ("all statuses, late page", f"{queue}?status=all&p={facts['admin_late_page']}"),
        ("application page", f"{queue}{facts['application'][0]}/change/"),
        ("dashboard", f"{queue}dashboard/"),
        ("certificates changelist", "/admin/certifications/certificate/"),
    ]
    return [Page(name, path, "admin") for name, path in pages]
