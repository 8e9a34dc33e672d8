"""The review queue and the application page in the admin: filters, search, actions, transitions."""

from datetime import timedelta

import pytest
from django.contrib.admin.templatetags.admin_list import result_headers
from django.utils import timezone

from apps.certifications.models import Application, ApplicationDocument, ApplicationNote, Certificate
from apps.core.models import EmailText
from apps.core.roles import REVIEWERS, SITE_ADMINISTRATORS
from tests.factories import make_application, make_program, make_staff
from tests.html import elements, text_of
from tests.staff import admin_login

pytestmark = pytest.mark.django_db

QUEUE = "/admin/certifications/application/"


@pytest.fixture
def reviewer(client):
    user = make_staff(role=REVIEWERS, first_name="Robin", last_name="Reyes")
    admin_login(client, user)
    return user


def _refs(response):
    return [application.reference for application in response.context["cl"].result_list]


def _submitted_days_ago(application, days):
    Application.objects.filter(pk=application.pk).update(submitted_at=timezone.now() - timedelta(days=days))


def test_queue_opens_on_what_awaits_review_oldest_first(client, reviewer):
    newer = make_application(status="submitted")
    older = make_application(status="in_review")
    _submitted_days_ago(older, 9)
    make_application(status="info_requested")
    make_application(status="approved")
    make_application(status="draft")

    response = client.get(QUEUE)

    assert response.status_code == 200
    assert _refs(response) == [older.reference, newer.reference]
    headers = [str(header["text"]).capitalize() for header in result_headers(response.context["cl"])][1:]
    assert headers == [
        "Reference",
        "Applicant or organisation",
        "Program",
        "Status",
        "Submitted",
        "Days waiting",
        "Assigned reviewer",
    ]


def test_an_answered_request_comes_first_in_the_queue_as_answer_received(client, reviewer):
    older = make_application(status="submitted")
    _submitted_days_ago(older, 20)
    answered = make_application(status="answered")
    newer = make_application(status="in_review")

    response = client.get(QUEUE)
    only_answered = client.get(QUEUE, {"status": "answered"})

    assert _refs(response) == [answered.reference, older.reference, newer.reference]
    statuses = [text for _, _, text in elements(response.content.decode(), "td", class_="field-status")]
    assert statuses == ["Answer received", "Submitted", "In review"]
    assert _refs(only_answered) == [answered.reference]


def test_resume_review_takes_an_answer_back_into_review_without_an_email(client, reviewer, send_queued, mailoutbox):
    application = make_application(status="answered")
    Application.objects.filter(pk=application.pk).update(assigned_to=None)
    url = f"{QUEUE}{application.pk}/transition/resume-review/"

    page = client.get(url)
    with send_queued():
        response = client.post(url, {"_confirm": "1"})

    assert "Yes, resume review" in page.content.decode()
    assert "is not emailed again" in text_of(page.content.decode(), "div", id="content-main")
    assert response["Location"] == f"{QUEUE}{application.pk}/change/"
    application.refresh_from_db()
    assert (application.status, application.assigned_to) == ("in_review", reviewer)
    assert mailoutbox == []


def test_queue_row_shows_days_waiting_and_reviewer(client, reviewer):
    application = make_application(status="in_review", reviewer=reviewer)
    _submitted_days_ago(application, 12)

    html = client.get(QUEUE).content.decode()

    assert text_of(html, "td", class_="field-days_waiting_display") == "12"
    assert text_of(html, "td", class_="field-reviewer") == "Robin Reyes"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["mine", "site", "waiting"]),
        ({"status": "approved"}, ["approved"]),
        ({"status": "info_requested"}, ["info"]),
        ({"status": "all"}, ["approved", "info", "mine", "site", "waiting"]),
        ({"reviewer": "me"}, ["mine"]),
        ({"reviewer": "none"}, ["site", "waiting"]),
        ({"kind": "site"}, ["site"]),
        ({"country": "CA"}, ["site"]),
        ({"q": "Okafor"}, ["waiting"]),
        ({"q": "harbor"}, ["site"]),
        ({"q": "amira@"}, ["waiting"]),
        ({"status": "all", "q": "Person"}, ["approved", "info", "mine"]),
    ],
)
def test_queue_filters_and_search(client, reviewer, query, expected):
    made = {
        "waiting": make_application(status="submitted", full_name="Amira Okafor", email="amira@example.org"),
        "mine": make_application(status="in_review", reviewer=reviewer, full_name="Mine Person"),
        "site": make_application(status="submitted", kind="site", country="CA"),
        "info": make_application(status="info_requested", full_name="Info Person"),
        "approved": make_application(status="approved", full_name="Approved Person"),
    }
    Application.objects.filter(pk__in=[made["info"].pk, made["approved"].pk]).update(assigned_to=None)
    by_reference = {application.reference: name for name, application in made.items()}

    response = client.get(QUEUE, query)

    assert sorted(by_reference[reference] for reference in _refs(response)) == expected


def test_queue_filters_by_program(client, reviewer):
    program = make_program(name="NMT Mentor")
    chosen = make_application(status="submitted", program=program)
    make_application(status="submitted")

    response = client.get(QUEUE, {"program__id__exact": program.pk})

    assert _refs(response) == [chosen.reference]


@pytest.mark.parametrize("size", [5, 50])
def test_queue_query_count_does_not_grow(client, reviewer, django_assert_max_num_queries, size):
    program = make_program()
    for i in range(size):
        make_application(status="submitted" if i % 2 else "in_review", program=program, reviewer=reviewer)

    with django_assert_max_num_queries(14):
        response = client.get(QUEUE)

    assert len(response.context["cl"].result_list) == size


def test_assign_to_me_action(client, reviewer):
    applications = [make_application(status="submitted") for _ in range(2)]

    response = client.post(
        QUEUE, {"action": "assign_to_me", "_selected_action": [a.pk for a in applications]}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == ["2 applications assigned to you."]
    assert set(Application.objects.values_list("assigned_to", flat=True)) == {reviewer.pk}


def test_start_review_action_reports_what_it_refused(client, reviewer):
    waiting = make_application(status="submitted")
    decided = make_application(status="rejected")

    response = client.post(
        f"{QUEUE}?status=all", {"action": "start_review", "_selected_action": [waiting.pk, decided.pk]}, follow=True
    )

    assert sorted(str(m) for m in response.context["messages"]) == sorted(
        [
            "1 application taken into review.",
            f"Application {decided.reference} is rejected; it cannot be taken into review now.",
        ]
    )
    waiting.refresh_from_db()
    decided.refresh_from_db()
    assert (waiting.status, waiting.assigned_to, decided.status) == ("in_review", reviewer, "rejected")


def test_application_page_shows_details_documents_timeline_and_buttons(client, reviewer):
    application = make_application(status="in_review", reviewer=reviewer)
    from django.core.files.base import ContentFile

    document = ApplicationDocument(
        application=application,
        kind="cv",
        original_name="cv.pdf",
        content_type="application/pdf",
        size=2048,
        sha256="0" * 64,
    )
    document.file.save("cv.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    from apps.certifications import services

    services.application_request_info(application=application, reviewer=reviewer, message="Please send your licence.")
    services.application_answer(application=application, message="Licence attached, number PSY-12345.")

    response = client.get(f"{QUEUE}{application.pk}/change/")

    assert response.status_code == 200
    html = response.content.decode()
    links = {text: attrs["href"] for _, attrs, text in elements(html, "a") if "href" in attrs}
    assert links["cv.pdf"] == f"/staff/documents/{document.pk}/download/"
    assert "Licence attached, number PSY-12345." in text_of(html, "table", class_="application-timeline")
    assert "Applicant" in text_of(html, "table", class_="application-timeline")
    assert text_of(html, "div", class_="readonly") != ""
    tools = [text for _, attrs, text in elements(html, "a") if "transition-link" in attrs.get("class", "")]
    assert tools == ["Resume review"]
    assert 'name="_save"' not in html
    assert "Dana Whitfield" in html
    assert links["History"] == f"{QUEUE}{application.pk}/history/"


def test_posting_the_application_form_changes_nothing(client, reviewer):
    application = make_application(status="in_review", reviewer=reviewer)

    client.post(f"{QUEUE}{application.pk}/change/", {"full_name": "Someone Else", "status": "approved"})

    application.refresh_from_db()
    assert (application.full_name, application.status) == ("Dana Whitfield", "in_review")


def test_internal_note_is_added_with_author_and_time(client, reviewer):
    application = make_application(status="submitted")

    response = client.post(f"{QUEUE}{application.pk}/note/", {"text": "Called the employer: confirmed."})

    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE}{application.pk}/change/#notes"
    note = ApplicationNote.objects.get()
    assert (note.application, note.author, note.text) == (application, reviewer, "Called the employer: confirmed.")
    html = client.get(f"{QUEUE}{application.pk}/change/").content.decode()
    assert "Called the employer: confirmed." in text_of(html, "section", id="notes")
    assert "Robin Reyes" in text_of(html, "section", id="notes")


def test_empty_note_is_refused(client, reviewer):
    application = make_application(status="submitted")

    response = client.post(f"{QUEUE}{application.pk}/note/", {"text": "   "}, follow=True)

    assert [str(m) for m in response.context["messages"]] == ["The note was empty or too long; nothing was added."]
    assert ApplicationNote.objects.count() == 0


def test_start_review_button_confirms_then_acts(client, reviewer, send_queued, mailoutbox):
    application = make_application(status="submitted")
    url = f"{QUEUE}{application.pk}/transition/start-review/"

    page = client.get(url)
    with send_queued():
        response = client.post(url, {"_confirm": "1"})

    assert page.status_code == 200
    assert "Yes, start review" in page.content.decode()
    assert response["Location"] == f"{QUEUE}{application.pk}/change/"
    application.refresh_from_db()
    assert (application.status, application.assigned_to) == ("in_review", reviewer)
    assert [m.subject for m in mailoutbox] == [f"Application {application.reference} is in review"]


def test_request_info_previews_the_email_before_sending(client, reviewer, send_queued, mailoutbox):
    application = make_application(status="in_review", reviewer=reviewer)
    url = f"{QUEUE}{application.pk}/transition/request-info/"

    preview = client.post(url, {"message": "Please upload your licence.", "_preview": "1"})
    html = preview.content.decode()
    digest = elements(html, "input", name="previewed")[0][1]["value"]
    application.refresh_from_db()
    assert application.status == "in_review"
    assert "Please upload your licence." in text_of(html, "pre", class_="email-preview")
    assert f"More information needed for application {application.reference}" in html

    with send_queued():
        response = client.post(url, {"message": "Please upload your licence.", "previewed": digest, "_confirm": "1"})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "info_requested"
    assert application.events.last().message == "Please upload your licence."
    assert [m.to for m in mailoutbox] == [["dana@example.org"]]
    assert "Please upload your licence." in mailoutbox[0].body


def test_a_message_changed_after_the_preview_is_previewed_again(client, reviewer):
    application = make_application(status="in_review", reviewer=reviewer)
    url = f"{QUEUE}{application.pk}/transition/reject/"
    preview = client.post(url, {"message": "Training incomplete.", "_preview": "1"}).content.decode()
    digest = elements(preview, "input", name="previewed")[0][1]["value"]

    response = client.post(url, {"message": "Something else.", "previewed": digest, "_confirm": "1"})

    assert response.status_code == 200
    assert "The message changed since the last preview." in response.content.decode()
    application.refresh_from_db()
    assert application.status == "in_review"


def test_reject_without_a_reason_is_refused_at_the_field(client, reviewer):
    application = make_application(status="in_review", reviewer=reviewer)

    response = client.post(f"{QUEUE}{application.pk}/transition/reject/", {"message": "", "_confirm": "1"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"message": ["This field is required."]}
    application.refresh_from_db()
    assert application.status == "in_review"


def test_an_illegal_transition_is_a_clear_error_and_changes_nothing(client, reviewer):
    application = make_application(status="submitted")

    response = client.post(f"{QUEUE}{application.pk}/transition/approve/", {"_confirm": "1"}, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        f"Application {application.reference} is submitted; it cannot be approved now."
    ]
    application.refresh_from_db()
    assert application.status == "submitted"
    assert Certificate.objects.count() == 0


def test_a_transition_that_no_longer_applies_is_explained_on_opening(client, reviewer):
    application = make_application(status="approved")

    response = client.get(f"{QUEUE}{application.pk}/transition/reject/", follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        f"Application {application.reference} is approved; “Reject” does not apply now."
    ]


def test_approve_button_issues_the_certificate(client, reviewer):
    application = make_application(status="in_review", reviewer=reviewer)

    client.post(f"{QUEUE}{application.pk}/transition/approve/", {"message": "Welcome!", "_confirm": "1"})

    application.refresh_from_db()
    assert application.status == "approved"
    assert Certificate.objects.get(application=application).is_active


def test_reviewer_cannot_reopen_but_a_site_administrator_can(client, reviewer):
    application = make_application(status="rejected")
    url = f"{QUEUE}{application.pk}/transition/reopen/"

    assert client.post(url, {"message": "Please", "_confirm": "1"}).status_code == 403
    admin = make_staff(role=SITE_ADMINISTRATORS)
    admin_login(client, admin)
    preview = client.post(url, {"message": "Appeal upheld.", "_preview": "1"}).content.decode()
    digest = elements(preview, "input", name="previewed")[0][1]["value"]
    client.post(url, {"message": "Appeal upheld.", "previewed": digest, "_confirm": "1"})

    application.refresh_from_db()
    assert application.status == "in_review"


def test_assign_view_assigns_another_reviewer(client, reviewer):
    colleague = make_staff(role=REVIEWERS, username="colleague")
    make_staff(role="Content editors", username="editor")
    application = make_application(status="submitted")
    url = f"{QUEUE}{application.pk}/assign/"

    options = [attrs.get("value") for _, attrs, _ in elements(client.get(url).content.decode(), "option")]
    client.post(url, {"reviewer": colleague.pk})

    assert sorted(options) == sorted(["", str(reviewer.pk), str(colleague.pk)])
    application.refresh_from_db()
    assert application.assigned_to == colleague


def test_history_shows_field_changes_and_cannot_revert(client, reviewer):
    application = make_application(status="approved")
    history = application.history.order_by("history_id").first()

    page = client.get(f"{QUEUE}{application.pk}/history/")
    revert = client.post(f"{QUEUE}{application.pk}/history/{history.history_id}/", {"full_name": "Changed"})

    assert page.status_code == 200
    changes = [text for _, attrs, text in elements(page.content.decode(), "li") if text.startswith("Status:")]
    assert changes == ["Status: In review → Approved", "Status: Submitted → In review", "Status: Draft → Submitted"]
    assert revert.status_code == 403


def test_nobody_adds_or_deletes_applications_in_the_admin(client):
    admin_login(client, make_staff(role=SITE_ADMINISTRATORS))
    application = make_application(status="submitted")

    assert client.get(f"{QUEUE}add/").status_code == 403
    assert client.get(f"{QUEUE}{application.pk}/delete/").status_code == 403


def test_review_pages_carry_no_inline_style_or_script(client):
    import re

    admin_login(client, make_staff(role=SITE_ADMINISTRATORS))
    application = make_application(status="approved")
    certificate = Certificate.objects.get(application=application)
    template, _ = EmailText.objects.get_or_create(template="certifications/email/application_rejected")
    pages = [
        QUEUE,
        f"{QUEUE}{application.pk}/change/",
        f"{QUEUE}{application.pk}/history/",
        f"{QUEUE}{application.pk}/transition/reopen/",
        f"{QUEUE}{application.pk}/assign/",
        f"{QUEUE}dashboard/",
        f"{QUEUE}export/",
        "/admin/certifications/certificate/",
        f"/admin/certifications/certificate/{certificate.pk}/change/",
        f"/admin/certifications/certificate/{certificate.pk}/revoke/",
        f"/admin/core/emailtext/{template.pk}/change/",
    ]

    offending = {}
    for url in pages:
        html = client.get(url).content.decode()
        found = re.findall(r"\sstyle=|\son[a-z]+=|<style|<script>", html)
        if found:
            offending[url] = found

    assert offending == {}


def test_an_unknown_transition_is_not_found(client, reviewer):
    application = make_application(status="submitted")

    assert client.get(f"{QUEUE}{application.pk}/transition/delete-everything/").status_code == 404
