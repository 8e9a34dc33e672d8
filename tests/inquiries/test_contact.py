import pytest
from django.contrib.admin.sites import site as admin_site

from apps.inquiries.models import Inquiry
from tests.factories import make_inquiry, queued_emails
from tests.html import elements, labels, text_of

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Jordan Lee",
    "email": "jordan@example.org",
    "organisation": "Harbor Family Services",
    "topic": "training",
    "message": "We would like to join the next case-based training.",
}


def test_contact_form_renders_labelled_fields(client):
    html = client.get("/contact/").content.decode()

    assert labels(html) == {
        "id_name": "Your name*",
        "id_email": "Your email*",
        "id_organisation": "Organisation (optional)",
        "id_topic": "Topic*",
        "id_message": "Message*",
        "id_website": "Leave this field empty",
    }
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<div class="hp-field" aria-hidden="true">' in html


def test_valid_inquiry_is_stored_and_staff_are_emailed_by_the_worker(client, send_queued, mailoutbox, settings):
    settings.STAFF_NOTIFICATION_EMAIL = "inbox@example.org"

    with send_queued():
        response = client.post("/contact/", VALID)

    assert response.status_code == 302
    assert response["Location"] == "/contact/thanks/"
    inquiry = Inquiry.objects.get()
    assert (inquiry.name, inquiry.email, inquiry.topic, inquiry.is_handled) == (
        "Jordan Lee",
        "jordan@example.org",
        "training",
        False,
    )
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["inbox@example.org"]
    assert email.reply_to == ["jordan@example.org"]
    assert email.subject == "New inquiry (Training) from Jordan Lee"
    assert "We would like to join the next case-based training." in email.body


def test_no_email_is_sent_inside_the_request(client, mailoutbox, settings):
    settings.STAFF_NOTIFICATION_EMAIL = "inbox@example.org"

    client.post("/contact/", VALID)

    # Queued in the request's own transaction, for the worker to send.
    assert queued_emails() == [(["inbox@example.org"], "New inquiry (Training) from Jordan Lee")]
    assert mailoutbox == []


def test_queued_email_waits_in_the_database_until_a_worker_runs(
    client, django_capture_on_commit_callbacks, mailoutbox, run_tasks
):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/contact/", VALID)

    assert list(DBTaskResult.objects.values_list("task_path", "status")) == [("apps.core.tasks.send_email", "READY")]
    assert mailoutbox == []

    run_tasks()

    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["SUCCESSFUL"]
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "Enter an email address in the correct format, like name@example.org."),
        ("email", "", "Enter your email address."),
        ("name", "", "Enter your name."),
        ("message", "", "Enter your message."),
        ("message", "x" * 5001, "Your message must be 5,000 characters or fewer."),
        ("topic", "gossip", "Select a topic from the list."),
    ],
)
def test_invalid_input_is_refused_at_the_field_and_nothing_is_lost(client, field, value, message):
    data = {**VALID, field: value}

    response = client.post("/contact/", data)

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    html = response.content.decode()
    assert 'value="Harbor Family Services"' in html
    assert Inquiry.objects.count() == 0


def test_honeypot_submission_looks_successful_but_stores_nothing(client, send_queued, mailoutbox):
    with send_queued():
        response = client.post("/contact/", {**VALID, "website": "http://spam.example"})

    assert response.status_code == 302
    assert Inquiry.objects.count() == 0
    assert mailoutbox == []


def test_contact_form_is_rate_limited_per_ip(client):
    for _ in range(10):
        assert client.post("/contact/", VALID, REMOTE_ADDR="203.0.113.9").status_code == 302

    response = client.post("/contact/", VALID, REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert Inquiry.objects.count() == 10
    assert client.post("/contact/", VALID, REMOTE_ADDR="198.51.100.7").status_code == 302


def test_contact_form_refuses_other_methods(client):
    assert client.put("/contact/", VALID).status_code == 405
    assert client.delete("/contact/").status_code == 405


def test_admin_marks_inquiries_handled_and_opens_on_the_open_ones(admin_client, admin_user):
    handled = make_inquiry(name="Done Person")
    waiting = make_inquiry(name="Waiting Person")

    response = admin_client.post(
        "/admin/inquiries/inquiry/", {"action": "mark_handled", "_selected_action": [handled.pk]}
    )

    assert response.status_code == 302
    handled.refresh_from_db()
    assert handled.handled_by == admin_user
    assert handled.handled_at is not None
    changelist = admin_client.get("/admin/inquiries/inquiry/")
    assert [i.pk for i in changelist.context["cl"].result_list] == [waiting.pk]
    searched = admin_client.get("/admin/inquiries/inquiry/", {"state": "all", "q": "Done"})
    assert [i.pk for i in searched.context["cl"].result_list] == [handled.pk]


def test_inquiry_admin_is_registered_read_only():
    model_admin = admin_site._registry[Inquiry]

    assert model_admin.has_add_permission(None) is False


def test_the_error_summary_lists_every_error_with_a_link_to_its_field(client):
    response = client.post("/contact/", {**VALID, "name": "", "email": "dana@", "message": ""})

    html = response.content.decode()
    summary = html.split('id="form-errors"', 1)[1].split("</div>", 1)[0]
    assert text_of(html, "div", id="form-errors").startswith("Please correct the 3 fields marked below")
    assert [(attrs["href"], text) for _, attrs, text in elements(summary, "a")] == [
        ("#id_name", "Your name"),
        ("#id_email", "Your email"),
        ("#id_message", "Message"),
    ]
    assert [text for _, _, text in elements(summary, "li")] == [
        "Your name: Enter your name.",
        "Your email: Enter an email address in the correct format, like name@example.org.",
        "Message: Enter your message.",
    ]
