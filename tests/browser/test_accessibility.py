"""axe-core on every public page, with realistic data, and on each form with its validation errors
showing: no serious or critical violation (colour contrast included), and the errors are announced.

axe is vendored from npm (tests/browser/assets/) and injected into a context that bypasses the CSP
for that one script; the pages themselves run as in production. Keyboard use: test_keyboard.py.
"""

import pytest

from apps.certifications.models import Status
from apps.certifications.tokens import make_certificate_token
from apps.partners.models import Partner
from tests.browser.a11y import audit
from tests.browser.pages import (
    cancel_path,
    certificate,
    events,
    expired_link_path,
    partners,
    resume_path,
    site_status_path,
    status_path,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


PAGES = {
    "home": lambda: "/",
    "faq": lambda: "/faq/",
    "faq search with results": lambda: "/faq/?q=evidence-based",
    "faq search without results": lambda: "/faq/?q=xylophone",
    "page about": lambda: "/pages/about/",
    "page evidence base": lambda: "/pages/evidence-base/",
    "page individual certification": lambda: "/pages/individual-certification/",
    "page site certification": lambda: "/pages/site-certification/",
    "page site certification faqs": lambda: "/pages/site-certification-faqs/",
    "page nme": lambda: "/pages/nme/",
    "page privacy": lambda: "/pages/privacy/",
    "page accessibility": lambda: "/pages/accessibility/",
    "page terms": lambda: "/pages/terms/",
    "page cookies": lambda: "/pages/cookies/",
    "certification": lambda: "/certification/",
    "apply individual": lambda: "/apply/individual/",
    "apply site": lambda: "/apply/site/",
    "apply individual for one program": lambda: "/apply/individual/?program=nmt-phase-ii",
    "apply individual first section": lambda: "/apply/individual/sections/program/?program=nmt-phase-ii",
    "apply site first section": lambda: "/apply/site/sections/program/",
    "resume a draft (its task list)": resume_path,
    "draft saved without a draft": lambda: "/apply/saved/",
    "confirmation without an application": lambda: "/apply/received/",
    "status submitted": lambda: status_path(Status.SUBMITTED),
    "status in review": lambda: status_path(Status.IN_REVIEW),
    "status information requested": lambda: status_path(Status.INFO_REQUESTED),
    "status approved": lambda: status_path(Status.APPROVED),
    "status approved site": site_status_path,
    "status rejected": lambda: status_path(Status.REJECTED),
    "status withdrawn": lambda: status_path(Status.WITHDRAWN),
    "status link expired": expired_link_path,
    "status link tampered": lambda: "/applications/not-a-real-token/",
    "lookup": lambda: "/status/",
    "lookup sent": lambda: "/status/sent/",
    "registry": lambda: "/registry/",
    "registry page 2": lambda: "/registry/?page=2",
    "registry filtered": lambda: "/registry/?kind=site&country=US",
    "registry search without match": lambda: "/registry/?q=nobody",
    "verify active": lambda: certificate("active").get_absolute_url(),
    "verify expired": lambda: certificate("expired").get_absolute_url(),
    "verify revoked": lambda: certificate("revoked").get_absolute_url(),
    "verify unknown number": lambda: "/verify/NMT-C-2026-99999/",
    "check a credential": lambda: "/verify/credential/",
    "printable certificate": lambda: f"/certificates/{make_certificate_token(certificate('active'))}/",
    "printable revoked certificate": lambda: f"/certificates/{make_certificate_token(certificate('revoked'))}/",
    "partners": lambda: partners() and "/partners/",
    "partners page 2": lambda: partners() and "/partners/?page=2",
    "partners filtered": lambda: partners() and "/partners/?country=CA&kind=practice",
    "partners certified only": lambda: partners() and "/partners/?certified=on",
    "partners filtered without match": lambda: partners() and "/partners/?q=nowhere",
    "partner certified site": lambda: partners().get_absolute_url(),
    "partner practice": lambda: partners() and Partner.objects.get(name="Dr Lee's practice").get_absolute_url(),
    "events": lambda: events() and "/events/",
    "events of one kind": lambda: events() and "/events/?kind=workshop",
    "past events": lambda: events() and "/events/past/",
    "past events page 2": lambda: "/events/past/?page=2",
    "event open": lambda: events()["open"].get_absolute_url(),
    "event full with waitlist": lambda: events()["full"].get_absolute_url(),
    "event closed": lambda: events()["closed"].get_absolute_url(),
    "event not yet open": lambda: events()["not_yet_open"].get_absolute_url(),
    "event past": lambda: events()["past"].get_absolute_url(),
    "registration form": lambda: events()["open"].get_absolute_url() + "register/",
    "registration form waitlist": lambda: events()["full"].get_absolute_url() + "register/",
    "registration outcome without message": lambda: events()["open"].get_absolute_url() + "registered/",
    "cancellation": cancel_path,
    "cancellation done": lambda: cancel_path(cancelled=True),
    "library": lambda: "/library/",
    "library filtered": lambda: "/library/?q=regulation&kind=book&topic=scale-education",
    "library of one year": lambda: "/library/?year=2007",
    "library page 2": lambda: "/library/?page=2",
    "publication": lambda: "/library/the-boy-who-was-raised-as-a-dog/",
    "publication video": lambda: "/library/introduction-to-the-neurosequential-model-of-therapeutics-dvd/",
    "contact": lambda: "/contact/",
    "contact thanks": lambda: "/contact/thanks/",
    "not found": lambda: "/no-such-page/",
    "event not found": lambda: "/events/no-such-event/",
}


# The pages above that answer with an error status; every other one answers 200.
ERROR_STATUS = {
    "status link expired": 410,
    "status link tampered": 404,
    "verify unknown number": 404,
    "not found": 404,
    "event not found": 404,
}

# Lists before anything is published: what a new install shows.
EMPTY_PAGES = ["/registry/", "/partners/", "/events/", "/events/past/", "/library/?q=xylophone"]


@pytest.mark.parametrize("name", PAGES)
def test_public_page_has_no_serious_accessibility_violations(axe_page, content, name):
    path = PAGES[name]()

    response = axe_page.goto(path)

    assert (response.status, audit(axe_page)) == (ERROR_STATUS.get(name, 200), [])


@pytest.mark.parametrize("path", EMPTY_PAGES)
def test_empty_list_has_no_serious_accessibility_violations(axe_page, starter_content, path):
    response = axe_page.goto(path)

    assert (response.status, audit(axe_page)) == (200, [])


# SMALL SCREENS: the same pages on a phone, with the navigation menu open.

PHONE_PAGES = {
    "home": lambda: "/",
    "faq": lambda: "/faq/",
    "apply individual": lambda: "/apply/individual/",
    "apply individual first section": lambda: "/apply/individual/sections/program/",
    "status information requested": lambda: status_path(Status.INFO_REQUESTED),
    "registry": lambda: "/registry/",
    "partners": lambda: partners() and "/partners/",
    "event open": lambda: events()["open"].get_absolute_url(),
    "library": lambda: "/library/",
    "printable certificate": lambda: f"/certificates/{make_certificate_token(certificate('active'))}/",
}


@pytest.mark.parametrize("name", PHONE_PAGES)
def test_page_on_a_phone_with_the_menu_open(axe_page, content, name):
    axe_page.set_viewport_size({"width": 375, "height": 812})
    path = PHONE_PAGES[name]()
    axe_page.goto(path)
    axe_page.get_by_role("button", name="Show navigation").click()
    axe_page.wait_for_selector("#site-nav.show")

    assert audit(axe_page) == []
