"""Warsaw time and the wire format of times.

On the wire (API, messages) a time is ISO 8601 with the Europe/Warsaw offset of its moment; a time given without an
offset is Warsaw wall-clock time. Databases hold UTC. An all-day event is held as local midnights: from the first day's
to the one after its last day (exclusive). Excluded dates of a series are local wall-clock date-times (or dates, for
an all-day series) without an offset, e.g. ``2026-03-17T17:00:00`` or ``2026-03-17``.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

TZID = "Europe/Warsaw"
WARSAW = ZoneInfo(TZID)


def aware(value: datetime) -> datetime:
    """``value`` in UTC; a naive value is read as Warsaw wall-clock time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=WARSAW)
    return value.astimezone(UTC)


def local(value: datetime) -> datetime:
    """``value`` in Warsaw time; a naive value is read as Warsaw wall-clock time."""
    return value.replace(tzinfo=WARSAW) if value.tzinfo is None else value.astimezone(WARSAW)


#: Why a Warsaw wall-clock time is refused where a time is given: the clocks skip it (every service says it so).
SKIPPED_TIME = "This time does not exist in Warsaw: the clocks go forward then."


def exists_in_warsaw(value: datetime) -> bool:
    """False for a naive wall-clock time the clocks skip (02:30 on the last Sunday of March)."""
    if value.tzinfo is not None:
        return True
    return local(aware(value)).replace(tzinfo=None) == value


def to_wire(value: datetime | None) -> str | None:
    """ISO 8601 with the Warsaw offset of that moment, e.g. ``2026-10-30T17:00:00+01:00``."""
    return None if value is None else value.astimezone(WARSAW).isoformat()


def from_wire(text: str) -> datetime:
    """An aware datetime (UTC) from ISO 8601; without an offset, Warsaw wall-clock time. Raises ValueError."""
    return aware(datetime.fromisoformat(text))


def local_midnight(day: date) -> datetime:
    """The start of ``day`` in Warsaw, in UTC."""
    return datetime.combine(day, time(0), tzinfo=WARSAW).astimezone(UTC)


def local_date(value: datetime) -> date:
    return value.astimezone(WARSAW).date()


def today() -> date:
    """Today's date in Warsaw (the server may run in UTC: at 00:30 in Warsaw it is still yesterday there)."""
    return datetime.now(WARSAW).date()


def day_after(day: date) -> date:
    return day + timedelta(days=1)


def parse_moment(text: str) -> date | datetime:
    """An ISO 8601 date (10 characters) or date-time; raises ValueError."""
    if len(text) == 10:
        return date.fromisoformat(text)
    return datetime.fromisoformat(text)


def exdate_to_wire(value: date | datetime) -> str:
    """An excluded date as stored and sent: a date, or a Warsaw wall-clock date-time without an offset."""
    if isinstance(value, datetime):
        return local(value).replace(tzinfo=None).isoformat(timespec="seconds")
    return value.isoformat()


def exdate_from_wire(text: str, all_day: bool, start: datetime) -> date | datetime:
    """An excluded date as the series' DTSTART kind: a date for an all-day series, else an aware Warsaw date-time
    (a bare date excludes the occurrence of that day, at the series' start time). Raises ValueError."""
    value = parse_moment(text)
    if all_day:
        return value.date() if isinstance(value, datetime) else value
    if not isinstance(value, datetime):
        value = datetime.combine(value, local(start).time())
    return local(value)


def excluded(exdates, all_day: bool, start: datetime) -> tuple[date | datetime, ...]:
    """Every readable excluded date of a series, as :func:`exdate_from_wire` gives it; an unreadable one is left out."""
    found = []
    for text in exdates or ():
        try:
            found.append(exdate_from_wire(text, all_day, start))
        except (TypeError, ValueError):
            continue
    return tuple(found)
