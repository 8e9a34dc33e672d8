"""Renewal in a real browser, from the reminder email's link to an approved renewal: the holder follows
the link, signs in with the code emailed to them and lands on the renewal page, confirms the
prefilled details, corrects one, attests and submits; a reviewer approves; the old number's public
verification page leads to the new certificate, which starts the day after the old one expires."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from apps.certifications import services
from apps.certifications.models import Application, Certificate, Status
from tests.browser.test_my_nmt import serious_accessibility_violations
from tests.factories import make_application, make_certificate, make_program, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "jordan@example.org"
STATEMENTS = [
    "I have continued to use the NMT in my practice since my last certificate.",
    "I have completed NMT training, supervision or case-based learning since my last certificate.",
]


def _messages_to(email):
    return [m for m in mail.outbox if m.to == [email]]


def _sign_in_by_code(page, run_tasks, email):
    """On the sign-in page: the address, then the code from the email, pasted (no landing asserted)."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to My NMT")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Email me a code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Type the code we sent you")
    run_tasks()
    codes = [
        found.group(1)
        for message in _messages_to(email)
        if (found := re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", message.body, re.MULTILINE))
    ]
    assert codes, "no sign-in code was emailed"
    page.get_by_label("Code").fill(codes[-1])
    page.get_by_role("button", name="Confirm").click()


def test_holder_renews_from_the_reminder_link_and_the_old_number_leads_to_the_new_certificate(
    page, run_tasks, live_server, settings
):
    # The links in emails are absolute (SITE_URL): make them this server's.
    settings.SITE_URL = live_server.url
    today = timezone.localdate()
    program = make_program(name="NMT Phase I", renewal_audit_percent=0)
    application = make_application(status="approved", program=program, email=EMAIL, full_name="Jordan Avery")
    old = make_certificate(
        application=application,
        issued_on=today - timedelta(days=700),
        expires_on=today + timedelta(days=30),
    )
    assert program.attestation_list == STATEMENTS

    # The daily reminders: 30 days before expiry, the holder is emailed a link to renew.
    assert services.certificates_send_reminders(today=today)["reminded_30_at"] == 1
    run_tasks()
    [reminder] = [m for m in _messages_to(EMAIL) if "expires in 30 days" in m.subject]
    assert old.number in reminder.subject
    link = re.search(r"https?://\S+/my/certificates/[^/\s]+/renew/", reminder.body).group(0)
    path = urlsplit(link).path
    assert path == f"/my/certificates/{old.number}/renew/"

    # Not signed in: the link leads to the sign-in page, which brings the holder back to it.
    page.goto(path)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    assert parse_qs(urlsplit(page.url).query) == {"next": [path]}
    _sign_in_by_code(page, run_tasks, EMAIL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Renew your certificate")
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    assert serious_accessibility_violations(page) == []

    # The details are prefilled; the holder corrects the city, attests, agrees and submits.
    expect(page.get_by_label("Full name")).to_have_value(old.holder_name)
    page.get_by_label("City").fill("Galveston")
    for statement in STATEMENTS:
        page.get_by_label(statement).check()
    page.get_by_label("I have read the privacy notice above and agree to it").check()
    page.get_by_role("button", name="Submit renewal").click()

    expect(page).to_have_url(re.compile(r"/my/applications/[0-9a-f-]{36}/$"))
    expect(page.locator("#application-status")).to_have_text("Submitted")
    renewal = Application.objects.get(renews=old)
    assert page.url.endswith(f"/my/applications/{renewal.public_id}/")
    assert (renewal.status, renewal.city, renewal.attestations) == (Status.SUBMITTED, "Galveston", STATEMENTS)
    assert renewal.audit_selected is False

    # A reviewer approves it: the next certificate of the line.
    reviewer = make_staff(role="Reviewers")
    renewal = services.application_start_review(application=renewal, reviewer=reviewer)
    renewal = services.application_approve(application=renewal, reviewer=reviewer)
    new = Certificate.objects.get(application=renewal)
    assert new.renews == old and new.number != old.number
    starts_on = old.expires_on + timedelta(days=1)

    # The old number's public page says it was renewed and links to the current certificate.
    page.goto(f"/verify/{old.number}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Certificate {old.number}")
    notice = page.locator("#renewed-notice")
    expect(notice).to_contain_text("This certificate has been renewed. The current certificate is")
    notice.get_by_role("link", name=new.number, exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Certificate {new.number}")
    expect(page).to_have_url(re.compile(re.escape(f"/verify/{new.number}/") + "$"))
    # Renewed before expiry: it takes over the day after the old one ends, without a gap.
    expect(page.get_by_role("status")).to_have_text(
        f"Valid from {date_format(starts_on)} until {date_format(new.expires_on)}. "
        f"It renews certificate {old.number}, which is valid until then."
    )
    issued = page.locator("dt", has_text=re.compile(r"^Issued$")).locator("xpath=following-sibling::dd[1]/time")
    expect(issued).to_have_attribute("datetime", starts_on.isoformat())
    expect(issued).to_have_text(date_format(starts_on))
