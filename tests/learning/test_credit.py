from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from apps.learning.credit import AttendanceRow, CreditResult, InstructionWindow, credit_for_attendance

# 10:00 in Chicago (CDT, UTC−5) and 15:00 in London (GMT, UTC+0) on this day.
START = datetime(2025, 3, 12, 15, 0, tzinfo=UTC)
CHICAGO = ZoneInfo("America/Chicago")
LONDON = ZoneInfo("Europe/London")


def _at(offset):
    """START plus `offset` minutes, or plus a timedelta."""
    return START + (offset if isinstance(offset, timedelta) else timedelta(minutes=offset))


def _rows(*pairs, tz=UTC):
    return [AttendanceRow(_at(join).astimezone(tz), _at(leave).astimezone(tz)) for join, leave in pairs]


def _credit(minutes, pairs, *, half_hours=False, instruction_minutes=None, tz=UTC):
    window = InstructionWindow(START, _at(minutes), instruction_minutes)
    return credit_for_attendance(window=window, rows=_rows(*pairs, tz=tz), half_hours=half_hours)


SECONDS = timedelta(seconds=1)

CASES = [
    # id, instruction minutes, rows as minute offsets from the start, half hours, minutes, credit, reason
    ("all of 90", 90, [(0, 90)], False, 90, "1.0", "attended 90 of 90 minutes: 1 hour"),
    ("all of 90, half hours", 90, [(0, 90)], True, 90, "1.5", "attended 90 of 90 minutes: 1.5 hours"),
    ("2-minute drop", 90, [(0, 30), (32, 90)], False, 88, "1.0", "attended 88 of 90 minutes: 1 hour"),
    (
        "16-minute gap in the second hour",
        120,
        [(0, 70), (86, 120)],
        False,
        104,
        "1.0",
        "attended 104 of 120 minutes: 1 hour (a 16-minute absence voids the second hour)",
    ),
    ("15-minute gap", 120, [(0, 70), (85, 120)], False, 105, "2.0", "attended 105 of 120 minutes: 2 hours"),
    ("overlapping rows merge", 90, [(0, 50), (40, 90)], False, 90, "1.0", "attended 90 of 90 minutes: 1 hour"),
    ("touching rows merge", 90, [(0, 45), (45, 90)], False, 90, "1.0", "attended 90 of 90 minutes: 1 hour"),
    ("row inside another", 90, [(0, 90), (10, 20)], False, 90, "1.0", "attended 90 of 90 minutes: 1 hour"),
    ("leave and rejoin in 10", 90, [(0, 20), (30, 90)], False, 80, "1.0", "attended 80 of 90 minutes: 1 hour"),
    ("rows out of order", 90, [(60, 90), (0, 25), (30, 60)], False, 85, "1.0", "attended 85 of 90 minutes: 1 hour"),
    ("row wider than the window", 90, [(-30, 120)], False, 90, "1.0", "attended 90 of 90 minutes: 1 hour"),
    (
        "no rows",
        90,
        [],
        False,
        0,
        "0.0",
        "attended 0 of 90 minutes: no credit (no attendance during the instruction)",
    ),
    (
        "rows outside the window",
        90,
        [(-60, 0), (90, 120)],
        False,
        0,
        "0.0",
        "attended 0 of 90 minutes: no credit (no attendance during the instruction)",
    ),
    ("zero-length row", 90, [(0, 90), (95, 95)], False, 90, "1.0", "attended 90 of 90 minutes: 1 hour"),
    ("10 minutes late", 90, [(10, 90)], False, 80, "1.0", "attended 80 of 90 minutes: 1 hour"),
    (
        "16 minutes late, 90 minutes",
        90,
        [(16, 90)],
        False,
        74,
        "0.0",
        "attended 74 of 90 minutes: no credit (a 16-minute absence voids the first hour)",
    ),
    (
        "16 minutes late, 120 minutes",
        120,
        [(16, 120)],
        False,
        104,
        "1.0",
        "attended 104 of 120 minutes: 1 hour (a 16-minute absence voids the first hour)",
    ),
    (
        "leaving 16 minutes early",
        120,
        [(0, 104)],
        False,
        104,
        "1.0",
        "attended 104 of 120 minutes: 1 hour (a 16-minute absence voids the second hour)",
    ),
    (
        "leaving in the final part-block",
        90,
        [(0, 61)],
        False,
        61,
        "1.0",
        "attended 61 of 90 minutes: 1 hour",
    ),
    (
        "40 of 90",
        90,
        [(0, 40)],
        False,
        40,
        "0.0",
        "attended 40 of 90 minutes: no credit (less than a full hour)",
    ),
    (
        "20 of 90, half hours",
        90,
        [(0, 20)],
        True,
        20,
        "0.0",
        "attended 20 of 90 minutes: no credit (less than a full half hour)",
    ),
    (
        "gap straddling two hours",
        120,
        [(0, 50), (70, 120)],
        False,
        100,
        "0.0",
        "attended 100 of 120 minutes: no credit (a 20-minute absence voids the first and second hours)",
    ),
    (
        "gap straddling two half hours",
        120,
        [(0, 50), (70, 120)],
        True,
        100,
        "1.0",
        "attended 100 of 120 minutes: 1 hour (a 20-minute absence voids the second and third half hours)",
    ),
    (
        "gap over three hours",
        240,
        [(0, 50), (180, 240)],
        False,
        110,
        "1.0",
        "attended 110 of 240 minutes: 1 hour (a 130-minute absence voids the first, second and third hours)",
    ),
    (
        "two voiding gaps",
        180,
        [(0, 10), (30, 130), (150, 180)],
        False,
        140,
        "1.0",
        "attended 140 of 180 minutes: 1 hour"
        " (a 20-minute absence voids the first hour; a 20-minute absence voids the third hour)",
    ),
    (
        "leaving 25 minutes early, half hours",
        90,
        [(0, 65)],
        True,
        65,
        "1.0",
        "attended 65 of 90 minutes: 1 hour (a 25-minute absence voids the third half hour)",
    ),
    (
        "half hours past the twelfth",
        720,
        [(0, 640), (660, 720)],
        True,
        700,
        "11.5",
        "attended 700 of 720 minutes: 11.5 hours (a 20-minute absence voids the 22nd half hour)",
    ),
    (
        "shorter than an hour",
        45,
        [(0, 45)],
        False,
        45,
        "0.0",
        "attended 45 of 45 minutes: no credit (the instruction is shorter than an hour)",
    ),
    ("45 minutes, half hours", 45, [(0, 45)], True, 45, "0.5", "attended 45 of 45 minutes: 0.5 hours"),
    (
        "shorter than half an hour",
        20,
        [(0, 20)],
        True,
        20,
        "0.0",
        "attended 20 of 20 minutes: no credit (the instruction is shorter than half an hour)",
    ),
    (
        "seconds round down",
        90,
        [(0, timedelta(minutes=89, seconds=59))],
        False,
        89,
        "1.0",
        "attended 89 of 90 minutes: 1 hour",
    ),
    ("exactly 15:00 late", 90, [(15, 90)], False, 75, "1.0", "attended 75 of 90 minutes: 1 hour"),
    (
        "15:01 late reads as 16 minutes",
        90,
        [(timedelta(minutes=15, seconds=1), 90)],
        False,
        74,
        "0.0",
        "attended 74 of 90 minutes: no credit (a 16-minute absence voids the first hour)",
    ),
]


@pytest.mark.parametrize(
    ("minutes", "pairs", "half_hours", "attended", "credit", "reason"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_credit_for_attendance_table(minutes, pairs, half_hours, attended, credit, reason):
    result = _credit(minutes, pairs, half_hours=half_hours)

    assert result == CreditResult(attended, minutes, Decimal(credit), reason)
    assert str(result.credit_hours) == credit


@pytest.mark.parametrize("tz", [CHICAGO, LONDON], ids=["America/Chicago", "Europe/London"])
def test_credit_for_attendance_rows_in_other_time_zones_give_the_same_result(tz):
    pairs = [(70, 120), (-5, 20), (28, 60)]

    in_utc = _credit(120, pairs)
    elsewhere = _credit(120, pairs, tz=tz)

    assert elsewhere == in_utc
    assert in_utc.reason == "attended 102 of 120 minutes: 2 hours"


def test_credit_for_attendance_mixed_time_zones_in_one_person_merge():
    rows = [
        AttendanceRow(datetime(2025, 3, 12, 10, 0, tzinfo=CHICAGO), datetime(2025, 3, 12, 10, 50, tzinfo=CHICAGO)),
        AttendanceRow(datetime(2025, 3, 12, 15, 45, tzinfo=LONDON), datetime(2025, 3, 12, 16, 30, tzinfo=LONDON)),
    ]

    result = credit_for_attendance(window=InstructionWindow(START, _at(90)), rows=rows, half_hours=True)

    assert result.reason == "attended 90 of 90 minutes: 1.5 hours"


def test_credit_for_attendance_counts_real_minutes_across_a_daylight_saving_change():
    """00:30 CDT to 01:30 CST is two hours, though the wall clocks say one."""
    window = InstructionWindow(
        datetime(2024, 11, 3, 0, 30, tzinfo=CHICAGO), datetime(2024, 11, 3, 1, 30, fold=1, tzinfo=CHICAGO)
    )
    rows = [AttendanceRow(window.starts_at.astimezone(CHICAGO), window.ends_at.astimezone(CHICAGO))]

    result = credit_for_attendance(window=window, rows=rows)

    assert result.reason == "attended 120 of 120 minutes: 2 hours"


def test_credit_for_attendance_tolerates_many_short_absences_because_the_rule_is_consecutive_only():
    """Three 15-minute absences leave 15 minutes of the first hour, and it still counts."""
    result = _credit(120, [(0, 5), (20, 25), (40, 45), (60, 120)])

    assert result.reason == "attended 75 of 120 minutes: 2 hours"


@pytest.mark.parametrize(
    ("pairs", "reason"),
    [
        ([(0, 240)], "attended 180 of 180 minutes: 3 hours"),
        ([(0, 120), (180, 240)], "attended 180 of 180 minutes: 3 hours"),
        (
            [(0, 30), (50, 120), (180, 240)],
            "attended 160 of 180 minutes: 2 hours"
            " (a 20-minute absence voids the first hour; a 60-minute absence voids the third hour)",
        ),
    ],
    ids=["all day", "skips the lunch hour", "skips lunch and 20 minutes"],
)
def test_credit_for_attendance_stops_at_the_instruction_minutes_of_a_window_with_a_break(pairs, reason):
    result = _credit(240, pairs, instruction_minutes=180)

    assert result.instruction_minutes == 180
    assert result.reason == reason


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: InstructionWindow(START.replace(tzinfo=None), _at(90)), "starts_at must be a timezone-aware"),
        (lambda: InstructionWindow(START, START), "must end after it starts"),
        (lambda: InstructionWindow(START, _at(90), 91), "between 1 and the window's 90 minutes"),
        (lambda: InstructionWindow(START, _at(90), 0), "between 1 and the window's 90 minutes"),
        (lambda: AttendanceRow(_at(0), _at(90).replace(tzinfo=None)), "left_at must be a timezone-aware"),
        (lambda: AttendanceRow(_at(10), _at(5)), "leaves .* before it joins"),
    ],
    ids=["naive start", "empty window", "too many minutes", "no minutes", "naive leave", "leave before join"],
)
def test_credit_inputs_refuse_what_cannot_be_credited(build, message):
    with pytest.raises(ValueError, match=message):
        build()
