"""When a room may be booked: its bookable hours per weekday, minus its closures and the Polish public holidays, as
ranges of time (Cal.com's date-ranges is the model), and the free slots left once its bookings are taken out.

The partners service checks a room's rules with these functions when they are written; the events service books
and finds free slots with them. Times are aware; a room's hours are Warsaw wall-clock times, so a room open 9:00-17:00
is open 9:00-17:00 on both sides of a change of the clocks. A boundary the clocks skip (02:30 on the last Sunday of
March) is read as the first moment after it.

A booking keeps ``buffer`` free before it (setting up) and after it (cleaning): its *busy* range is its time widened
by the buffer on both sides, and two bookings' busy ranges never overlap.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import holidays

from services.calendar.rules import WEEKDAYS
from services.calendar.times import WARSAW, exists_in_warsaw

#: Spans of a day's hours: "09:00-17:00"; "24:00" ends a span at midnight.
SPAN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-(([01]\d|2[0-3]):([0-5]\d)|24:00)$")
MAX_SPANS_PER_DAY = 6
MAX_CLOSURES = 500
#: Slots start on these minutes of the Warsaw hour (Warsaw's offset is whole hours: the same minutes in UTC).
SLOT_MINUTES = (0, 30)
SLOT_STEP = timedelta(minutes=30)

#: The longest one booked date may last (a longer activity repeats with a rule): events refuses a longer booking,
#: and partners a longer meeting at a room, so its coordinator hears it when planning it.
MAX_BOOKING = timedelta(hours=24)

#: Why a time may not be booked; each is the ``rule`` of a 422.
BOOKABLE_HOURS, CLOSURE, HOLIDAY, HORIZON, PAST = "bookable_hours", "closure", "holiday", "horizon", "past"

Range = tuple[datetime, datetime]


class HoursError(ValueError):
    """Bookable hours or closures that are not accepted; the message says why."""


def parse_span(text: str) -> tuple[int, int]:
    """``"09:00-17:00"`` → minutes from midnight ``(540, 1020)``; raises HoursError."""
    match = SPAN.match(text or "")
    if match is None:
        raise HoursError(f"{text!r} is not a span of hours such as 09:00-17:00.")
    start = int(match.group(1)) * 60 + int(match.group(2))
    end = 1440 if match.group(3) == "24:00" else int(match.group(4)) * 60 + int(match.group(5))
    if end <= start:
        raise HoursError(f"{text}: the end must be after the start.")
    return start, end


def check_hours(hours: dict) -> dict[str, list[str]]:
    """Bookable hours ``{"MO": ["09:00-17:00"], ...}`` checked and put in order; a weekday left out is not bookable."""
    checked = {}
    for weekday, spans in hours.items():
        if weekday not in WEEKDAYS:
            raise HoursError(f"{weekday!r} is not a weekday; use {', '.join(WEEKDAYS)}.")
        if not isinstance(spans, list) or len(spans) > MAX_SPANS_PER_DAY:
            raise HoursError(f"{weekday}: give a list of at most {MAX_SPANS_PER_DAY} spans.")
        parsed = sorted((parse_span(span), span) for span in spans)
        for (before, _), (after, text) in zip(parsed, parsed[1:], strict=False):
            if after[0] < before[1]:
                raise HoursError(f"{weekday}: {text} overlaps the span before it.")
        if parsed:
            checked[weekday] = [text for _, text in parsed]
    return {weekday: checked[weekday] for weekday in WEEKDAYS if weekday in checked}


def check_closures(closures: list) -> list[dict]:
    """Closures ``[{"from": date, "to": date (inclusive), "reason": ...}]``, checked, soonest first."""
    if len(closures) > MAX_CLOSURES:
        raise HoursError(f"At most {MAX_CLOSURES} closures.")
    for closure in closures:
        if closure["to"] < closure["from"]:
            raise HoursError(f"A closure from {closure['from']} ends before it starts ({closure['to']}).")
    return sorted(closures, key=lambda closure: (closure["from"], closure["to"]))


@lru_cache(maxsize=64)
def polish_holidays(year: int) -> dict[date, str]:
    """The Polish public holidays of ``year`` (non-working days by law), with their Polish names."""
    return dict(holidays.Poland(years=year, language="pl"))


def holiday_name(day: date) -> str | None:
    return polish_holidays(day.year).get(day)


@dataclass(frozen=True)
class RoomRules:
    """What decides when a room may be booked."""

    #: Weekday index (Monday 0) → spans in minutes from midnight.
    hours: dict[int, tuple[tuple[int, int], ...]]
    #: Closed date ranges, both ends inclusive.
    closures: tuple[tuple[date, date], ...] = ()
    #: Public holidays on which this room is open after all.
    open_on: frozenset[date] = field(default_factory=frozenset)
    buffer: timedelta = timedelta(0)
    horizon_days: int = 365

    @classmethod
    def of(cls, room: dict) -> "RoomRules":
        """From a room's snapshot (or its columns): ``bookable_hours``, ``closures``, ``open_on``, ``buffer_minutes``,
        ``horizon_days``; dates as ``date`` or ISO text."""
        day = lambda value: value if isinstance(value, date) else date.fromisoformat(value)  # noqa: E731
        hours = {WEEKDAYS.index(weekday): tuple(parse_span(span) for span in spans)
                 for weekday, spans in (room.get("bookable_hours") or {}).items()}
        closures = tuple((day(c["from"]), day(c["to"])) for c in room.get("closures") or ())
        return cls(hours, closures, frozenset(day(value) for value in room.get("open_on") or ()),
                   timedelta(minutes=room.get("buffer_minutes") or 0), int(room.get("horizon_days") or 365))

    def closed_because(self, day: date) -> str | None:
        """CLOSURE or HOLIDAY when the room is closed all ``day`` (Warsaw date), else None."""
        if any(first <= day <= last for first, last in self.closures):
            return CLOSURE
        if holiday_name(day) and day not in self.open_on:
            return HOLIDAY
        return None

    def open_ranges(self, start: datetime, end: datetime, _days: dict | None = None) -> list[Range]:
        """Bookable hours − closures − holidays within [start, end), as disjoint aware ranges in UTC, soonest first.
        ``_days`` caches each Warsaw day's ranges across calls."""
        first, last = start.astimezone(WARSAW).date() - timedelta(days=1), end.astimezone(WARSAW).date()
        ranges = []
        day = first
        while day <= last:
            found = _days.get(day) if _days is not None else None
            if found is None:
                found = [] if self.closed_because(day) else [(_instant(day, a), _instant(day, b))
                                                             for a, b in self.hours.get(day.weekday(), ())]
                if _days is not None:
                    _days[day] = found
            ranges += found
            day += timedelta(days=1)
        return clip(merge(ranges), start, end)

    def refusal(self, start: datetime, end: datetime, now: datetime) -> str | None:
        """Why [start, end) may not be booked (PAST, HORIZON, CLOSURE, HOLIDAY, BOOKABLE_HOURS), or None."""
        if start < now:
            return PAST
        if start >= self.horizon_end(now):
            return HORIZON
        reason = self._closed_between(start, end)
        if reason:
            return reason
        if not any(a <= start and end <= b for a, b in self.open_ranges(start, end + timedelta(microseconds=1))):
            return BOOKABLE_HOURS
        return None

    def refusals(self, dates: list[Range], now: datetime) -> dict[datetime, str]:
        """:meth:`refusal` of each of ``dates`` (by start), for the ones refused; each Warsaw day's open ranges are
        worked out once, and only for the days the dates touch (a weekly series: not the whole year between)."""
        horizon = self.horizon_end(now)
        days: dict = {}
        found = {}
        for start, end in dates:
            reason = PAST if start < now else HORIZON if start >= horizon else self._closed_between(start, end)
            if reason is None and not any(a <= start and end <= b for a, b in self.open_ranges(
                    start, end + timedelta(microseconds=1), days)):
                reason = BOOKABLE_HOURS
            if reason:
                found[start] = reason
        return found

    def _closed_between(self, start: datetime, end: datetime) -> str | None:
        day, last = start.astimezone(WARSAW).date(), (end - timedelta(microseconds=1)).astimezone(WARSAW).date()
        while day <= last:
            reason = self.closed_because(day)
            if reason:
                return reason
            day += timedelta(days=1)
        return None

    def horizon_end(self, now: datetime) -> datetime:
        """The first moment past the horizon: midnight (Warsaw) after today + ``horizon_days``."""
        last = now.astimezone(WARSAW).date() + timedelta(days=self.horizon_days + 1)
        return _instant(last, 0)


@lru_cache(maxsize=8192)
def _instant(day: date, minutes: int) -> datetime:
    """The moment (UTC) the Warsaw wall clock shows ``minutes`` after midnight of ``day``: the first such moment, or
    the first moment after it when the clocks skip it."""
    if minutes >= 1440:
        return _instant(day + timedelta(days=1), minutes - 1440)
    naive = datetime.combine(day, time(minutes // 60, minutes % 60))
    while not exists_in_warsaw(naive):
        naive += timedelta(minutes=1)
    return naive.replace(tzinfo=WARSAW).astimezone(UTC)


# --- range arithmetic --------------------------------------------------------------------------------------------


def merge(ranges) -> list[Range]:
    """The union of ``ranges``: sorted, overlapping and touching ranges joined, empty ones dropped."""
    merged: list[list[datetime]] = []
    for start, end in sorted(r for r in ranges if r[1] > r[0]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def clip(ranges, start: datetime, end: datetime) -> list[Range]:
    return [(max(a, start), min(b, end)) for a, b in ranges if b > start and a < end]


def subtract(ranges: list[Range], busy) -> list[Range]:
    """``ranges`` (disjoint, sorted) without any moment of ``busy``."""
    busy = merge(busy)
    result = []
    index = 0
    for start, end in ranges:
        while index < len(busy) and busy[index][1] <= start:
            index += 1
        cursor, probe = start, index
        while probe < len(busy) and busy[probe][0] < end:
            if busy[probe][0] > cursor:
                result.append((cursor, busy[probe][0]))
            cursor = max(cursor, busy[probe][1])
            probe += 1
        if cursor < end:
            result.append((cursor, end))
    return result


def intersect(first: list[Range], second: list[Range]) -> list[Range]:
    """The moments in both (each disjoint and sorted)."""
    result, i, j = [], 0, 0
    while i < len(first) and j < len(second):
        start, end = max(first[i][0], second[j][0]), min(first[i][1], second[j][1])
        if start < end:
            result.append((start, end))
        if first[i][1] < second[j][1]:
            i += 1
        else:
            j += 1
    return result


def widen(ranges, by: timedelta) -> list[Range]:
    return [(start - by, end + by) for start, end in ranges]


def free_ranges(rules: RoomRules, busy, start: datetime, end: datetime) -> list[Range]:
    """When a booking may lie in [start, end): the open ranges minus every busy range widened by the room's buffer
    (a new booking's own buffer must not reach into another's busy range)."""
    return subtract(rules.open_ranges(start, end), widen(busy, rules.buffer))


def slot_starts(free: list[Range], length: timedelta, not_before: datetime | None = None) -> list[datetime]:
    """Every start on a full or half hour (Warsaw) such that [start, start + length) lies in one free range."""
    starts = []
    for start, end in free:
        if not_before is not None:
            start = max(start, not_before)
        moment = _next_boundary(start)
        while moment + length <= end:
            starts.append(moment)
            moment += SLOT_STEP
    return starts


def _next_boundary(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC)
    floor = moment.replace(minute=moment.minute - moment.minute % 30, second=0, microsecond=0)
    return floor if floor == moment else floor + SLOT_STEP
