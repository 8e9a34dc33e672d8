"""The applicant's private status page: what it shows, who can reach it, withdrawing and answering."""

import time
from datetime import timedelta

import pytest

from apps.certifications import services
from apps.certifications.forms import RespondForm
from apps.certifications.models import ApplicationNote, Status
from apps.certifications.services import application_links_revoke
from apps.certifications.tokens import make_token
from apps.core.roles import REVIEWERS
from tests.factories import make_application, make_document, make_site_program, make_staff, private_files
from tests.files import encrypted_pdf_bytes, pdf_bytes, png_bytes, upload
from tests.html import elements, text_of

pytestmark = pytest.mark.django_db


def _path(application):
    return f"/applications/{make_token(application)}/"


def _detail_headings(html):
    return [text for _, _, text in elements(html, "h3", class_="h6 details-section")]


def _details(html):
    """The "What you told us" rows as (label, answer)."""
    labels = [text for _, _, text in elements(html, "dt")]
    answers = [text for _, _, text in elements(html, "dd")]
    return list(zip(labels, answers, strict=True))


def test_status_page_shows_details_documents_and_the_timeline(client):
    application = make_application(status=Status.INFO_REQUESTED)
    make_document(application, kind="cv", name="Dana CV.pdf")

    response = client.get(_path(application))

    assert response.status_code == 200
    html = response.content.decode()
    assert text_of(html, "h1") == f"Application {application.reference}"
    assert text_of(html, "span", id="application-status") == "Information requested"
    assert [text for _, _, text in elements(html, "p", class_="timeline-title mb-0")] == [
        "Application started",
        "Application submitted",
        "Review started",
        "We asked for more information",
    ]
    assert text_of(html, "blockquote", class_="request-message") == "Please send your licence."
    document = application.documents.get()
    assert [text for _, _, text in elements(html, "li") if text.startswith("CV")] == [
        f"CV / résumé: Dana CV.pdf ({document.size} bytes, {document.uploaded_at:%-d %B %Y})"
    ]
    assert "/staff/documents/" not in html  # names only: the applicant never gets a download link
    # What the applicant told us, section by section as sections.py declares them, one row per answer.
    assert _detail_headings(html) == [
        "Program",
        "About you",
        "Licence or credential",
        "Practice",
        "Motivation",
        "Privacy and the registry",
    ]
    assert _details(html) == [
        ("Program", application.program.name),
        ("Prior NMT training", "NMT case-based trainings, 2025."),
        ("Full name", "Dana Whitfield"),
        ("Email", "dana@example.org"),
        ("Telephone", "+1 555 0100"),
        ("Country", "United States of America"),
        ("City", "Houston"),
        ("Profession", "Clinical psychologist"),
        ("Type of licence or credential", "Licensed psychologist"),
        ("Licence or credential number", "PSY-12345"),
        ("Issuing body", "Texas State Board"),
        ("Employer or organisation", "Harbor Child Center"),
        ("NMT site you work at", "Not given"),
        ("Years of practice", "8"),
        ("Populations served", "Children, Families"),
        ("Statement of motivation", "I work with children who have experienced trauma."),
        ("Heard of the NMT through", "A colleague"),
        ("Agreed to the privacy notice", "Yes"),
        ("Listed in the public registry once certified", "Yes"),
    ]


def test_status_page_never_shows_staff_notes(client):
    application = make_application(status=Status.IN_REVIEW)
    ApplicationNote.objects.create(application=application, text="Internal: call the licensing board first.")

    html = client.get(_path(application)).content.decode()

    assert "call the licensing board" not in html


def test_status_page_is_private_never_cached_indexed_or_leaked_by_referrer(client):
    application = make_application(status=Status.SUBMITTED)

    response = client.get(_path(application))

    # Never the path (so never the token) in a Referer; the origin only, so its forms pass CSRF checks.
    assert response["Referrer-Policy"] == "strict-origin"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex"


def test_a_site_application_shows_the_site_details(client):
    application = make_application(status=Status.SUBMITTED, program=make_site_program())

    html = client.get(_path(application)).content.decode()

    assert _detail_headings(html) == [
        "Program",
        "Organisation",
        "Address",
        "Site coordinator",
        "Executive sponsor",
        "Services",
        "Privacy and the partner map",
    ]
    assert _details(html) == [
        ("Program", application.program.name),
        ("Organisation name", "Harbor Family Services"),
        ("Type of organisation", "Clinic"),
        ("Website", "https://harbor.example.org"),
        ("Number of staff to be trained", "12"),
        ("Street address", "12 Harbor Road"),
        ("Address line 2", "Not given"),
        ("City", "Houston"),
        ("State, province or region", "Texas"),
        ("Postal code", "77001"),
        ("Country", "United States of America"),
        ("Coordinator’s name", "Sam Ortiz"),
        ("Coordinator’s role", "Clinical director"),
        ("Email", "sam@harbor.example.org"),
        ("Telephone", "+1 555 0111"),
        ("Sponsor’s name", "Riley Chen"),
        ("Sponsor’s title", "Chief executive"),
        ("Sponsor’s email", "riley@harbor.example.org"),
        ("Populations served", "Children, Adolescents"),
        ("Settings served", "Outpatient clinic and school outreach."),
        ("Description of services", "Outpatient therapy for children and families."),
        ("How the NMT will be sustained", "Two internal trainers and quarterly case reviews."),
        ("Agreed to the privacy notice", "Yes"),
        ("Shown on the partner map once certified", "Yes"),
    ]
    assert text_of(html, "h1") == f"Application {application.reference}"


@pytest.mark.parametrize(("kind", "apply_url"), [("individual", "/apply/individual/"), ("site", "/apply/site/")])
def test_a_rejected_application_says_not_approved_and_what_to_do_next(client, kind, apply_url):
    program = make_site_program() if kind == "site" else None
    application = make_application(status=Status.REJECTED, **({"program": program} if program else {}))

    html = client.get(_path(application)).content.decode()

    assert text_of(html, "span", id="application-status") == "Not approved"
    assert "withdraw" not in html.lower()  # nothing left to withdraw, and no words about it
    assert "anyone with its address can read the application, so do not share the link." in html
    assert text_of(html, "h2", id="next-steps-heading") == "What you can do next"
    next_steps = text_of(html, "section", id="next-steps")
    assert f"Write to us with your reference number, {application.reference}." in next_steps
    assert "If the decision rests on a mistake, we can reopen it for review." in next_steps
    links = {text: attrs["href"] for _, attrs, text in elements(html, "a")}
    assert (links["Write to us"], links["start a new application"], links["certification programs"]) == (
        "/contact/",
        apply_url,
        "/certification/",
    )
    assert "Training not completed." in [text for _, _, text in elements(html, "div", class_="timeline-message")]


def test_a_page_that_can_still_be_withdrawn_says_so(client):
    html = client.get(_path(make_application(status=Status.SUBMITTED))).content.decode()

    assert text_of(html, "span", id="application-status") == "Submitted"
    assert "anyone with its address can read and withdraw the application" in html
    assert elements(html, "section", id="next-steps") == []


@pytest.mark.parametrize("tamper", ["flip", "truncate", "draft-salt", "garbage", "other-secret"])
def test_tampered_or_unknown_links_are_not_found(client, tamper, settings):
    application = make_application(status=Status.SUBMITTED)
    token = make_token(application)
    if tamper == "flip":
        token = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    elif tamper == "truncate":
        token = token[:-5]
    elif tamper == "draft-salt":
        from apps.certifications.tokens import DRAFT_SALT

        token = make_token(application, salt=DRAFT_SALT)
    elif tamper == "garbage":
        token = "eyJhbGciOiJub25lIn0.e30."
    else:
        settings.SECRET_KEY = "another-secret-key-entirely-0123456789-abcdefghij"

    response = client.get(f"/applications/{token}/")

    assert response.status_code == 404
    assert text_of(response.content.decode(), "h1") == "This link does not work"
    assert application.reference not in response.content.decode()


def test_a_revoked_link_stops_working_and_a_new_one_works(client):
    application = make_application(status=Status.SUBMITTED)
    old_path = _path(application)

    application = application_links_revoke(application=application)

    assert client.get(old_path).status_code == 404
    assert client.get(_path(application)).status_code == 200


def test_an_expired_link_explains_how_to_get_a_new_one(client, monkeypatch):
    application = make_application(status=Status.SUBMITTED)
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() - timedelta(days=181).total_seconds())
    path = _path(application)
    monkeypatch.setattr(time, "time", real_time)

    response = client.get(path)

    assert response.status_code == 410
    html = response.content.decode()
    assert text_of(html, "h1") == "This link has expired"
    assert "get a new status link" in [text for _, _, text in elements(html, "a", href="/status/")]
    assert application.reference not in html
    assert response["Cache-Control"] == "private, no-store"


# Withdrawing


def test_the_applicant_can_withdraw_before_a_decision(client, send_queued, mailoutbox):
    application = make_application(status=Status.IN_REVIEW)
    path = _path(application)

    with send_queued():
        response = client.post(path, {"action": "withdraw", "confirm": "on", "reason": "I changed jobs."})

    assert response.status_code == 302
    assert response["Location"] == path
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    assert application.events.last().message == "I changed jobs."
    assert [m.subject for m in mailoutbox if m.to == ["dana@example.org"]][-1] == (
        f"Application {application.reference} withdrawn"
    )
    html = client.get(path).content.decode()
    assert "Your application has been withdrawn." in html
    assert "Withdraw the application" not in html


def test_withdrawing_needs_the_confirmation_box(client):
    application = make_application(status=Status.SUBMITTED)

    response = client.post(_path(application), {"action": "withdraw", "reason": "Oops"})

    assert response.status_code == 200
    assert response.context["withdraw_form"].errors == {
        "confirm": ["Tick this box to confirm that you want to withdraw."]
    }
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


@pytest.mark.parametrize("status", [Status.APPROVED, Status.REJECTED, Status.WITHDRAWN])
def test_no_withdrawal_after_a_decision(client, status):
    application = make_application(status=status)
    path = _path(application)

    html = client.get(path).content.decode()
    response = client.post(path, {"action": "withdraw", "confirm": "on"}, follow=True)

    assert "Withdraw the application" not in html
    application.refresh_from_db()
    assert application.status == status
    assert [str(m) for m in response.context["messages"]] == [
        f"Application {application.reference} is {application.get_status_display().lower()}; "
        "it cannot be withdrawn now."
    ]


def test_an_unknown_action_is_a_bad_request(client):
    application = make_application(status=Status.SUBMITTED)

    assert client.post(_path(application), {"action": "approve"}).status_code == 400


# Answering an information request


def test_answering_a_request_with_documents_returns_the_application_to_review(client, send_queued):
    application = make_application(status=Status.INFO_REQUESTED)
    path = _path(application)

    with send_queued():
        response = client.post(
            path,
            {
                "action": "respond",
                "message": "My licence is attached.",
                "document_licence": [upload("licence.pdf", pdf_bytes()), upload("licence-back.png", png_bytes())],
            },
        )

    assert response["Location"] == path
    application.refresh_from_db()
    assert application.status == Status.ANSWERED
    last = application.events.last()
    assert (last.from_status, last.to_status, last.message, last.actor) == (
        "info_requested",
        "answered",
        "My licence is attached.",
        None,
    )
    assert list(application.documents.values_list("kind", "original_name")) == [
        ("licence", "licence.pdf"),
        ("licence", "licence-back.png"),
    ]
    html = client.get(path).content.decode()
    assert "You answered; back in the review queue" in html
    assert "We need more information" not in html


def test_the_answer_form_asks_the_kind_of_each_file(client):
    application = make_application(status=Status.INFO_REQUESTED)
    path = _path(application)

    form = client.get(path).context["respond_form"]
    client.post(
        path,
        {
            "action": "respond",
            "message": "My CV and a letter.",
            "document_cv": upload("cv.pdf", pdf_bytes()),
            "document_reference_letter": upload("letter.png", png_bytes()),
            "other_documents": upload("notes.pdf", pdf_bytes()),
        },
    )

    assert [(name, str(field.label)) for name, field in form.fields.items()] == [
        ("message", "Your answer"),
        ("document_cv", "CV / résumé"),
        ("document_licence", "Licence or credential"),
        ("document_training_certificate", "Training certificate"),
        ("document_reference_letter", "Letter of reference"),
        ("other_documents", "Other supporting document"),
    ]
    assert sorted(application.documents.values_list("kind", "original_name")) == [
        ("cv", "cv.pdf"),
        ("other", "notes.pdf"),
        ("reference_letter", "letter.png"),
    ]


def test_a_site_answer_offers_the_site_documents():
    application = make_application(status=Status.INFO_REQUESTED, kind="site")

    form = RespondForm(application=application)

    assert [name for name in form.fields if name != "message"] == [
        "document_organisation_chart",
        "document_letter_of_support",
        "other_documents",
    ]


def test_the_timeline_says_the_answer_was_received_and_the_review_resumed(client):
    application = make_application(status=Status.ANSWERED)
    path = _path(application)
    answered_page = client.get(path).content.decode()
    services.application_resume_review(application=application, reviewer=make_staff(role=REVIEWERS))

    html = client.get(path).content.decode()

    assert text_of(answered_page, "span", id="application-status") == "Answer received"
    titles = [text for _, _, text in elements(html, "p", class_="timeline-title mb-0")]
    assert titles[-2:] == ["You answered; back in the review queue", "Review resumed with your answer"]
    assert text_of(html, "span", id="application-status") == "In review"


def test_an_answer_needs_a_message(client):
    application = make_application(status=Status.INFO_REQUESTED)

    response = client.post(_path(application), {"action": "respond", "message": "  "})

    assert response.context["respond_form"].errors == {"message": ["Enter your answer to the reviewers."]}
    application.refresh_from_db()
    assert application.status == Status.INFO_REQUESTED


def test_an_answer_with_a_refused_file_keeps_nothing_and_says_to_choose_files_again(client):
    application = make_application(status=Status.INFO_REQUESTED)

    response = client.post(
        _path(application),
        {
            "action": "respond",
            "message": "Here it is.",
            "other_documents": [upload("ok.pdf", pdf_bytes()), upload("locked.pdf", encrypted_pdf_bytes())],
        },
    )

    assert response.context["respond_form"].errors == {
        "other_documents": ["“locked” is password-protected. Please upload a copy without a password."]
    }
    assert "please choose your documents again." in response.content.decode()
    assert "Here it is." in response.content.decode()
    application.refresh_from_db()
    assert (application.status, application.documents.count(), private_files()) == (Status.INFO_REQUESTED, 0, [])


def test_an_answer_cannot_take_the_application_past_eight_documents(client):
    application = make_application(status=Status.INFO_REQUESTED)
    for n in range(7):
        make_document(application, kind="other", name=f"doc-{n}.pdf")

    response = client.post(
        _path(application),
        {
            "action": "respond",
            "message": "Two more.",
            "other_documents": [upload("a.pdf", pdf_bytes()), upload("b.pdf", pdf_bytes())],
        },
    )

    assert response.context["respond_form"].errors == {
        "other_documents": [
            "An application holds at most 8 documents; you can add 1 more. Please combine some into one PDF."
        ]
    }
    assert application.documents.count() == 7


def test_an_answer_is_refused_when_no_information_was_requested(client):
    application = make_application(status=Status.IN_REVIEW)

    response = client.post(_path(application), {"action": "respond", "message": "Unasked."}, follow=True)

    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    assert [str(m) for m in response.context["messages"]] == [
        f"Application {application.reference} is in review; it cannot be submitted now."
    ]


def test_status_page_queries_do_not_grow_with_history_or_documents(client, django_assert_max_num_queries):
    small = make_application(status=Status.INFO_REQUESTED)
    with django_assert_max_num_queries(9):
        client.get(_path(small))

    large = make_application(status=Status.INFO_REQUESTED)
    for n in range(6):
        make_document(large, kind="other", name=f"doc-{n}.pdf")
    large = services.application_answer(application=large, message="Answer")
    large = services.application_resume_review(application=large, reviewer=None)
    large = services.application_request_info(application=large, reviewer=None, message="And another thing")
    with django_assert_max_num_queries(9):
        client.get(_path(large))
