from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from apps.core.roles import CONTENT_EDITORS, REVIEWERS
from apps.events.models import Registration
from apps.learning.attendance import attendance_import, parse_participant_csv
from apps.learning.models import AttendanceImport, AttendanceSession, CreditAward, CreditOffer
from tests.factories import make_event, make_registration, make_staff
from tests.staff import admin_login

pytestmark = pytest.mark.django_db

# 12:00 to 13:30 in New York (EST, UTC−5) on 7 March 2030.
START = datetime(2030, 3, 7, 17, 0, tzinfo=UTC)


@pytest.fixture
def event():
    return make_event(starts_at=START, timezone="America/New_York", duration=timedelta(minutes=90), capacity=100)


def _offer(event, credit_type="apa", half_hours=False):
    return CreditOffer.objects.create(
        event=event,
        credit_type=credit_type,
        provider_number="123",
        approval_statement="Approved.",
        allows_half_hours=half_hours,
    )


def _csv(*rows, header="Name,Email,Join Time,Leave Time"):
    return "\n".join([header, *(",".join(row) for row in rows)]) + "\n"


FULL = ("2030-03-07 12:00", "2030-03-07 13:30")


# --- parsing ---


@pytest.mark.parametrize(
    "header",
    [
        "Name,Email,Join Time,Leave Time",
        "Name (Original Name),User Email,Join Time,Leave Time",
        "Full Name,Attendee Email,Joined,Left",
        "Attendee Name,Participant Email,Join,Leave",
        "name,EMAIL,join time,LEAVE-TIME",
    ],
)
def test_parse_accepts_each_header_variant(event, header):
    parsed = parse_participant_csv(_csv(("Dana", "dana@example.org", *FULL), header=header), event=event)

    assert parsed.errors == []
    assert [(row.line, row.email, row.name) for row in parsed.rows] == [(2, "dana@example.org", "Dana")]
    assert parsed.rows[0].joined_at == START


def test_parse_name_is_optional(event):
    parsed = parse_participant_csv(_csv(("dana@example.org", *FULL), header="Email,Join,Leave"), event=event)

    assert parsed.errors == []
    assert parsed.rows[0].name == ""


@pytest.mark.parametrize(
    ("join", "expected"),
    [
        ("2030-03-07T17:00:00Z", START),
        ("2030-03-07T12:00:00-05:00", START),
        ("2030-03-07T18:00:00+01:00", START),
        ("2030-03-07 12:00", START),
        ("2030-03-07 12:00:30", START + timedelta(seconds=30)),
        ("03/07/2030 12:00 PM", START),
        ("03/07/2030 01:15:00 PM", START + timedelta(minutes=75)),
        ("3/7/2030 11:45 am", START - timedelta(minutes=15)),
        ("03/07/2030 12:05", START + timedelta(minutes=5)),
    ],
)
def test_parse_time_formats(event, join, expected):
    parsed = parse_participant_csv(_csv(("Dana", "dana@example.org", join, "2030-03-07T18:30:00Z")), event=event)

    assert parsed.errors == []
    assert parsed.rows[0].joined_at == expected


def test_naive_times_are_read_in_the_events_own_zone():
    berlin = make_event(starts_at=datetime(2030, 7, 4, 10, 0, tzinfo=UTC), timezone="Europe/Berlin")

    parsed = parse_participant_csv(
        _csv(("Dana", "dana@example.org", "2030-07-04 12:00", "2030-07-04 13:00")), event=berlin
    )

    assert parsed.rows[0].joined_at == datetime(2030, 7, 4, 10, 0, tzinfo=UTC)


def test_parse_accepts_a_bom_and_crlf(event):
    text = "\ufeff" + _csv(("Dana", "dana@example.org", *FULL)).replace("\n", "\r\n")

    parsed = parse_participant_csv(text, event=event)

    assert parsed.errors == []
    assert len(parsed.rows) == 1


def test_parse_finds_the_header_below_zooms_meeting_summary(event):
    text = "Meeting ID,Topic,Start Time\n123 456,NMT training,03/07/2030 11:55 AM\n\n" + _csv(
        ("Dana", "dana@example.org", *FULL), header="Name (Original Name),User Email,Join Time,Leave Time"
    )

    parsed = parse_participant_csv(text, event=event)

    assert parsed.errors == []
    assert [row.line for row in parsed.rows] == [5]


def test_a_missing_column_is_one_error_naming_the_accepted_columns(event):
    parsed = parse_participant_csv(
        _csv(("Dana", "dana@example.org", "2030-03-07 12:00"), header="Name,Email,Join"), event=event
    )

    assert parsed.rows == []
    assert parsed.fatal
    [(line, message)] = parsed.errors
    assert line is None
    assert "email, join, leave" in message
    assert "Leave Time, Left, Leave" in message
    assert "“Name”, “Email”, “Join”" in message


def test_malformed_rows_are_listed_with_their_lines_and_the_rest_import(event):
    text = _csv(
        ("Dana", "dana@example.org", *FULL),
        ("Eli", "eli@example.org", "yesterday", "2030-03-07 13:30"),
        ("Fay", "fay@example.org", "2030-03-07 13:00", "2030-03-07 12:00"),
        ("Gus", "not-an-email", *FULL),
        ("Hal", "", *FULL),
        ("Ivy", "ivy@example.org", "13/45/2030 12:00", "2030-03-07 13:30"),
        ("Jo", "jo@example.org", *FULL),
    )

    parsed = parse_participant_csv(text, event=event)

    assert [row.email for row in parsed.rows] == ["dana@example.org", "jo@example.org"]
    assert [line for line, _ in parsed.errors] == [3, 4, 5, 6, 7]
    messages = dict(parsed.errors)
    assert "“yesterday” is not a time" in messages[3]
    assert "before joining" in messages[4]
    assert "not an email address" in messages[5]
    assert "no email address" in messages[6]
    assert parsed.rows_read == 7


def test_too_many_rows_is_refused_as_a_whole(event, monkeypatch):
    monkeypatch.setattr("apps.learning.attendance.MAX_ROWS", 2)

    parsed = parse_participant_csv(_csv(*[("Dana", "dana@example.org", *FULL)] * 3), event=event)

    assert parsed.fatal
    assert parsed.rows == []
    assert "more than 2 rows" in parsed.errors[0][1]


# --- importing ---


def test_import_matches_case_insensitively_merges_rows_and_awards_credit(event):
    apa = _offer(event, "apa")
    nbcc = _offer(event, "nbcc", half_hours=True)
    dana = make_registration(event=event, name="Dana", email="Dana@Example.org")
    text = _csv(
        ("Dana", "dana@EXAMPLE.org", "2030-03-07 11:55", "2030-03-07 12:40"),
        ("Dana", "dana@example.org", "2030-03-07 12:45", "2030-03-07 13:31"),
        ("Stranger", "stranger@example.org", *FULL),
    )

    summary = attendance_import(event=event, text=text, filename="zoom.csv")

    assert (summary.rows_read, summary.rows_matched) == (3, 2)
    assert summary.unmatched == [{"line": 4, "email": "stranger@example.org", "name": "Stranger"}]
    [attendee] = summary.attendees
    assert attendee.minutes_attended == 85
    assert attendee.reason == "attended 85 of 90 minutes: 1 hour"
    awards = {award.offer: award for award in CreditAward.objects.filter(registration=dana)}
    assert awards[apa].hours == Decimal("1.0")
    assert awards[apa].reason == "attended 85 of 90 minutes: 1 hour"
    assert awards[nbcc].hours == Decimal("1.5")
    assert awards[nbcc].reason == "attended 85 of 90 minutes: 1.5 hours"
    assert AttendanceSession.objects.filter(registration=dana).count() == 2
    dana.refresh_from_db()
    assert dana.attended is True
    record = AttendanceImport.objects.get()
    assert (record.rows_read, record.rows_matched, record.filename) == (3, 2, "zoom.csv")
    assert record.unmatched == summary.unmatched


def test_full_attendance_reason(event):
    _offer(event)
    make_registration(event=event, name="Dana", email="dana@example.org")

    summary = attendance_import(event=event, text=_csv(("Dana", "dana@example.org", *FULL)), filename="a.csv")

    assert summary.attendees[0].credits[0].reason == "attended 90 of 90 minutes: 1 hour"


def test_attended_false_when_no_minutes_and_others_left_alone(event):
    early = make_registration(event=event, email="early@example.org")
    untouched = make_registration(event=event, email="untouched@example.org")
    text = _csv(("Early", "early@example.org", "2030-03-07 11:00", "2030-03-07 11:30"))

    attendance_import(event=event, text=text, filename="a.csv")

    early.refresh_from_db()
    untouched.refresh_from_db()
    assert early.attended is False
    assert untouched.attended is None


def test_waitlisted_match_and_cancelled_do_not():
    small = make_event(starts_at=START, timezone="America/New_York", capacity=1)
    make_registration(event=small, email="first@example.org")
    waitlisted = make_registration(event=small, email="second@example.org")
    cancelled = make_registration(event=small, email="third@example.org")
    Registration.objects.filter(pk=cancelled.pk).update(status=Registration.Status.CANCELLED)
    assert waitlisted.status == Registration.Status.WAITLISTED
    text = _csv(*[(name, f"{name}@example.org", *FULL) for name in ("first", "second", "third")])

    summary = attendance_import(event=small, text=text, filename="a.csv")

    assert sorted(attendee.email for attendee in summary.attendees) == ["first@example.org", "second@example.org"]
    assert [row["email"] for row in summary.unmatched] == ["third@example.org"]


def test_reimport_is_idempotent(event):
    offer = _offer(event)
    dana = make_registration(event=event, email="dana@example.org")
    text = _csv(
        ("Dana", "dana@example.org", "2030-03-07 12:00", "2030-03-07 12:50"),
        ("Dana", "dana@example.org", "2030-03-07 12:55", "2030-03-07 13:30"),
    )

    first = attendance_import(event=event, text=text, filename="a.csv")
    second = attendance_import(event=event, text=text, filename="a.csv")

    assert (first.rows_read, first.rows_matched) == (second.rows_read, second.rows_matched) == (2, 2)
    assert AttendanceSession.objects.filter(registration=dana).count() == 2
    assert set(AttendanceSession.objects.values_list("attendance_import", flat=True)) == {second.record.pk}
    assert CreditAward.objects.get(registration=dana, offer=offer).hours == Decimal("1.0")
    assert CreditAward.objects.count() == 1


def test_a_later_export_replaces_the_earlier_sessions(event):
    offer = _offer(event)
    dana = make_registration(event=event, email="dana@example.org")
    attendance_import(event=event, text=_csv(("Dana", "dana@example.org", *FULL)), filename="a.csv")

    attendance_import(
        event=event,
        text=_csv(("Dana", "dana@example.org", "2030-03-07 12:00", "2030-03-07 12:20")),
        filename="b.csv",
    )

    assert AttendanceSession.objects.filter(registration=dana).count() == 1
    award = CreditAward.objects.get(registration=dana, offer=offer)
    assert award.hours == 0
    assert award.minutes_attended == 20


def test_dry_run_writes_nothing(event):
    _offer(event)
    dana = make_registration(event=event, email="dana@example.org")

    summary = attendance_import(
        event=event, text=_csv(("Dana", "dana@example.org", *FULL)), filename="a.csv", dry_run=True
    )

    assert summary.attendees[0].credits[0].hours == Decimal("1.0")
    assert summary.record is None
    assert not AttendanceImport.objects.exists()
    assert not AttendanceSession.objects.exists()
    assert not CreditAward.objects.exists()
    dana.refresh_from_db()
    assert dana.attended is None


def test_a_file_that_cannot_be_read_writes_nothing(event):
    summary = attendance_import(event=event, text="just,some,words\n", filename="a.csv")

    assert summary.fatal
    assert not AttendanceImport.objects.exists()


def _many(event, count):
    registrations = [make_registration(event=event, email=f"person{n}@example.org") for n in range(count)]
    return _csv(
        *[
            row
            for registration in registrations
            for row in (
                ("P", registration.email, "2030-03-07 12:00", "2030-03-07 12:40"),
                ("P", registration.email, "2030-03-07 12:45", "2030-03-07 13:30"),
            )
        ]
    )


def test_the_import_takes_a_constant_number_of_queries(event, django_assert_max_num_queries):
    many_event = make_event(starts_at=START, timezone="America/New_York", capacity=100)
    for each in (event, many_event):
        _offer(each, "apa")
        _offer(each, "nbcc", half_hours=True)
    few, many = _many(event, 3), _many(many_event, 30)

    with django_assert_max_num_queries(10) as small:
        attendance_import(event=event, text=few, filename="a.csv")
    with django_assert_max_num_queries(10) as large:
        summary = attendance_import(event=many_event, text=many, filename="a.csv")

    assert len(small.captured_queries) == len(large.captured_queries)
    assert len(summary.attendees) == 30
    assert CreditAward.objects.filter(registration__event=many_event).count() == 60


# --- command ---


def test_command_prints_the_summary(event, tmp_path, capsys):
    _offer(event)
    make_registration(event=event, name="Dana", email="dana@example.org")
    path = tmp_path / "zoom.csv"
    path.write_bytes(
        _csv(
            ("Dana", "dana@example.org", *FULL),
            ("Stranger", "stranger@example.org", *FULL),
            ("Eli", "eli@example.org", "never", "2030-03-07 13:30"),
        ).encode("utf-8-sig")
    )

    call_command("import_attendance", event.slug, str(path), "--dry-run")
    out = capsys.readouterr().out

    assert "Dry run: nothing written." in out
    assert "Rows read: 3; matched: 1; attendees: 1" in out
    assert "Unmatched, line 3: stranger@example.org (Stranger)" in out
    assert "Error, line 4: “never” is not a time" in out
    assert "Dana <dana@example.org>: attended 90 of 90 minutes: 1 hour" in out
    assert not AttendanceImport.objects.exists()

    call_command("import_attendance", event.slug, str(path))

    assert AttendanceImport.objects.count() == 1
    assert "Imported 1 rows." in capsys.readouterr().out


def test_command_fails_when_the_file_cannot_be_read(event, tmp_path):
    missing_column = tmp_path / "bad.csv"
    missing_column.write_text("Name,Email\nDana,dana@example.org\n")

    with pytest.raises(CommandError, match="no header row with the columns email, join, leave"):
        call_command("import_attendance", event.slug, str(missing_column))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_attendance", event.slug, str(tmp_path / "absent.csv"))
    with pytest.raises(CommandError, match="No event"):
        call_command("import_attendance", "no-such-event", str(missing_column))


# --- admin ---


def _url(event):
    return f"/admin/events/event/{event.pk}/import-attendance/"


def _upload(text, name="zoom.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


@pytest.fixture
def editor_client(client, roles):
    return admin_login(client, make_staff(role=CONTENT_EDITORS))


def test_event_page_links_to_the_import(editor_client, event):
    response = editor_client.get(f"/admin/events/event/{event.pk}/change/")

    assert _url(event) in response.content.decode()


def test_admin_preview_then_confirm(editor_client, event):
    _offer(event)
    dana = make_registration(event=event, name="Dana", email="dana@example.org")
    text = _csv(("Dana", "DANA@example.org", *FULL), ("Stranger", "stranger@example.org", *FULL))

    response = editor_client.post(_url(event), {"export": _upload(text), "_preview": "Preview"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "2 rows read, 1 matched to" in page
    assert "stranger@example.org" in page
    assert "attended 90 of 90 minutes: 1 hour" in page
    assert not AttendanceImport.objects.exists()
    payload = response.context["confirm_form"]["payload"].value()

    response = editor_client.post(_url(event), {"payload": payload, "_confirm": "Confirm import"}, follow=True)

    assert response.redirect_chain == [(f"/admin/events/event/{event.pk}/change/", 302)]
    assert "Attendance imported from zoom.csv: 2 rows read, 1 matched" in response.content.decode()
    dana.refresh_from_db()
    assert dana.attended is True
    assert CreditAward.objects.get(registration=dana).hours == 1
    registration_page = editor_client.get(f"/admin/events/registration/{dana.pk}/change/").content.decode()
    assert "attended 90 of 90 minutes: 1 hour" in registration_page


def test_admin_refuses_a_tampered_payload(editor_client, event):
    make_registration(event=event, email="dana@example.org")
    payload = signing.dumps({"event": event.pk, "filename": "a.csv", "text": _csv(("D", "dana@example.org", *FULL))})

    response = editor_client.post(_url(event), {"payload": payload + "x", "_confirm": "Confirm import"})

    assert response.status_code == 200
    assert "upload the file again" in response.content.decode()
    assert not AttendanceImport.objects.exists()


def test_admin_shows_a_missing_column_and_offers_no_confirm(editor_client, event):
    response = editor_client.post(_url(event), {"export": _upload("Name,Email\nDana,d@example.org\n")})

    assert "The file cannot be imported" in response.content.decode()
    assert response.context["confirm_form"] is None


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("zoom.txt", "Email,Join,Leave\n", "Upload a .csv file"),
        ("big.csv", "x" * (2 * 1024 * 1024 + 1), "larger than 2 MB"),
    ],
)
def test_admin_validates_the_upload(editor_client, event, name, content, error):
    response = editor_client.post(_url(event), {"export": SimpleUploadedFile(name, content.encode())})

    assert error in response.content.decode()


def test_admin_import_needs_change_event_permission(client, roles, event):
    admin_login(client, make_staff(role=REVIEWERS))

    assert client.get(_url(event)).status_code == 403
    assert client.post(_url(event), {"export": _upload(_csv(("D", "d@example.org", *FULL)))}).status_code == 403


def test_admin_import_needs_staff(client, event, django_user_model):
    assert client.get(_url(event))["Location"].startswith("/admin/login/")
    client.force_login(django_user_model.objects.create_user(username="someone", email="someone@example.org"))
    assert client.get(_url(event))["Location"].startswith("/admin/login/")
