"""Attendance import (issue 16): a webinar platform's participant export (CSV) for an event becomes
each registrant's attendance sessions, their CE credit per credit type (credit.py) and their
`attended` mark. Attendance marked by hand (an in-person workshop has no export) gives credit too:
see `attendance_mark_by_hand` at the end.

Accepted columns (header names compared case-insensitively, ignoring spaces, punctuation and any
parenthesis, so "Name (Original Name)" is "Name"):

- email (required): Email, User Email, Attendee Email, Participant Email, Email Address
- name (optional): Name, Full Name, Attendee Name, Participant Name, User Name, Participant
- join (required): Join Time, Joined, Join, Joined At, Time Joined
- leave (required): Leave Time, Left, Leave, Left At, Time Left

Zoom's export with its meeting summary above the participant table is fine too: the header is the
first of the opening rows that names the three required columns.

Times: ISO 8601 with an offset or Z ("2030-03-07T12:00:00-05:00"), or a wall-clock time in the
event's own time zone as "2030-03-07 12:00[:SS]" or "03/07/2030 12:00[:SS] [AM|PM]".

Matching: by email, case-insensitively, to the event's confirmed and waitlisted registrations.
A cancelled registration does not match: its rows are listed as unmatched with everything else that
matched nobody. Nothing is dropped silently: each row is imported, unmatched or an error.
"""

import csv
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from apps.events.models import Registration
from apps.events.timezones import make_aware_local

from .credit import AttendanceRow, InstructionWindow, credit_for_attendance
from .invitations import invite_attendees
from .models import AttendanceImport, AttendanceSession, CECertificate, CreditAward

MAX_ROWS = 20_000
HEADER_SEARCH_ROWS = 30

COLUMNS = {
    "email": ("Email", "User Email", "Attendee Email", "Participant Email", "Email Address"),
    "name": ("Name", "Full Name", "Attendee Name", "Participant Name", "User Name", "Participant"),
    "join": ("Join Time", "Joined", "Join", "Joined At", "Time Joined"),
    "leave": ("Leave Time", "Left", "Leave", "Left At", "Time Left"),
}
REQUIRED = ("email", "join", "leave")

_US_TIME = re.compile(
    r"^(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})[ T]+(?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2}))?\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?$"
)
_NAIVE_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")


def _normalised(header):
    """ "Name (Original Name)" → "name", "User-Email" → "useremail"."""
    return re.sub(r"[^0-9a-z]", "", re.sub(r"\(.*?\)", "", header.lower()))


_ALIASES = {_normalised(alias): column for column, aliases in COLUMNS.items() for alias in aliases}


@dataclass(frozen=True)
class ParsedRow:
    line: int
    email: str
    name: str
    joined_at: datetime
    left_at: datetime


@dataclass
class ParsedExport:
    """The rows read (line, email, name, joined_at, left_at) and the refusals (line, message). `fatal`:
    the file as a whole could not be read (a missing column, too many rows): nothing imports."""

    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    fatal: bool = False

    @property
    def rows_read(self):
        """Every data row: imported or refused."""
        return len(self.rows) + sum(1 for line, _ in self.errors if line)


def accepted_columns_text():
    return "; ".join(f"{column}: {', '.join(aliases)}" for column, aliases in COLUMNS.items())


def parse_time(value, zone_name):
    """The aware instant `value` names; a time without an offset is read in `zone_name`. Raises ValueError."""
    value = value.strip()
    naive = None
    if match := _US_TIME.match(value):
        parts = match.groupdict()
        hour = int(parts["hour"])
        if parts["ampm"]:
            if not 1 <= hour <= 12:
                raise ValueError(f"“{value}” is not a time: the hour of an AM/PM time is 1 to 12.")
            hour = hour % 12 + (12 if parts["ampm"][0].lower() == "p" else 0)
        try:
            naive = datetime(
                int(parts["year"]),
                int(parts["month"]),
                int(parts["day"]),
                hour,
                int(parts["minute"]),
                int(parts["second"] or 0),
            )
        except ValueError as error:
            raise ValueError(f"“{value}” is not a time: {error}.") from None
    elif _NAIVE_ISO.match(value):
        try:
            naive = datetime.fromisoformat(value)
        except ValueError as error:
            raise ValueError(f"“{value}” is not a time: {error}.") from None
    else:
        try:
            aware = datetime.fromisoformat(value)
        except ValueError:
            aware = None
        if aware is None or aware.utcoffset() is None:
            raise ValueError(
                f"“{value}” is not a time: use ISO 8601 with an offset (2030-03-07T12:00:00-05:00), "
                "YYYY-MM-DD HH:MM or MM/DD/YYYY HH:MM AM/PM."
            )
        return aware
    try:
        return make_aware_local(naive, zone_name)
    except ValidationError as error:
        raise ValueError(" ".join(error.messages)) from None


def _find_header(reader):
    """(header row, its line) from the first rows; None when no row names the required columns."""
    first = None
    for index, row in enumerate(reader):
        cells = {_ALIASES.get(_normalised(cell)) for cell in row}
        if first is None and any(cell.strip() for cell in row):
            first = (row, reader.line_num)
        if set(REQUIRED) <= cells:
            return (row, reader.line_num), first
        if index + 1 >= HEADER_SEARCH_ROWS:
            break
    return None, first


def parse_participant_csv(text, *, event):
    """Read a participant export; see the module's docstring for the columns and times accepted."""
    parsed = ParsedExport()
    reader = csv.reader(text.removeprefix("\ufeff").splitlines())
    try:
        header, first = _find_header(reader)
    except csv.Error as error:
        return ParsedExport(errors=[(None, f"This is not a CSV file: {error}.")], fatal=True)
    if header is None:
        found = ", ".join(f"“{cell.strip()}”" for cell in first[0] if cell.strip()) if first else "nothing"
        missing = ", ".join(column for column in REQUIRED)
        parsed.errors.append(
            (
                None,
                f"The file has no header row with the columns {missing} (found {found}). "
                f"Accepted column names — {accepted_columns_text()}.",
            )
        )
        parsed.fatal = True
        return parsed
    header, _ = header
    index = {}
    for position, cell in enumerate(header):
        column = _ALIASES.get(_normalised(cell))
        if column and column not in index:
            index[column] = position

    def cell(row, column):
        position = index.get(column)
        return row[position].strip() if position is not None and position < len(row) else ""

    count = 0
    try:
        for row in reader:
            if not any(value.strip() for value in row):
                continue
            count += 1
            if count > MAX_ROWS:
                return ParsedExport(
                    errors=[(None, f"The file has more than {MAX_ROWS:,} rows: split it and import each part.")],
                    fatal=True,
                )
            line = reader.line_num
            email = cell(row, "email")
            try:
                if not email:
                    raise ValueError("no email address.")
                try:
                    validate_email(email)
                except ValidationError:
                    raise ValueError(f"“{email}” is not an email address.") from None
                joined_at = parse_time(cell(row, "join"), event.timezone)
                left_at = parse_time(cell(row, "leave"), event.timezone)
                if left_at < joined_at:
                    raise ValueError(f"leaves ({cell(row, 'leave')}) before joining ({cell(row, 'join')}).")
            except ValueError as error:
                parsed.errors.append((line, str(error)))
                continue
            parsed.rows.append(ParsedRow(line, email, cell(row, "name"), joined_at, left_at))
    except csv.Error as error:
        parsed.errors.append((reader.line_num, f"unreadable CSV: {error}."))
    return parsed


def decode_export(data):
    """The text of an uploaded export: UTF-8 (with or without a BOM), else Windows-1252 as Excel saves it."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError("The file is not text (UTF-8 or Windows-1252).")


@dataclass
class OfferCredit:
    offer: object
    hours: Decimal
    reason: str


@dataclass
class AttendeeSummary:
    registration: Registration
    minutes_attended: int
    reason: str
    credits: list
    sessions: int

    @property
    def name(self):
        return self.registration.name

    @property
    def email(self):
        return self.registration.email


@dataclass
class ImportSummary:
    """What an import did, or (dry run) would do."""

    event: object
    filename: str
    rows_read: int = 0
    rows_matched: int = 0
    unmatched: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    attendees: list = field(default_factory=list)
    dry_run: bool = False
    fatal: bool = False
    record: AttendanceImport | None = None


def attendance_import(*, event, text, filename, user=None, dry_run=False):
    """Import a participant export for `event`; returns an ImportSummary. With `dry_run` nothing is written.

    Each matched registration's sessions from earlier imports are replaced by this file's rows (so
    importing the same export again changes nothing), its CreditAward per CreditOffer is computed anew
    and its `attended` is set (True when any minute of the instruction was attended). Registrations the
    file does not list are left as they are. A file that cannot be read at all writes nothing.
    """
    parsed = parse_participant_csv(text, event=event)
    summary = ImportSummary(
        event=event,
        filename=filename,
        rows_read=parsed.rows_read,
        errors=[{"line": line, "message": message} for line, message in parsed.errors],
        dry_run=dry_run,
        fatal=parsed.fatal,
    )
    if parsed.fatal:
        return summary
    try:
        window = InstructionWindow(event.starts_at, event.ends_at, event.instruction_minutes)
    except ValueError as error:
        summary.errors.append({"line": None, "message": f"The event's CE times do not fit: {error}"})
        summary.fatal = True
        return summary

    registrations = {registration.email.lower(): registration for registration in event.registrations.active()}
    matched = {}
    for row in parsed.rows:
        registration = registrations.get(row.email.lower())
        if registration is None:
            summary.unmatched.append({"line": row.line, "email": row.email, "name": row.name})
        else:
            matched.setdefault(registration.pk, (registration, []))[1].append(row)
    summary.rows_matched = sum(len(rows) for _, rows in matched.values())

    offers = list(event.credit_offers.all())
    for registration, rows in matched.values():
        attendance = [AttendanceRow(row.joined_at, row.left_at) for row in rows]
        results = {}

        def result(half_hours, attendance=attendance, results=results):
            if half_hours not in results:
                results[half_hours] = credit_for_attendance(window=window, rows=attendance, half_hours=half_hours)
            return results[half_hours]

        overall = result(False)
        credits = [
            OfferCredit(offer, result(offer.allows_half_hours).credit_hours, result(offer.allows_half_hours).reason)
            for offer in offers
        ]
        summary.attendees.append(
            AttendeeSummary(registration, overall.minutes_attended, overall.reason, credits, len(rows))
        )
    summary.attendees.sort(key=lambda attendee: (attendee.name.lower(), attendee.email.lower()))
    if not dry_run:
        _write(summary, matched, user)
    return summary


def _upsert_awards(awards):
    """Write each CreditAward, replacing the one of the same registration and offer: one query."""
    if awards:
        CreditAward.objects.bulk_create(
            awards,
            update_conflicts=True,
            unique_fields=["registration", "offer"],
            update_fields=["minutes_attended", "hours", "reason", "updated_at"],
        )


@transaction.atomic
def _write(summary, matched, user):
    """A constant number of queries however many rows, plus, for an event that is over, each new
    attendee with credit's invitation (one email each, or their certificates where nothing is asked)."""
    summary.record = AttendanceImport.objects.create(
        event=summary.event,
        imported_by=user,
        filename=summary.filename[:255],
        rows_read=summary.rows_read,
        rows_matched=summary.rows_matched,
        unmatched=summary.unmatched,
        errors=summary.errors,
    )
    if not matched:
        return
    AttendanceSession.objects.filter(registration__in=list(matched)).delete()
    AttendanceSession.objects.bulk_create(
        AttendanceSession(
            registration=registration, joined_at=row.joined_at, left_at=row.left_at, attendance_import=summary.record
        )
        for registration, rows in matched.values()
        for row in rows
    )
    awards = [
        CreditAward(
            registration=attendee.registration,
            offer=credit.offer,
            minutes_attended=attendee.minutes_attended,
            hours=credit.hours,
            reason=credit.reason[:500],
        )
        for attendee in summary.attendees
        for credit in attendee.credits
    ]
    _upsert_awards(awards)
    now = timezone.now()
    present = [attendee.registration.pk for attendee in summary.attendees if attendee.minutes_attended > 0]
    absent = [attendee.registration.pk for attendee in summary.attendees if attendee.minutes_attended == 0]
    for pks, attended in ((present, True), (absent, False)):
        if pks:
            Registration.objects.filter(pk__in=pks).update(attended=attended, updated_at=now)
    for attendee in summary.attendees:
        attendee.registration.attended = attendee.minutes_attended > 0
    # Attendees with credit of an event that is over get their CE invitation, once: a re-import emails nobody.
    invite_attendees([attendee.registration for attendee in summary.attendees])


MARKED_ATTENDED_REASON = "marked as attended by staff: "
MARKED_ABSENT_REASON = "marked absent by staff"


@dataclass
class HandMarking:
    """What marking attendance by hand did to CE credit; each list holds registrations."""

    credited: list = field(default_factory=list)
    imported: list = field(default_factory=list)
    certified: list = field(default_factory=list)
    unfit: list = field(default_factory=list)
    invited: list = field(default_factory=list)


@transaction.atomic
def attendance_mark_by_hand(*, registrations, attended, now=None):
    """The CE credit of attendance staff marked by hand, for the registrations among `registrations`
    that `registrations_mark_attendance` marks (confirmed, of an event that has begun): call it after
    that service. Returns a HandMarking.

    Attended is taken as the whole instruction window, one row through `credit_for_attendance`: full
    credit per CreditOffer (half hours where the offer allows them), its reason prefixed
    MARKED_ATTENDED_REASON. Absent is 0 hours per offer, MARKED_ABSENT_REASON. Registrations with
    imported sessions keep the import's credit (the better record), listed in `imported`. CE
    certificates already issued stay as they are: revoking is a separate step, and absent-marked
    registrations holding a valid one are listed in `certified`. Then the attended get their CE
    invitation (`invite_attendees`: once each, for an event that is over). A constant number of
    queries however many registrations, apart from the emails.
    """
    now = now or timezone.now()
    marked = list(
        Registration.objects.filter(pk__in=registrations.values("pk"))
        .attendance_markable(now)
        .select_related("event")
        .prefetch_related("event__credit_offers")
        .annotate(
            imported=Exists(AttendanceSession.objects.filter(registration=OuterRef("pk"))),
            certified=Exists(CECertificate.objects.valid().filter(registration=OuterRef("pk"))),
        )
        .order_by("pk")
    )
    marking = HandMarking()
    results = {}
    awards = []
    for registration in marked:
        event = registration.event
        offers = list(event.credit_offers.all())
        if not offers:
            continue
        if registration.imported:
            marking.imported.append(registration)
            continue
        if not attended:
            if registration.certified:
                marking.certified.append(registration)
            awards += [
                CreditAward(
                    registration=registration, offer=offer, minutes_attended=0, hours=0, reason=MARKED_ABSENT_REASON
                )
                for offer in offers
            ]
            marking.credited.append(registration)
            continue
        try:
            window = InstructionWindow(event.starts_at, event.ends_at, event.instruction_minutes)
        except ValueError:
            marking.unfit.append(registration)
            continue
        whole = [AttendanceRow(event.starts_at, event.ends_at)]
        for offer in offers:
            key = (event.pk, offer.allows_half_hours)
            if key not in results:
                results[key] = credit_for_attendance(window=window, rows=whole, half_hours=offer.allows_half_hours)
            result = results[key]
            awards.append(
                CreditAward(
                    registration=registration,
                    offer=offer,
                    minutes_attended=result.minutes_attended,
                    hours=result.credit_hours,
                    reason=(MARKED_ATTENDED_REASON + result.reason)[:500],
                )
            )
        marking.credited.append(registration)
    _upsert_awards(awards)
    if attended:
        marking.invited = invite_attendees(marking.credited, now=now)
    return marking
