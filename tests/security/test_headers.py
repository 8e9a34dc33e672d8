"""Every response carries the security headers of a strict production site: pages, redirects, form
posts, errors (400, 403, 404, 405, 410, 429, 500, 503), feeds, JSON, files, static files and the admin.

The test settings are the production settings (DEBUG off) served over plain http on loopback; the
requests below say they came over https (`secure=True`), as behind the TLS-terminating proxy.
"""

import re
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from apps.certifications.models import Status
from apps.certifications.tokens import DRAFT_SALT, make_certificate_token, make_token
from apps.events.tokens import make_cancel_token
from tests.factories import (
    make_application,
    make_certificate,
    make_document,
    make_event,
    make_partner,
    make_publication,
    make_registration,
    make_staff,
)
from tests.files import pdf_bytes, png_bytes
from tests.staff import admin_login

pytestmark = pytest.mark.django_db

SITE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https://tile.openstreetmap.org; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# Pages that need one (the admin) carry a fresh nonce for their scripts; it is as strict.
NONCE = re.compile(r" 'nonce-[A-Za-z0-9+/_=-]+'")
# Downloads (applicant documents, library PDFs) are inert: a sandbox that may load nothing.
FILE_CSP = "sandbox; default-src 'none'"
HSTS = "max-age=31536000; includeSubDomains; preload"
# None of these sends a page's path to another site. Pages whose URL holds a private token use
# "strict-origin" or "no-referrer", so the token never leaves even to the portal's own static files.
STRICT_REFERRER_POLICIES = {"same-origin", "strict-origin", "no-referrer"}
UNSAFE_SOURCES = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'wasm-unsafe-eval'")


def security_header_problems(response, *, secure=True):
    """What is missing or too weak among the response's security headers (an empty list when none)."""
    problems = []
    csp = response.get("Content-Security-Policy", "")
    if NONCE.sub("", csp) not in (SITE_CSP, FILE_CSP):
        problems.append(f"Content-Security-Policy: {csp!r}")
    if any(source in csp for source in UNSAFE_SOURCES):
        problems.append(f"Content-Security-Policy allows unsafe sources: {csp!r}")
    if secure and response.get("Strict-Transport-Security") != HSTS:
        problems.append(f"Strict-Transport-Security: {response.get('Strict-Transport-Security')!r}")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"X-Content-Type-Options: {response.get('X-Content-Type-Options')!r}")
    if response.get("X-Frame-Options") != "DENY" and "frame-ancestors 'none'" not in csp:
        problems.append(f"no frame denial: X-Frame-Options {response.get('X-Frame-Options')!r}, CSP {csp!r}")
    if response.get("Referrer-Policy") not in STRICT_REFERRER_POLICIES:
        problems.append(f"Referrer-Policy: {response.get('Referrer-Policy')!r}")
    if response.get("Permissions-Policy") != settings.PERMISSIONS_POLICY:
        problems.append(f"Permissions-Policy: {response.get('Permissions-Policy')!r}")
    if response.get("Cross-Origin-Opener-Policy") != "same-origin":
        problems.append(f"Cross-Origin-Opener-Policy: {response.get('Cross-Origin-Opener-Policy')!r}")
    return problems


def _consume(response):
    # File and static responses stream; read them so their files are closed.
    if response.streaming:
        b"".join(response.streaming_content)
    return response


# DATA for the URLs below, built through the real services.


def _expired_status_token():
    application = make_application(status=Status.SUBMITTED)
    real_time = time.time
    try:
        time.time = lambda: real_time() - timedelta(days=181).total_seconds()
        return make_token(application)
    finally:
        time.time = real_time


def _certificate(state="active"):
    today = timezone.localdate()
    if state == "expired":
        return make_certificate(issued_on=today - timedelta(days=800), expires_on=today - timedelta(days=10))
    if state == "revoked":
        return make_certificate(status="revoked", revoked_at=timezone.now(), revoked_reason="Training not completed.")
    return make_certificate()


def _partner_with_logo():
    partner = make_partner(name="Harbor Family Services")
    partner.logo.save("logo.png", ContentFile(png_bytes()), save=True)
    return partner


def _publication_with_pdf():
    publication = make_publication(slug="regulation-study")
    publication.pdf.save("study.pdf", ContentFile(pdf_bytes()), save=False)
    publication.pdf_size = publication.pdf.size
    publication.save()
    return publication


def _draft_token():
    return make_token(make_application(status=Status.DRAFT), salt=DRAFT_SALT)


# Every public URL, as (path builder, expected status): pages, their variants, feeds, files, errors.
GET_URLS = {
    "home": (lambda: "/", 200),
    "faq": (lambda: "/faq/", 200),
    "faq search": (lambda: "/faq/?q=evidence-based", 200),
    "faq without its slash": (lambda: "/faq", 301),
    **{
        f"page {slug}": (lambda slug=slug: f"/pages/{slug}/", 200)
        for slug in [
            "about",
            "evidence-base",
            "individual-certification",
            "site-certification",
            "site-certification-faqs",
            "nme",
            "privacy",
            "accessibility",
            "terms",
            "cookies",
        ]
    },
    "certification": (lambda: "/certification/", 200),
    "apply individual": (lambda: "/apply/individual/", 200),
    "apply site": (lambda: "/apply/site/", 200),
    "apply section": (lambda: "/apply/individual/sections/program/", 200),
    "resume a draft": (lambda: f"/apply/resume/{_draft_token()}/", 302),  # to its task list
    "draft saved": (lambda: "/apply/saved/", 200),
    "confirmation": (lambda: "/apply/received/", 200),
    **{
        f"status {status}": (lambda status=status: f"/applications/{make_token(make_application(status=status))}/", 200)
        for status in [Status.SUBMITTED, Status.INFO_REQUESTED, Status.APPROVED, Status.WITHDRAWN]
    },
    "status link expired": (lambda: f"/applications/{_expired_status_token()}/", 410),
    "status link tampered": (lambda: "/applications/not-a-token/", 404),
    "lookup": (lambda: "/status/", 200),
    "lookup sent": (lambda: "/status/sent/", 200),
    "registry": (lambda: _certificate() and "/registry/", 200),
    "registry search": (lambda: "/registry/?q=nobody&country=ZZ", 200),
    "verify form": (lambda: "/verify/?number=nmt-c-2026-00001", 302),
    "verify active": (lambda: _certificate().get_absolute_url(), 200),
    "verify expired": (lambda: _certificate("expired").get_absolute_url(), 200),
    "verify revoked": (lambda: _certificate("revoked").get_absolute_url(), 200),
    "verify in lower case": (lambda: _certificate().get_absolute_url().lower(), 301),
    "verify unknown": (lambda: "/verify/NMT-C-1999-99999/", 404),
    "verify json": (lambda: f"/verify/{_certificate().number}.json", 200),
    "verify json unknown": (lambda: "/verify/NMT-C-1999-99999.json", 404),
    "printable certificate": (lambda: f"/certificates/{make_certificate_token(_certificate())}/", 200),
    "partners": (lambda: _partner_with_logo() and "/partners/", 200),
    "partners filtered": (lambda: "/partners/?country=ZZ&kind=robot", 200),
    "partner": (lambda: _partner_with_logo().get_absolute_url(), 200),
    "partner logo": (lambda: _partner_with_logo().logo_url, 200),
    "geojson": (lambda: _partner_with_logo() and "/partners.geojson", 200),
    "geojson bad filter": (lambda: "/partners.geojson?country=ZZ", 400),
    "events": (lambda: make_event() and "/events/", 200),
    "past events": (lambda: "/events/past/", 200),
    "event": (lambda: make_event().get_absolute_url(), 200),
    "registration form": (lambda: make_event().get_absolute_url() + "register/", 200),
    "registration outcome": (lambda: make_event().get_absolute_url() + "registered/", 200),
    "cancellation": (
        lambda: (r := make_registration()) and f"/events/{r.event.slug}/cancel/{make_cancel_token(r)}/",
        200,
    ),
    "calendar feed": (lambda: make_event() and "/events.ics", 200),
    "event calendar": (lambda: f"/events/{make_event().slug}.ics", 200),
    "library": (lambda: "/library/?q=dog&kind=book", 200),
    "publication": (lambda: "/library/the-boy-who-was-raised-as-a-dog/", 200),
    "publication pdf": (lambda: _publication_with_pdf().pdf_url, 200),
    "contact": (lambda: "/contact/", 200),
    "contact thanks": (lambda: "/contact/thanks/", 200),
    "robots.txt": (lambda: "/robots.txt", 200),
    "sitemap index": (lambda: "/sitemap.xml", 200),
    "sitemap section": (lambda: make_event() and "/sitemap-events.xml", 200),
    "share card": (lambda: "/static/img/share-card.png", 200),
    "print stylesheet": (lambda: "/static/css/print.css", 200),
    "healthz": (lambda: "/healthz", 200),
    "readyz": (lambda: "/readyz", 200),
    "static stylesheet": (lambda: "/static/css/portal.css", 200),
    "static script": (lambda: "/static/vendor/bootstrap-5.3.9/js/bootstrap.bundle.min.js", 200),
    "static image": (lambda: "/static/img/logo.svg", 200),
    "static file missing": (lambda: "/static/css/no-such-file.css", 404),
    "page not found": (lambda: "/no-such-page/", 404),
    "document download for anonymous": (lambda: "/staff/documents/1/download/", 302),
    "admin": (lambda: "/admin/", 302),
    "admin login": (lambda: "/admin/login/", 200),
}


def test_every_public_url_carries_strict_security_headers(client, starter_content):
    answers = {}

    for name, (build, _) in GET_URLS.items():
        response = _consume(client.get(build(), secure=True))
        answers[name] = (response.status_code, security_header_problems(response))

    assert answers == {name: (status, []) for name, (_, status) in GET_URLS.items()}


def test_head_requests_carry_them_too(client, starter_content):
    response = client.head("/faq/", secure=True)

    assert (response.status_code, security_header_problems(response)) == (200, [])


def test_pages_served_from_the_page_cache_carry_them(client, settings, starter_content):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    first = client.get("/faq/", secure=True)

    second = client.get("/faq/", secure=True)

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert security_header_problems(second) == []


def test_plain_http_gets_every_header_but_hsts(client, starter_content):
    # On plain http HSTS means nothing (browsers ignore it there); production redirects to https.
    response = client.get("/", secure=False)

    assert "Strict-Transport-Security" not in response
    assert security_header_problems(response, secure=False) == []


def test_form_posts_and_their_refusals_carry_them(client, starter_content):
    event = make_event()
    contact = {"name": "Kim Lee", "email": "kim@example.org", "topic": "general", "message": "Hello."}
    registration = {"name": "Jordan Lee", "email": "jordan@example.org", "role": "clinician", "is_nmt_certified": "no"}
    lookup = {"reference": "NMT-I-2026-00042", "email": "dana@example.org"}
    answers = {}

    for name, path, data in [
        ("contact with errors", "/contact/", {}),
        ("contact sent", "/contact/", contact),
        ("registration", f"/events/{event.slug}/register/", registration),
        ("application without its key", "/apply/individual/", {}),
        ("lookup", "/status/", lookup),
    ]:
        response = client.post(path, data, secure=True)
        answers[name] = (response.status_code, security_header_problems(response))
    response = client.put("/contact/", secure=True)
    answers["wrong method"] = (response.status_code, security_header_problems(response))
    for _ in range(5):  # the lookup allows five requests an hour for one reference
        client.post("/status/", lookup, secure=True)
    response = client.post("/status/", lookup, secure=True)
    answers["rate limited"] = (response.status_code, security_header_problems(response))
    response = Client(enforce_csrf_checks=True).post("/contact/", contact, secure=True)
    answers["forged request (CSRF)"] = (response.status_code, security_header_problems(response))
    response = client.get("/", secure=True, headers={"host": "portal.evil.example"})
    answers["unknown host"] = (response.status_code, security_header_problems(response))

    assert answers == {
        "contact with errors": (200, []),
        "contact sent": (302, []),
        "registration": (302, []),
        "application without its key": (400, []),
        "lookup": (302, []),
        "wrong method": (405, []),
        "rate limited": (429, []),
        "forged request (CSRF)": (403, []),
        "unknown host": (400, []),
    }


def test_staff_pages_and_document_downloads_carry_them(client, starter_content):
    reviewer = make_staff(role="Reviewers")
    document = make_document(make_application(status=Status.SUBMITTED))
    admin_login(client, reviewer)
    answers = {}

    for name, path in [
        ("admin index", "/admin/"),
        ("application queue", "/admin/certifications/application/"),
        ("application", f"/admin/certifications/application/{document.application_id}/change/"),
        ("document", f"/staff/documents/{document.pk}/download/"),
        ("forbidden", "/admin/auth/user/"),
        ("public page for staff", "/faq/"),
    ]:
        response = _consume(client.get(path, secure=True))
        answers[name] = (response.status_code, security_header_problems(response))

    assert answers == {
        "admin index": (200, []),
        "application queue": (200, []),
        "application": (200, []),
        "document": (200, []),
        "forbidden": (403, []),
        "public page for staff": (200, []),
    }


@pytest.mark.urls("tests.security.failing_urls")
@pytest.mark.parametrize(("path", "status"), [("/test-failures/error/", 500), ("/test-failures/database/", 503)])
def test_error_pages_of_a_failing_view_carry_them(client, path, status):
    client.raise_request_exception = False

    response = client.get(path, secure=True)

    assert (response.status_code, security_header_problems(response)) == (status, [])


def test_staff_login_lockout_carries_them(client, staff_user, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post("/admin/login/", {"username": "staff", "password": "wrong"}, secure=True)

    response = client.post("/admin/login/", {"username": "staff", "password": "wrong"}, secure=True)

    assert (response.status_code, security_header_problems(response)) == (429, [])
