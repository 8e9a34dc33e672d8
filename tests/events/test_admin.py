import csv
import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from django.contrib.admin.sites import site as admin_site
from django.utils import timezone

from apps.events.models import Event, Registration
from apps.events.timezones import make_aware_local
from tests.factories import make_event, make_registration

pytestmark = pytest.mark.django_db

Status = Registration.Status


def _event_form(**overrides):
    data = {
        "title": "NMT case-based training",
        "slug": "nmt-case-based-training",
        "kind": "case_based",
        "description": "A case conference.",
        "starts_at_0": "2030-03-07",
        "starts_at_1": "12:00",
        "timezone": "America/New_York",
        "duration": "01:30:00",
        "join_url": "https://meet.example.org/room",
        "venue": "",
        "capacity": "50",
        "registration_opens_at_0": "",
        "registration_opens_at_1": "",
        "registration_closes_at_0": "",
        "registration_closes_at_1": "",
        "is_published": "on",
        "ce_requires_evaluation": "on",
        "ce_post_test_pass_percent": "75",
        "credit_offers-TOTAL_FORMS": "0",
        "credit_offers-INITIAL_FORMS": "0",
        "credit_offers-MIN_NUM_FORMS": "0",
        "credit_offers-MAX_NUM_FORMS": "1000",
        "evaluation_questions-TOTAL_FORMS": "0",
        "evaluation_questions-INITIAL_FORMS": "0",
        "evaluation_questions-MIN_NUM_FORMS": "0",
        "evaluation_questions-MAX_NUM_FORMS": "1000",
        "registrations-TOTAL_FORMS": "0",
        "registrations-INITIAL_FORMS": "0",
        "registrations-MIN_NUM_FORMS": "0",
        "registrations-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("zone", "day", "time", "expected_utc"),
    [
        ("America/New_York", "2030-03-07", "12:00", datetime(2030, 3, 7, 17, 0, tzinfo=UTC)),
        ("America/New_York", "2030-03-14", "12:00", datetime(2030, 3, 14, 16, 0, tzinfo=UTC)),
        ("Europe/Berlin", "2030-03-28", "12:00", datetime(2030, 3, 28, 11, 0, tzinfo=UTC)),
        ("Europe/Berlin", "2030-04-04", "12:00", datetime(2030, 4, 4, 10, 0, tzinfo=UTC)),
    ],
)
def test_admin_takes_the_start_as_wall_clock_time_in_the_events_zone(admin_client, zone, day, time, expected_utc):
    response = admin_client.post(
        "/admin/events/event/add/", _event_form(timezone=zone, starts_at_0=day, starts_at_1=time)
    )

    assert response.status_code == 302
    event = Event.objects.get()
    assert event.starts_at == expected_utc
    assert event.timezone == zone
    assert event.ends_at == expected_utc + timedelta(minutes=90)


def test_admin_registration_window_is_in_the_events_zone_too(admin_client):
    admin_client.post(
        "/admin/events/event/add/",
        _event_form(
            timezone="Europe/London",
            starts_at_0="2030-07-04",
            registration_opens_at_0="2030-06-01",
            registration_opens_at_1="09:00",
        ),
    )

    assert Event.objects.get().registration_opens_at == datetime(2030, 6, 1, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(("day", "time"), [("2030-03-10", "02:30"), ("2030-11-03", "01:30")])
def test_admin_refuses_a_local_time_skipped_or_repeated_by_daylight_saving(admin_client, day, time):
    response = admin_client.post("/admin/events/event/add/", _event_form(starts_at_0=day, starts_at_1=time))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["starts_at"] == [
        f"{day} {time}:00 couldn’t be interpreted in time zone America/New_York; it may be ambiguous or it may "
        "not exist."
    ]
    assert Event.objects.count() == 0


def test_admin_edit_form_shows_the_saved_start_in_the_events_zone(admin_client):
    event = make_event(
        starts_at=make_aware_local(datetime(2030, 4, 4, 12, 0), "Europe/London"), timezone="Europe/London"
    )

    html = admin_client.get(f"/admin/events/event/{event.pk}/change/").content.decode()

    assert 'name="starts_at_0" value="2030-04-04"' in html
    assert 'name="starts_at_1" value="12:00:00"' in html
    assert "2030-04-04 11:00 UTC" in html


def test_admin_refuses_an_event_without_join_link_or_venue_and_an_unknown_zone(admin_client):
    response = admin_client.post(
        "/admin/events/event/add/", _event_form(join_url="", venue="", timezone="Mars/Olympus_Mons")
    )

    errors = response.context["adminform"].form.errors
    assert errors["join_url"] == ["Give an online join link or a venue (or both)."]
    assert errors["timezone"] == ["Select a valid choice. Mars/Olympus_Mons is not one of the available choices."]
    assert Event.objects.count() == 0


def test_admin_refuses_the_slug_of_the_past_events_page(admin_client):
    response = admin_client.post("/admin/events/event/add/", _event_form(slug="past"))

    assert response.context["adminform"].form.errors == {"slug": ["“past” is a page of its own; choose another slug."]}


def test_changelist_shows_registration_counts_and_opens_on_upcoming_events(admin_client):
    event = make_event(title="Spring training", capacity=2)
    for _ in range(3):
        make_registration(event=event)
    cancelled = make_registration(event=make_event(title="Other", capacity=5))
    from apps.events.services import registration_cancel

    registration_cancel(registration=cancelled)
    make_event(title="Old one", starts_at=timezone.now() - timedelta(days=30))

    response = admin_client.get("/admin/events/event/")

    rows = {
        e.title: (e.confirmed_count, e.waitlisted_count, e.cancelled_count) for e in response.context["cl"].result_list
    }
    assert rows == {"Spring training": (2, 1, 0), "Other": (0, 0, 1)}
    html = response.content.decode()
    assert f"?event__id__exact={event.pk}&amp;status__exact=waitlisted" in html
    assert f'href="/admin/events/registration/export/?event__id__exact={event.pk}"' in html
    past = admin_client.get("/admin/events/event/", {"when": "past"})
    assert [e.title for e in past.context["cl"].result_list] == ["Old one"]


@pytest.mark.parametrize("events", [2, 12])
def test_changelist_query_count_does_not_grow_with_events(admin_client, django_assert_max_num_queries, events):
    for _ in range(events):
        event = make_event()
        make_registration(event=event)
    admin_client.get("/admin/events/event/")

    # Ten, whatever the number of events: the sidebar asks whether each one-row settings model
    # (site settings, CE settings) may be added.
    with django_assert_max_num_queries(10):
        response = admin_client.get("/admin/events/event/")

    assert len(response.context["cl"].result_list) == events


def test_copy_next_quarter_action_creates_an_unpublished_copy(admin_client):
    start = make_aware_local(datetime(2030, 1, 17, 12, 0), "America/Chicago")
    event = make_event(starts_at=start, slug="nmt-case-based-training-2030-01-17", title="NMT case-based training")
    workshop = make_event(kind=Event.Kind.WORKSHOP, title="A workshop")

    response = admin_client.post(
        "/admin/events/event/",
        {"action": "copy_next_quarter", "_selected_action": [event.pk, workshop.pk], "when": "all"},
        follow=True,
    )

    copy = Event.objects.get(slug="nmt-case-based-training-2030-04-17")
    assert (copy.is_published, copy.local_start.replace(tzinfo=None)) == (False, datetime(2030, 4, 17, 12, 0))
    texts = [str(m) for m in response.context["messages"]]
    assert any(t.startswith("Created <a href=") and "on 2030-04-17 12:00 CDT (unpublished)" in t for t in texts)
    assert "Skipped: “A workshop” is not a case-based training." in texts


def test_raising_capacity_in_the_admin_promotes_the_waitlist(admin_client, send_queued, mailoutbox):
    event = make_event(
        capacity=1,
        starts_at=make_aware_local(datetime(2030, 3, 7, 12, 0), "America/New_York"),
        timezone="America/New_York",
        title="NMT case-based training",
        slug="nmt-case-based-training",
        description="A case conference.",
        join_url="https://meet.example.org/room",
    )
    make_registration(event=event)
    waiting = make_registration(event=event)
    data = _event_form(capacity="2", **{"registrations-INITIAL_FORMS": "0"})

    with send_queued():
        response = admin_client.post(f"/admin/events/event/{event.pk}/change/", data)

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED
    assert [m.to for m in mailoutbox] == [[waiting.email]]


def test_registration_inline_lists_the_waitlist_in_order(admin_client):
    event = make_event(capacity=1)
    make_registration(event=event, name="Seated")
    make_registration(event=event, name="First waiting")
    make_registration(event=event, name="Second waiting")

    response = admin_client.get(f"/admin/events/event/{event.pk}/change/")

    formset = next(f.formset for f in response.context["inline_admin_formsets"] if f.formset.model is Registration)
    assert [(r.name, r.waitlist_position) for r in formset.queryset] == [
        ("Seated", None),
        ("First waiting", 1),
        ("Second waiting", 2),
    ]


def test_registration_changelist_shows_waitlist_positions_even_when_filtered(admin_client):
    event = make_event(capacity=1)
    make_registration(event=event, name="Seated")
    make_registration(event=event, name="Ann waiting")
    make_registration(event=event, name="Bob waiting")

    response = admin_client.get("/admin/events/registration/", {"q": "Bob"})

    assert [(r.name, r.waitlist_position) for r in response.context["cl"].result_list] == [("Bob waiting", 2)]


def _past(event):
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(days=2), ends_at=timezone.now() - timedelta(days=2) + timedelta(hours=2)
    )


def test_attendance_action_marks_past_events_only(admin_client):
    past = make_event()
    came = make_registration(event=past)
    _past(past)
    upcoming = make_registration(event=make_event())

    response = admin_client.post(
        "/admin/events/registration/",
        {"action": "mark_attended", "_selected_action": [came.pk, upcoming.pk]},
        follow=True,
    )

    assert dict(Registration.objects.values_list("pk", "attended")) == {came.pk: True, upcoming.pk: None}
    assert [str(m) for m in response.context["messages"]] == [
        "1 registration marked as attended.",
        "1 registration skipped: attendance is recorded only for confirmed registrations of events that have begun.",
    ]


def test_cancel_action_promotes_the_waitlist(admin_client):
    event = make_event(capacity=1)
    seated = make_registration(event=event)
    waiting = make_registration(event=event)

    admin_client.post(
        "/admin/events/registration/", {"action": "cancel_registrations", "_selected_action": [seated.pk]}
    )

    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED


def test_registrations_cannot_be_added_or_have_their_status_edited_in_the_admin():
    model_admin = admin_site._registry[Registration]

    assert model_admin.has_add_permission(None) is False
    assert {"status", "attended", "event", "position"} <= set(model_admin.readonly_fields)


EXPORT_FIELDS = [
    "event",
    "event_starts",
    "name",
    "email",
    "organisation",
    "role",
    "is_nmt_certified",
    "status",
    "waitlist_position",
    "attended",
    "registered",
]


def _export(admin_client, query, file_format, fields=EXPORT_FIELDS):
    data = {"format": file_format, "resource": "0", **{f"registrationresource_{f}": "on" for f in fields}}
    return admin_client.post(f"/admin/events/registration/export/?{query}", data)


def test_export_the_registrants_of_one_event_as_csv_with_formulas_escaped(admin_client):
    event = make_event(title="Spring training", capacity=1)
    make_registration(event=event, name="Dana Whitfield", email="dana@example.org", organisation="=HYPERLINK(1)")
    make_registration(event=event, name="Sam Ortiz", email="sam@example.org", is_nmt_certified=True)
    make_registration(name="Someone at another event")

    response = _export(admin_client, f"event__id__exact={event.pk}", "0")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "event",
        "event starts (UTC)",
        "name",
        "email",
        "organisation",
        "role",
        "NMT-certified",
        "status",
        "waitlist position",
        "attended",
        "registered (UTC)",
    ]
    assert [row[:1] + row[2:10] for row in rows[1:]] == [
        [
            "Spring training",
            "Dana Whitfield",
            "dana@example.org",
            "HYPERLINK(1)",  # the leading = is stripped (IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT)
            "Clinician or therapist",
            "no",
            "Confirmed",
            "",
            "",
        ],
        [
            "Spring training",
            "Sam Ortiz",
            "sam@example.org",
            "Harbor Child Center",
            "Clinician or therapist",
            "yes",
            "Waitlisted",
            "1",
            "",
        ],
    ]


def test_export_registrants_as_xlsx(admin_client):
    registration = make_registration(name="Dana Whitfield")

    response = _export(admin_client, "", "1", fields=["name", "email", "status"])

    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows == [("name", "email", "status"), ("Dana Whitfield", registration.email, "Confirmed")]


@pytest.mark.parametrize("url", ["/admin/events/event/", "/admin/events/registration/"])
def test_event_admin_needs_staff(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
