"""CE credit from one person's webinar attendance rows: pure Python, so the importer and the admin agree."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

MAX_GAP = timedelta(minutes=15)
ORDINALS = (
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
)


def _in_utc(value, name):
    """`value` as a UTC instant. Python subtracts and compares two datetimes that share a tzinfo by
    their wall clocks, which is wrong across a daylight-saving change; UTC instants are always right."""
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, not {value!r}.")
    return value.astimezone(UTC)


@dataclass(frozen=True)
class InstructionWindow:
    """When an event's instruction runs, normalised to UTC.

    `instruction_minutes` defaults to the window's whole minutes. Give fewer when the window holds a
    break (a 4-hour day with a lunch hour is 180): credit then stops at what those minutes earn, so
    skipping the break costs nothing.
    """

    starts_at: datetime
    ends_at: datetime
    instruction_minutes: int | None = None

    def __post_init__(self):
        object.__setattr__(self, "starts_at", _in_utc(self.starts_at, "starts_at"))
        object.__setattr__(self, "ends_at", _in_utc(self.ends_at, "ends_at"))
        if self.ends_at <= self.starts_at:
            raise ValueError("The instruction must end after it starts.")
        window_minutes = (self.ends_at - self.starts_at) // timedelta(minutes=1)
        if self.instruction_minutes is None:
            object.__setattr__(self, "instruction_minutes", window_minutes)
        elif not 0 < self.instruction_minutes <= window_minutes:
            raise ValueError(f"instruction_minutes must be between 1 and the window's {window_minutes} minutes.")


@dataclass(frozen=True)
class AttendanceRow:
    """One join and leave from the platform's report, normalised to UTC."""

    joined_at: datetime
    left_at: datetime

    def __post_init__(self):
        object.__setattr__(self, "joined_at", _in_utc(self.joined_at, "joined_at"))
        object.__setattr__(self, "left_at", _in_utc(self.left_at, "left_at"))
        if self.left_at < self.joined_at:
            raise ValueError(f"An attendance row leaves ({self.left_at}) before it joins ({self.joined_at}).")


@dataclass(frozen=True)
class CreditResult:
    """The credit and the one sentence that explains it to staff and to the person."""

    minutes_attended: int
    instruction_minutes: int
    credit_hours: Decimal
    reason: str


def credit_for_attendance(*, window: InstructionWindow, rows: Iterable[AttendanceRow], half_hours=False):
    """The CE credit one person earns from their attendance `rows` in `window`.

    The rule, exactly:

    1. Presence is the union of the rows clipped to the window: rows that overlap or touch merge,
       order and time zones do not matter. An absence is a maximal stretch of the window without
       presence, so joining late and leaving early are absences too.
    2. The window is cut into consecutive blocks of 60 minutes from its start, or 30 minutes when
       `half_hours` (the credit type allows half hours). A final part-block earns nothing: a
       90-minute training is 1 hour, or 1.5 hours with half hours.
    3. An absence of more than 15 consecutive minutes (measured exactly: 15:00 keeps the block,
       15:01 does not) voids every block it overlaps, counted as one absence of its full length
       even when it straddles two blocks. Shorter absences are tolerated however many there are:
       the rule is consecutive only, as the issue words it, not a total per block.
    4. Each block not voided earns 1 hour (0.5 with half hours), up to what `instruction_minutes`
       holds in whole blocks.

    `minutes_attended` is the presence in whole minutes rounded down, at most `instruction_minutes`;
    the reason shows an absence in whole minutes rounded up, so a voiding one never reads as 15.
    """
    block = timedelta(minutes=30 if half_hours else 60)
    start, end = window.starts_at, window.ends_at
    presence = _merged(start, end, rows)
    present = sum((leave - join for join, leave in presence), timedelta())
    block_count = (end - start) // block
    cap = timedelta(minutes=window.instruction_minutes) // block

    voids = []
    for gap_start, gap_end in _absences(start, end, presence):
        if gap_end - gap_start > MAX_GAP:
            touched = [
                number
                for number in range(block_count)
                if gap_start < start + (number + 1) * block and gap_end > start + number * block
            ]
            if touched:
                voids.append((gap_end - gap_start, touched))
    voided = {number for _, touched in voids for number in touched}
    earned = min(block_count - len(voided), cap)

    credit_hours = (Decimal(earned) * Decimal(block // timedelta(minutes=1)) / 60).quantize(Decimal("0.1"))
    minutes_attended = min(present // timedelta(minutes=1), window.instruction_minutes)
    reason = f"attended {minutes_attended} of {window.instruction_minutes} minutes: {_credit_text(credit_hours)}"
    why = _why(earned=earned, cap=cap, present=present, block=block, voids=voids, half_hours=half_hours)
    if why:
        reason += f" ({why})"
    return CreditResult(minutes_attended, window.instruction_minutes, credit_hours, reason)


def _merged(start, end, rows):
    """The rows clipped to [start, end] and merged where they overlap or touch, in order."""
    clipped = sorted((max(row.joined_at, start), min(row.left_at, end)) for row in rows)
    merged = []
    for join, leave in clipped:
        if join >= leave:
            continue
        if merged and join <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], leave))
        else:
            merged.append((join, leave))
    return merged


def _absences(start, end, presence):
    cursor = start
    for join, leave in presence:
        if join > cursor:
            yield cursor, join
        cursor = leave
    if cursor < end:
        yield cursor, end


def _why(*, earned, cap, present, block, voids, half_hours):
    """The parenthesis after the credit: why it is less than the instruction could earn, or ""."""
    unit = "half hour" if half_hours else "hour"
    if earned == cap:
        return "" if cap else f"the instruction is shorter than {'half an hour' if half_hours else 'an hour'}"
    if earned == 0 and not present:
        return "no attendance during the instruction"
    if earned == 0 and present < block:
        return f"less than a full {unit}"
    return "; ".join(
        f"a {-(-length // timedelta(minutes=1))}-minute absence voids the {_and([_ordinal(n + 1) for n in touched])}"
        f" {unit}{'s' if len(touched) > 1 else ''}"
        for length, touched in voids
    )


def _credit_text(credit_hours):
    if not credit_hours:
        return "no credit"
    number = str(int(credit_hours)) if credit_hours == credit_hours.to_integral_value() else str(credit_hours)
    return f"{number} hour" if credit_hours == 1 else f"{number} hours"


def _ordinal(n):
    if n <= len(ORDINALS):
        return ORDINALS[n - 1]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _and(words):
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
