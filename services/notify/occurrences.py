"""The occurrences of an event snapshot within a window: one for a single event, each date of a series.

A series is expanded from its RRULE in Europe/Warsaw wall-clock time, so a weekly 17:00 stays at 17:00 across a
change of the clocks, and its exdates (local date-times, or dates) are left out. A rule that cannot be expanded is
logged and the series skipped: one bad event must not stop the reminders and digests of the others.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

log = logging.getLogger(__name__)

WARSAW = ZoneInfo("Europe/Warsaw")
#: At most this many occurrences of one series in one window (a reminder's or a digest's).
MAX_PER_WINDOW = 50
#: At most this many dates of a series are stepped through to reach a window: a rule that repeats every minute
#: for years is skipped, not expanded on every tick.
MAX_STEPS = 10_000

#: (event id, version) of the bad rules already logged, so that a tick a minute does not repeat the warning.
_warned: set[tuple[str, int]] = set()


@dataclass(frozen=True)
class Occurrence:
    """One date of an event: the snapshot, and this occurrence's start and end in Warsaw time."""

    event: dict
    starts_at: datetime
    ends_at: datetime

    @property
    def key(self) -> str:
        """The start in UTC ISO 8601: what tells one occurrence's reminder from another's (``Notice.occurrence``)."""
        return self.starts_at.astimezone(UTC).isoformat()

    def times(self) -> dict:
        """The start and end as a notice's payload carries them (ISO 8601 with the Warsaw offset of their day)."""
        return {"starts_at": self.starts_at.isoformat(), "ends_at": self.ends_at.isoformat()}


def _local(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(WARSAW)


def _skipped(exdates: list[str]) -> tuple[set[datetime], set[date]]:
    """The left-out local wall-clock times and whole days; an exdate that cannot be read is ignored."""
    times, days = set(), set()
    for value in exdates or []:
        try:
            if len(value) == 10:
                days.add(date.fromisoformat(value))
                continue
            moment = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            continue
        times.add(moment.astimezone(WARSAW).replace(tzinfo=None) if moment.tzinfo else moment)
    return times, days


def _rule(rrule: str, first: datetime):
    """The dateutil rule from the first start; with a naive (wall-clock) start when UNTIL is a local time or date,
    which dateutil refuses next to an aware start."""
    try:
        return rrulestr(f"RRULE:{rrule}", dtstart=first)
    except ValueError as exc:
        if "UNTIL" not in str(exc):
            raise
        return rrulestr(f"RRULE:{rrule}", dtstart=first.replace(tzinfo=None))


def _dates(rule, first: datetime):
    """The local starts the rule makes, the first start always among them, as calendar apps (and the events service's
    pages) count it, even when it does not fit the rule."""
    yield first
    for value in rule:
        moment = value.replace(tzinfo=WARSAW) if value.tzinfo is None else value.astimezone(WARSAW)
        if moment != first:
            yield moment


def _series(event: dict, start: datetime, end: datetime, limit: int) -> list[datetime]:
    """The local starts of the series in [start, end), exdates left out; raises when the rule cannot be used."""
    first = _local(event["starts_at"])
    rule = _rule(event["rrule"], first)
    times, days = _skipped(event.get("exdates"))
    found: list[datetime] = []
    for step, moment in enumerate(_dates(rule, first)):
        if step >= MAX_STEPS:
            raise ValueError(f"more than {MAX_STEPS} occurrences before the window")
        if moment >= end or len(found) >= limit:
            break
        naive = moment.replace(tzinfo=None)
        if moment >= start and naive not in times and naive.date() not in days:
            found.append(moment)
    return found


def between(event: dict, start: datetime, end: datetime, limit: int = MAX_PER_WINDOW) -> list[Occurrence]:
    """The occurrences of ``event`` (a snapshot) that start in [start, end), soonest first.

    Each lasts as long as the first on the wall clock (an all-day event ends at the next local midnight). A series
    whose rule cannot be expanded yields nothing, with a warning.
    """
    first = _local(event["starts_at"])
    length = _local(event["ends_at"]).replace(tzinfo=None) - first.replace(tzinfo=None)
    if not event.get("rrule"):
        starts = [first] if start <= first < end else []
    else:
        try:
            starts = _series(event, start, end, limit)
        except Exception as exc:  # any rule dateutil cannot expand: skip this series, keep the others going
            if (event["id"], event.get("version", 0)) not in _warned:
                _warned.add((event["id"], event.get("version", 0)))
                log.warning("event %s: its RRULE %r cannot be expanded (%s); no reminders or digests for it",
                            event["id"], event["rrule"], exc)
            return []
    # Aware datetimes with one tzinfo add on the wall clock: 17:00-19:00 stays so on the day the clocks change.
    return [Occurrence(event, moment, moment + length) for moment in starts]
