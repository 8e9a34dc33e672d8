"""The trainings' public pages: the lists, an event's page and the join link kept private."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from apps.events.models import Event, Registration
from apps.events.timezones import make_aware_local
from apps.events.tokens import make_cancel_token
from tests.factories import make_event, make_registration
from tests.html import elements, labels, text_of

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


# LISTS


def test_upcoming_list_shows_published_events_soonest_first_and_past_ones_apart(client):
    now = timezone.now()
    later = make_event(title="Later one", starts_at=now + timedelta(days=50))
    sooner = make_event(title="Sooner one", starts_at=now + timedelta(days=5))
    running = make_event(title="Running now", starts_at=now - timedelta(minutes=30))
    past = make_event(title="Last spring", starts_at=now - timedelta(days=90))
    older = make_event(title="Long ago", starts_at=now - timedelta(days=400))
    make_event(title="Draft", is_published=False)

    upcoming = client.get("/events/")
    past_page = client.get("/events/past/")

    assert [e.pk for e in upcoming.context["events"]] == [running.pk, sooner.pk, later.pk]
    assert [e.pk for e in past_page.context["events"]] == [past.pk, older.pk]
    assert "Draft" not in upcoming.content.decode() + past_page.content.decode()
    assert text_of(upcoming.content.decode(), "h1") == "Trainings and events"
    assert text_of(past_page.content.decode(), "h1") == "Past trainings"


def test_upcoming_list_is_paginated(client):
    for day in range(1, 15):
        make_event(starts_at=timezone.now() + timedelta(days=day))

    first = client.get("/events/")
    second = client.get("/events/", {"page": 2})

    assert (len(first.context["events"]), len(second.context["events"])) == (12, 2)
    assert "Page 1 of 2" in first.content.decode()


def test_list_filters_by_kind_and_ignores_unknown_kinds(client):
    workshop = make_event(kind=Event.Kind.WORKSHOP)
    training = make_event(kind=Event.Kind.CASE_BASED)

    assert [e.pk for e in client.get("/events/", {"kind": "workshop"}).context["events"]] == [workshop.pk]
    assert len(client.get("/events/", {"kind": "<script>"}).context["events"]) == 2
    assert training.pk in [e.pk for e in client.get("/events/").context["events"]]


def test_list_shows_seats_left_and_the_registration_state(client):
    now = timezone.now()
    open_event = make_event(title="Open", capacity=3, starts_at=now + timedelta(days=3))
    make_registration(event=open_event)
    full = make_event(title="Full", capacity=1, starts_at=now + timedelta(days=4))
    make_registration(event=full)
    make_event(title="Soon", starts_at=now + timedelta(days=5), registration_opens_at=now + timedelta(days=1))
    make_event(title="Closed", starts_at=now + timedelta(days=6), registration_closes_at=now - timedelta(hours=1))

    html = client.get("/events/").content.decode()

    assert [text for _, _, text in elements(html, "span", class_="badge text-bg-success event-state")] == [
        "Open · 2 seats left"
    ]
    assert [text for _, _, text in elements(html, "span", class_="badge text-bg-warning event-state")] == [
        "Full · waitlist open"
    ]
    assert [text for _, _, text in elements(html, "span", class_="badge text-bg-secondary event-state")] == [
        "Registration not yet open"
    ]
    assert [text for _, _, text in elements(html, "span", class_="badge text-bg-dark event-state")] == [
        "Registration closed"
    ]


@pytest.mark.parametrize("count", [3, 24])
def test_list_query_count_does_not_grow_with_events(client, django_assert_max_num_queries, count):
    for day in range(count):
        event = make_event(starts_at=timezone.now() + timedelta(days=day + 1))
        make_registration(event=event)
    client.get("/")  # warm the cached site settings

    with django_assert_max_num_queries(2):
        response = client.get("/events/")

    assert len(response.context["events"]) == min(count, 12)


# DETAIL


@pytest.mark.parametrize(
    ("zone", "local", "expected_local", "expected_utc"),
    [
        # Either side of the US daylight-saving switch on 10 March 2030.
        (
            "America/New_York",
            datetime(2030, 3, 7, 12, 0),
            "7 March 2030, 12:00 EST – 13:30 EST (UTC−5)",
            "7 March 2030, 17:00 UTC – 18:30 UTC",
        ),
        (
            "America/New_York",
            datetime(2030, 3, 14, 12, 0),
            "14 March 2030, 12:00 EDT – 13:30 EDT (UTC−4)",
            "14 March 2030, 16:00 UTC – 17:30 UTC",
        ),
        # Either side of the EU switch on 31 March 2030.
        (
            "Europe/London",
            datetime(2030, 3, 28, 18, 0),
            "28 March 2030, 18:00 GMT – 19:30 GMT (UTC+0)",
            "28 March 2030, 18:00 UTC – 19:30 UTC",
        ),
        (
            "Europe/London",
            datetime(2030, 4, 4, 18, 0),
            "4 April 2030, 18:00 BST – 19:30 BST (UTC+1)",
            "4 April 2030, 17:00 UTC – 18:30 UTC",
        ),
        (
            "Asia/Kolkata",
            datetime(2030, 4, 4, 20, 0),
            "4 April 2030, 20:00 IST – 21:30 IST (UTC+5:30)",
            "4 April 2030, 14:30 UTC – 16:00 UTC",
        ),
    ],
)
def test_detail_shows_the_time_in_the_events_zone_and_in_utc_across_daylight_saving(
    client, zone, local, expected_local, expected_utc
):
    event = make_event(starts_at=make_aware_local(local, zone), timezone=zone)

    html = client.get(f"/events/{event.slug}/").content.decode()

    when = [text for _, _, text in elements(html, "dd")]
    assert when[0] == expected_local
    assert when[1] == expected_utc
    assert "90 minutes" in when
    assert text_of(html, "dt") == f"Time in {zone.replace('_', ' ')}"


def test_detail_shows_seats_left_and_the_registration_form_with_labels(client):
    event = make_event(capacity=5)
    make_registration(event=event)

    response = client.get(f"/events/{event.slug}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert text_of(html, "span", class_="badge text-bg-success event-state") == "Open · 4 seats left"
    assert labels(html) == {
        "id_name": "Your name*",
        "id_email": "Your email*",
        "id_organisation": "Organisation (optional)",
        "id_role": "Role*",
        "id_is_nmt_certified_0": "Yes",
        "id_is_nmt_certified_1": "No",
        "id_website": "Leave this field empty",
    }
    [form] = elements(html, "form", class_="registration-form")
    assert form[1]["action"] == f"/events/{event.slug}/register/"
    assert 'name="csrfmiddlewaretoken"' in html


def test_full_event_offers_the_waitlist(client):
    event = make_event(capacity=1)
    make_registration(event=event)

    html = client.get(f"/events/{event.slug}/").content.decode()

    assert text_of(html, "h2", id="register-heading") == "Join the waitlist"
    assert text_of(html, "button", type="submit") == "Join the waitlist"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"registration_opens_at": make_aware_local(datetime(2030, 1, 5, 9, 0), "America/Chicago")},
            "Registration opens on 5 January 2030, 09:00 CST.",
        ),
        ({"registration_closes_at": timezone.now() - timedelta(minutes=1)}, "Registration for this event has closed."),
    ],
)
def test_detail_without_open_registration_says_why_and_has_no_form(client, overrides, message):
    event = make_event(starts_at=make_aware_local(datetime(2030, 2, 5, 12, 0), "America/Chicago"), **overrides)

    html = client.get(f"/events/{event.slug}/").content.decode()

    assert elements(html, "form", class_="registration-form") == []
    assert message in [text for _, _, text in elements(html, "p")]


def test_past_event_page_says_it_took_place(client):
    event = make_event(starts_at=timezone.now() - timedelta(days=3))

    html = client.get(f"/events/{event.slug}/").content.decode()

    assert "This event has taken place." in html
    assert elements(html, "form", class_="registration-form") == []


def test_unpublished_event_is_hidden_from_the_public_and_previewed_by_staff(client, admin_client):
    event = make_event(is_published=False)

    assert client.get(f"/events/{event.slug}/").status_code == 404
    preview = admin_client.get(f"/events/{event.slug}/")
    assert preview.status_code == 200
    assert "Preview: this event is not published." in preview.content.decode()
    assert elements(preview.content.decode(), "form", class_="registration-form") == []


def test_description_is_sanitised(client):
    event = make_event(description='Hello <script>alert("x")</script><b onclick="evil()">there</b>')

    html = client.get(f"/events/{event.slug}/").content.decode()

    assert "alert(" not in html and "onclick" not in html
    assert "<p>Hello there</p>" in html


@pytest.mark.parametrize("registrations", [1, 15])
def test_detail_query_count_does_not_grow_with_registrations(client, django_assert_max_num_queries, registrations):
    event = make_event(capacity=40)
    for _ in range(registrations):
        make_registration(event=event)
    client.get("/")

    # The event with its counts, and its CE credit offers.
    with django_assert_max_num_queries(2):
        response = client.get(f"/events/{event.slug}/")

    assert response.context["seats_left"] == 40 - registrations


# THE JOIN LINK


def test_join_link_is_never_on_a_public_page_or_feed(client, starter_content):
    event = make_event(join_url="https://meet.example.org/very-secret-room", venue="")
    registration = make_registration(event=event)
    full = make_event(capacity=1, join_url="https://meet.example.org/very-secret-room")
    waiting = make_registration(event=full)

    urls = [
        "/",
        "/events/",
        "/events/past/",
        f"/events/{event.slug}/",
        f"/events/{event.slug}/register/",
        f"/events/{event.slug}/registered/",
        _cancel_path(registration),
        _cancel_path(waiting),
        f"/events/{full.slug}/",
        "/events.ics",
        f"/events/{event.slug}.ics",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"very-secret-room" not in response.content, url
    posted = client.post(f"/events/{event.slug}/register/", {**VALID, "email": "new@example.org"}, follow=True)
    assert b"very-secret-room" not in posted.content


def test_trainings_nav_item_points_at_events(client):
    html = client.get("/events/").content.decode()

    [link] = elements(html, "a", class_="nav-link active", href="/events/")
    assert (link[2], link[1]["aria-current"]) == ("Trainings", "page")


def test_event_and_library_pages_contain_no_inline_script_or_style(client, starter_content):
    event = make_event()
    registration = make_registration(event=event)

    for url in [
        "/events/",
        "/events/past/",
        f"/events/{event.slug}/",
        f"/events/{event.slug}/register/",
        _cancel_path(registration),
        "/library/",
        "/library/the-boy-who-was-raised-as-a-dog/",
    ]:
        html = client.get(url).content.decode()
        assert "<script>" not in html and "<style" not in html and " style=" not in html, url
        # Scripts are files, or JSON-LD data for search engines (never executed), never inline code.
        data = html.count('<script type="application/ld+json">')
        assert html.count("<script") == html.count('<script src="') + data, url
