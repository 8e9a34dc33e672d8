"""Event time zones: IANA names validated with zoneinfo, and wall-clock times made aware safely.

An event is stored as an aware UTC instant plus the IANA zone it is held in. Editors type the
local wall-clock time; `make_aware_local` turns it into the right instant on either side of a
daylight-saving change and refuses the hour that does not exist or happens twice.
"""

import zoneinfo
from datetime import UTC, datetime
from functools import cache

from django.core.exceptions import ValidationError


@cache
def timezone_names():
    """Every canonical IANA zone name ("America/Chicago", "Europe/London", "UTC"), sorted."""
    return sorted(
        name
        for name in zoneinfo.available_timezones()
        if ("/" in name and not name.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))) or name == "UTC"
    )


def get_zone(name):
    """The ZoneInfo for `name`; raises ValidationError for an unknown name."""
    try:
        return zoneinfo.ZoneInfo(str(name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError) as error:
        raise ValidationError(
            "“%(name)s” is not a time zone. Use an IANA name such as America/Chicago or Europe/London.",
            code="invalid_timezone",
            params={"name": name},
        ) from error


def validate_timezone(name):
    get_zone(name)


def make_aware_local(naive, zone_name):
    """The aware datetime for wall-clock time `naive` in `zone_name`.

    Raises ValidationError when that local time does not exist (clocks jump forward over it)
    or exists twice (clocks fall back over it), since either would silently pick an hour.
    """
    zone = get_zone(zone_name)
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != naive:
        raise ValidationError(
            "%(time)s does not exist in %(zone)s: the clocks go forward over it. Choose another time.",
            code="nonexistent_time",
            params={"time": f"{naive:%Y-%m-%d %H:%M}", "zone": zone_name},
        )
    if first.utcoffset() != second.utcoffset():
        raise ValidationError(
            "%(time)s happens twice in %(zone)s: the clocks go back over it. Choose another time.",
            code="ambiguous_time",
            params={"time": f"{naive:%Y-%m-%d %H:%M}", "zone": zone_name},
        )
    return first


def shift_local(instant, zone_name, delta):
    """The instant `delta` (a relativedelta of months or days) later on the wall clock of `zone_name`:
    the same local time of day, whatever daylight saving did in between. An hour skipped by the
    clocks moves forward to the next valid time."""
    zone = get_zone(zone_name)
    local = instant.astimezone(zone).replace(tzinfo=None) + delta
    return datetime.fromtimestamp(local.replace(tzinfo=zone).timestamp(), tz=UTC)
