"""Continuing education in a real browser, from the attendance import to a downloaded CE certificate:
a content editor imports the webinar's participant export in the admin (preview, then confirm); the
attendee follows the emailed link, completes the evaluation, fails the post-test once, passes the
retry and downloads the CE certificate, whose text is the event's and the person's."""

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect
from pypdf import PdfReader

from apps.core.roles import CONTENT_EDITORS
from apps.events.models import Event
from apps.learning.models import CECertificate, CreditOffer, EvaluationQuestion, PostTestQuestion
from tests.browser.test_my_nmt import serious_accessibility_violations
from tests.factories import make_event, make_registration, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long content editor passphrase"
EMAIL = "dana@example.org"
STATEMENT = (
    "The Neurosequential Network is approved by the American Psychological Association to sponsor continuing "
    "education for psychologists. The Neurosequential Network maintains responsibility for this program and its "
    "content."
)
# 12:00 to 13:30 in Chicago (CST, UTC−6) on 14 January 2026.
START = datetime(2026, 1, 14, 18, 0, tzinfo=UTC)
EXPORT = (
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"
    f"Dana Whitfield,{EMAIL.upper()},01/14/2026 11:58:10 AM,01/14/2026 12:41:00 PM,43\n"
    f"Dana Whitfield,{EMAIL},01/14/2026 12:49:30 PM,01/14/2026 01:31:02 PM,42\n"
    "Unknown Person,someone.else@example.org,01/14/2026 12:00:00 PM,01/14/2026 01:30:00 PM,90\n"
)


def _ce_event():
    event = make_event(
        title="Winter case-based training: regulation first",
        timezone="America/Chicago",
        duration=timedelta(minutes=90),
        ce_format="live interactive webinar",
        ce_requires_evaluation=True,
        ce_requires_post_test=True,
    )
    registration = make_registration(event=event, name="Dana Whitfield", email=EMAIL)
    Event.objects.filter(pk=event.pk).update(starts_at=START, ends_at=START + event.duration)  # now it is over
    CreditOffer.objects.create(
        event=event, credit_type="apa", provider_number="NN-APA-1234", approval_statement=STATEMENT
    )
    EvaluationQuestion.objects.create(event=event, position=1, kind="rating", text="The training met its objectives.")
    EvaluationQuestion.objects.create(
        event=event, position=2, kind="text", text="What would you change?", required=False
    )
    for position, (text, right, wrong) in enumerate(
        [
            ("What comes first in the NMT sequence?", "Regulate", "Reason"),
            ("Patterned repetition helps…", "Regulation", "Spelling"),
        ],
        start=1,
    ):
        question = PostTestQuestion.objects.create(event=event, position=position, text=text)
        question.choices.create(position=1, text=right, is_correct=True)
        question.choices.create(position=2, text=wrong, is_correct=False)
    return event, registration


def test_from_the_attendance_import_to_a_downloaded_ce_certificate(page, browser, live_server, run_tasks, settings):
    settings.SITE_URL = live_server.url  # the emailed link leads to this server
    event, registration = _ce_event()
    editor = make_staff(role=CONTENT_EDITORS, username="casey")
    editor.set_password(PASSWORD)
    editor.save()

    # The content editor imports the participant export: a preview first, writing nothing.
    page.goto("/admin/login/")
    page.fill("#id_username", "casey")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Neurosequential Model of Therapeutics: staff")).to_be_visible()
    page.goto(f"/admin/events/event/{event.pk}/change/")
    page.get_by_role("link", name="Import attendance").click()
    page.get_by_label("Participant export (CSV)").set_input_files(
        {"name": "participants.csv", "mimeType": "text/csv", "buffer": EXPORT.encode()}
    )
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#content")).to_contain_text("someone.else@example.org")
    # Joined 2 minutes early, an 8½-minute gap, left a minute late: the whole 90 minutes but the gap.
    expect(page.locator("#content")).to_contain_text("attended 81 of 90 minutes: 1 hour")
    assert mail.outbox == [] and not registration.credit_awards.exists()
    page.get_by_role("button", name="Confirm import").click()
    expect(page.locator(".messagelist")).to_contain_text("Attendance imported from participants.csv")

    # The attendee is emailed their private CE link.
    run_tasks()
    [invitation] = [message for message in mail.outbox if message.to == [EMAIL] and "/ce/" in message.body]
    link = re.search(r"https?://\S+/ce/\S+/", invitation.body).group(0)

    attendee = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    ce_page = attendee.new_page()
    ce_page.set_default_timeout(10_000)
    ce_page.goto(link.removeprefix(live_server.url))
    expect(ce_page.get_by_role("heading", level=1)).to_have_text("Your CE credit")
    expect(ce_page.locator("#ce-credit")).to_have_text(
        "APA (psychologists): 1 hour (attended 81 of 90 minutes: 1 hour)"
    )
    assert serious_accessibility_violations(ce_page) == []

    # The evaluation, with the licence number to print.
    ce_page.get_by_role("link", name="Complete the evaluation").click()
    assert serious_accessibility_violations(ce_page) == []
    ce_page.get_by_role("group", name="The training met its objectives.").get_by_label("5 (excellent)").check()
    ce_page.get_by_label("What would you change? (optional)").fill("More time for the case discussion.")
    ce_page.get_by_label("Licence number (printed on your CE certificate)").fill("PSY-12345")
    ce_page.get_by_role("button", name="Submit the evaluation").click()
    expect(ce_page.locator("#step-evaluation")).to_have_text("Evaluation: done. Thank you!")

    # The post-test: one wrong answer of two is 50 %, below the 75 % pass mark; the retry passes.
    ce_page.get_by_role("link", name="Take the post-test").click()
    assert serious_accessibility_violations(ce_page) == []
    ce_page.get_by_label("Regulate", exact=True).check()
    ce_page.get_by_label("Spelling").check()
    ce_page.get_by_role("button", name="Submit my answers").click()
    expect(ce_page.locator("#content, main").first).to_contain_text("50 %")
    assert not CECertificate.objects.exists()
    ce_page.goto(link.removeprefix(live_server.url))
    ce_page.get_by_role("link", name="Try the post-test again").click()
    ce_page.get_by_label("Regulate", exact=True).check()
    ce_page.get_by_label("Regulation", exact=True).check()
    ce_page.get_by_role("button", name="Submit my answers").click()
    expect(ce_page.locator("#step-post-test")).to_have_text("Post-test: passed with 100 %.")

    # The certificate, downloaded: one page, the event's exact words and the person's.
    certificate = CECertificate.objects.get()
    with ce_page.expect_download() as download:
        ce_page.get_by_role("link", name="Download (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    reader = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    for words in [
        "Dana Whitfield",
        "PSY-12345",
        "Winter case-based training: regulation first",
        "14 January 2026",
        "live interactive webinar",
        "NN-APA-1234",
        certificate.number,
        " ".join(STATEMENT.split()),
    ]:
        assert words in text, words
    attendee.close()

    # And anyone can verify its number.
    page.goto(f"/ce/verify/{certificate.number}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(certificate.number)
    expect(page.locator("main")).to_contain_text("Dana Whitfield")
    assert serious_accessibility_violations(page) == []
