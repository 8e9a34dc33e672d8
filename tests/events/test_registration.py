"""Registering for a training, the waitlist and cancelling, through the public pages."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from apps.events.models import Event, Registration
from apps.events.services import registration_create
from apps.events.tokens import make_cancel_token
from tests.factories import make_event, make_registration, queued_emails
from tests.html import elements, text_of

pytestmark = pytest.mark.django_db

Status = Registration.Status

VALID = {
    "name": "Jordan Lee",
    "email": "jordan@example.org",
    "organisation": "Harbor Family Services",
    "role": "clinician",
    "is_nmt_certified": "yes",
}


def _cancel_path(registration):
    return f"/events/{registration.event.slug}/cancel/{make_cancel_token(registration)}/"


# REGISTRATION


def test_registering_confirms_a_seat_emails_and_shows_the_outcome(client, send_queued, mailoutbox):
    event = make_event(title="Spring case-based training", capacity=2)

    with send_queued():
        response = client.post(f"/events/{event.slug}/register/", VALID)

    assert response.status_code == 302
    assert response["Location"] == f"/events/{event.slug}/registered/"
    registration = Registration.objects.get()
    assert (
        registration.name,
        registration.email,
        registration.organisation,
        registration.role,
        registration.is_nmt_certified,
        registration.status,
    ) == ("Jordan Lee", "jordan@example.org", "Harbor Family Services", "clinician", True, Status.CONFIRMED)
    assert [m.subject for m in mailoutbox] == ["You are registered: Spring case-based training"]
    page = client.get(response["Location"]).content.decode()
    assert text_of(page, "div", class_="alert alert-success") == (
        "You are registered for Spring case-based training. We have emailed the confirmation and the join "
        "link to jordan@example.org."
    )


def test_registering_for_a_full_event_joins_the_waitlist_and_says_the_position(client):
    event = make_event(title="Full training", capacity=1)
    make_registration(event=event)
    make_registration(event=event)

    response = client.post(f"/events/{event.slug}/register/", VALID, follow=True)

    assert Registration.objects.get(email="jordan@example.org").status == Status.WAITLISTED
    assert text_of(response.content.decode(), "div", class_="alert alert-info") == (
        "Full training is full, so you are number 2 on the waitlist. If a seat opens up, you get it "
        "automatically and we email jordan@example.org."
    )


def _next_steps(html):
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    return [text for _, _, text in elements(main, "li")]


def test_the_waitlist_outcome_page_gives_the_position_and_promises_no_calendar_file(client):
    event = make_event(title="Full training", capacity=1, join_url="https://meet.example.org/secret")
    make_registration(event=event)
    make_registration(event=event)
    client.post(f"/events/{event.slug}/register/", VALID)

    first = client.get(f"/events/{event.slug}/registered/").content.decode()
    reloaded = client.get(f"/events/{event.slug}/registered/").content.decode()

    assert _next_steps(first) == [
        "Check your inbox for the email that says you are number 2 on the waitlist. It may take a few minutes; "
        "look in the spam folder too.",
        "No calendar file or join link yet: if a seat opens up, it is yours automatically, and the email that "
        "tells you carries both.",
        "The email has a private link to leave the waitlist.",
    ]
    # The message is shown once; the page keeps saying where the visitor stands.
    assert text_of(reloaded, "p", class_="lead") == "You are number 2 on the waitlist for Full training."


def test_the_seat_outcome_page_promises_the_calendar_file(client):
    event = make_event(title="Spring training", capacity=5, venue="Houston")
    client.post(f"/events/{event.slug}/register/", VALID)

    first = client.get(f"/events/{event.slug}/registered/").content.decode()
    reloaded = client.get(f"/events/{event.slug}/registered/").content.decode()

    steps = _next_steps(first)
    assert steps[0].startswith("Check your inbox for the confirmation email")
    assert steps[0].endswith("and a calendar file. It may take a few minutes; look in the spam folder too.")
    assert text_of(reloaded, "p", class_="lead") == "You are registered for Spring training."


def test_the_outcome_page_of_an_unknown_registration_promises_nothing(client):
    event = make_event(title="Spring training")

    html = client.get(f"/events/{event.slug}/registered/").content.decode()

    assert text_of(html, "p", class_="lead") == (
        "If your registration went through, an email about it is on its way to your inbox."
    )
    assert "calendar file" not in text_of(html, "main")


def test_duplicate_registration_is_refused_at_the_email_field_whatever_the_case(client):
    event = make_event()
    make_registration(event=event, email="jordan@example.org")

    response = client.post(f"/events/{event.slug}/register/", {**VALID, "email": "Jordan@EXAMPLE.org"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": [
            "This email address is already registered for this event. The confirmation email has the details "
            "and a link to cancel; write to us if you cannot find it."
        ]
    }
    assert 'value="Harbor Family Services"' in response.content.decode()
    assert Registration.objects.filter(event=event).count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Enter your name."),
        ("email", "not-an-email", "Enter an email address in the correct format, like name@example.org."),
        ("role", "wizard", "Select your role from the list."),
        ("is_nmt_certified", "", "Select yes if you are NMT-certified, or no if you are not."),
        ("organisation", "x" * 201, "The organisation's name must be 200 characters or fewer."),
    ],
)
def test_invalid_registration_is_refused_at_the_field_and_nothing_is_lost(client, field, value, message):
    event = make_event()

    response = client.post(f"/events/{event.slug}/register/", {**VALID, field: value})

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert 'value="Jordan Lee"' in response.content.decode() or field == "name"
    assert Registration.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"registration_closes_at": timezone.now() - timedelta(minutes=1)}, "Registration for this event has closed."),
        (
            {"starts_at": timezone.now() - timedelta(minutes=1)},
            "This event has already started, so registration is closed.",
        ),
    ],
)
def test_closed_registration_is_refused_with_a_message_and_409(client, overrides, message):
    event = make_event(**overrides)

    response = client.post(f"/events/{event.slug}/register/", VALID)

    assert response.status_code == 409
    assert text_of(response.content.decode(), "div", class_="alert alert-warning") == message
    assert Registration.objects.count() == 0


def test_not_yet_open_registration_is_refused_with_409(client):
    opens = timezone.now() + timedelta(days=2)
    event = make_event(registration_opens_at=opens)

    response = client.post(f"/events/{event.slug}/register/", VALID)

    assert response.status_code == 409
    assert "Registration opens on" in text_of(response.content.decode(), "div", class_="alert alert-warning")
    assert Registration.objects.count() == 0


def test_registering_for_an_unknown_or_unpublished_event_is_not_found(client):
    draft = make_event(is_published=False)

    assert client.post(f"/events/{draft.slug}/register/", VALID).status_code == 404
    assert client.post("/events/no-such-event/register/", VALID).status_code == 404


def test_honeypot_registration_looks_successful_but_stores_nothing(client, send_queued, mailoutbox):
    event = make_event()

    with send_queued():
        response = client.post(f"/events/{event.slug}/register/", {**VALID, "website": "http://spam.example"})

    assert response.status_code == 302
    assert Registration.objects.count() == 0
    assert mailoutbox == []


def test_register_page_shows_the_form_on_get_and_refuses_other_methods(client):
    event = make_event()

    response = client.get(f"/events/{event.slug}/register/")

    assert response.status_code == 200
    assert text_of(response.content.decode(), "h1") == f"Register: {event.title}"
    assert client.put(f"/events/{event.slug}/register/", VALID).status_code == 405
    assert client.delete(f"/events/{event.slug}/register/").status_code == 405


def test_registration_is_rate_limited_per_ip(client):
    event = make_event(capacity=100)
    for n in range(20):
        data = {**VALID, "email": f"person{n}@example.org"}
        assert client.post(f"/events/{event.slug}/register/", data, REMOTE_ADDR="203.0.113.9").status_code == 302

    response = client.post(
        f"/events/{event.slug}/register/", {**VALID, "email": "one-more@example.org"}, REMOTE_ADDR="203.0.113.9"
    )

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert Registration.objects.count() == 20
    other = client.post(f"/events/{event.slug}/register/", VALID, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302


def test_no_email_is_sent_inside_the_request(client):
    event = make_event()

    client.post(f"/events/{event.slug}/register/", VALID)

    assert mail.outbox == []
    # The confirmation is queued in the request's own transaction, for the worker to send.
    assert queued_emails() == [(["jordan@example.org"], f"You are registered: {event.title}")]


# CANCELLATION


def test_cancel_page_asks_before_cancelling(client):
    registration = make_registration(name="Dana Whitfield")

    response = client.get(_cancel_path(registration))

    html = response.content.decode()
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Referrer-Policy"] == "strict-origin"
    assert "no-cache" in response["Cache-Control"]
    assert text_of(html, "button", type="submit") == "Cancel my registration"
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


def test_cancelling_through_the_link_promotes_the_waitlist_and_emails_both(client, send_queued, mailoutbox):
    event = make_event(capacity=1, join_url="https://meet.example.org/room-42")
    seated = make_registration(event=event, email="seated@example.org")
    waiting = make_registration(event=event, email="waiting@example.org")

    with send_queued():
        response = client.post(_cancel_path(seated))

    assert response.status_code == 302
    assert response["Location"] == _cancel_path(seated)
    seated.refresh_from_db()
    waiting.refresh_from_db()
    assert (seated.status, waiting.status) == (Status.CANCELLED, Status.CONFIRMED)
    assert sorted(m.to[0] for m in mailoutbox) == ["seated@example.org", "waiting@example.org"]
    [promotion] = [m for m in mailoutbox if m.to == ["waiting@example.org"]]
    assert "https://meet.example.org/room-42" in promotion.body
    after = client.get(response["Location"]).content.decode()
    assert f"Your registration for {event.title} is cancelled." in after
    assert "This registration is cancelled." in after


def test_waitlisted_person_can_leave_the_waitlist(client):
    event = make_event(capacity=1)
    make_registration(event=event)
    waiting = make_registration(event=event)

    html = client.get(_cancel_path(waiting)).content.decode()
    client.post(_cancel_path(waiting))

    assert text_of(html, "button", type="submit") == "Leave the waitlist"
    waiting.refresh_from_db()
    assert waiting.status == Status.CANCELLED


def test_cancel_link_with_a_bad_token_or_for_another_event_is_not_found(client):
    registration = make_registration()
    other = make_event()
    token = make_cancel_token(registration)

    assert client.get(f"/events/{registration.event.slug}/cancel/not-a-token/").status_code == 404
    assert client.get(f"/events/{registration.event.slug}/cancel/{token[:-2]}xx/").status_code == 404
    assert client.get(f"/events/{other.slug}/cancel/{token}/").status_code == 404
    assert client.post(f"/events/{other.slug}/cancel/{token}/").status_code == 404


def test_cancelling_after_the_event_started_is_refused_with_409(client):
    event = make_event(starts_at=timezone.now() + timedelta(days=1))
    registration = registration_create(
        event=event, name="A", email="a@example.org", role="other", is_nmt_certified=False
    )
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(minutes=5))

    page = client.get(_cancel_path(registration)).content.decode()
    response = client.post(_cancel_path(registration))

    assert "can no longer be cancelled" in page
    assert elements(page, "button", type="submit") == []
    assert response.status_code == 409
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


def test_cancellation_is_rate_limited_per_ip(client):
    registration = make_registration()
    for _ in range(20):
        client.post(_cancel_path(registration), REMOTE_ADDR="203.0.113.10")

    assert client.post(_cancel_path(registration), REMOTE_ADDR="203.0.113.10").status_code == 429


def test_cancel_token_is_redacted_from_logs():
    from apps.core.logging import redact

    registration = make_registration()
    path = _cancel_path(registration)

    assert redact(f"GET {path} 200") == f"GET /events/{registration.event.slug}/cancel/[redacted]/ 200"


def test_the_registration_summary_links_a_radio_question_to_its_first_choice(client):
    event = make_event()

    response = client.post(f"/events/{event.slug}/register/", {**VALID, "is_nmt_certified": ""})

    summary = response.content.decode().split('id="form-errors"', 1)[1].split("</div>", 1)[0]
    assert [(attrs["href"], text) for _, attrs, text in elements(summary, "a")] == [
        ("#id_is_nmt_certified_0", "Are you NMT-certified?")
    ]
    assert 'id="id_is_nmt_certified_0"' in response.content.decode()
