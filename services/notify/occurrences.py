"""The occurrences of an event snapshot within a window, as reminders and digests key them.

The expansion itself is the calendar core's (``services/calendar/recurrence.py``): bounded, in Warsaw wall-clock
time, with excluded dates left out, and a quarantined rule showing its first date only.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from services.calendar import recurrence
from services.calendar.times import day_after, local_date, local_midnight

#: At most this many occurrences of one series in one window (a reminder's or a digest's).
MAX_PER_WINDOW = 50


@dataclass(frozen=True)
class Occurrence:
    """One date of an event: the snapshot, and this occurrence's start and end in Warsaw time."""

    event: dict
    starts_at: datetime
    ends_at: datetime
    #: The start the rule gave this date, when it was moved on its own (an override).
    recurrence_id: datetime | None = None

    @property
    def key(self) -> str:
        """The start in UTC ISO 8601: what tells one occurrence's reminder from another's (``Notice.occurrence``)."""
        return self.starts_at.astimezone(UTC).isoformat()

    @property
    def rule_key(self) -> str:
        """The start the rule gives the date, in UTC ISO 8601: what names a date's registrations, and stays the same
        when the date is moved on its own."""
        return (self.recurrence_id or self.starts_at).astimezone(UTC).isoformat()

    def times(self) -> dict:
        """The start and end as a notice's payload carries them (ISO 8601 with the Warsaw offset of their day)."""
        return {"starts_at": self.starts_at.isoformat(), "ends_at": self.ends_at.isoformat()}


def between(event: dict, start: datetime, end: datetime, limit: int = MAX_PER_WINDOW) -> list[Occurrence]:
    """The occurrences of ``event`` (a snapshot) that start in [start, end), soonest first."""
    return [Occurrence(event, found.starts_at, found.ends_at, found.recurrence_id)
            for found in recurrence.occurrences(recurrence.Series.of(event), start, end, limit)]


def next_one(event: dict, after: datetime) -> Occurrence | None:
    """The first occurrence of ``event`` that ends after ``after`` (one going on counts), or None when every date is
    over: where a registration for the whole series made at ``after`` starts."""
    found = recurrence.next_occurrence(recurrence.Series.of(event), after)
    return None if found is None else Occurrence(event, found.starts_at, found.ends_at, found.recurrence_id)


def by_rule_key(event: dict, key: str) -> Occurrence | None:
    """The date of ``event`` whose start as the rule gives it is ``key`` (an :attr:`Occurrence.rule_key`), where it
    is now (moved on its own or not); None when the series no longer has it: skipped, cancelled on its own, or left
    out by a new rule or first start."""
    start = datetime.fromisoformat(key)
    moved = [o.starts_at for o in recurrence.Series.of(event).overrides if o.recurrence_id == start]
    for moment in moved or [start]:
        found = [o for o in between(event, moment, moment + timedelta(seconds=1)) if o.rule_key == key]
        if found:
            return found[0]
    return None


def on_the_same_day(event: dict, key: str) -> Occurrence | None:
    """The date of the series ``event`` that the rule gives the Warsaw day of ``key`` (an :attr:`Occurrence.rule_key`
    the series no longer has): the same date after a change of the series' time, or of its first start on the same
    weekdays. The one nearest in time to ``key`` when the rule gives that day several; None when it gives it none
    (the date is gone)."""
    start = datetime.fromisoformat(key)
    day = local_date(start)
    found = [o for o in between(event, local_midnight(day) - timedelta(days=1), local_midnight(day_after(day))
                                + timedelta(days=1))
             if local_date(datetime.fromisoformat(o.rule_key)) == day]
    return min(found, key=lambda o: abs(datetime.fromisoformat(o.rule_key) - start), default=None)


def slot_date(event: dict, key: str, of_series: bool = False) -> Occurrence | None:
    """Where the date a row of places is for (``key``: its rule key) is now: a series' date by its rule key
    (:func:`by_rule_key`), None when the series no longer has it (a row made for a series' date, ``of_series``,
    keeps to that rule when the event becomes a single one: only the date it kept is still there); a single
    event's one date, which moves with the event (its key stays the start it was registered at)."""
    if event.get("rrule") or of_series:
        return by_rule_key(event, key)
    start = datetime.fromisoformat(event["starts_at"])
    found = between(event, start, start + timedelta(seconds=1), limit=1)
    return found[0] if found else None


def called_off(event: dict, key: str, ends_at: datetime, now: datetime, of_series: bool = False) -> bool:
    """Whether the date a row of places is for (``key``: its rule key, empty for a whole series; ``ends_at``: its end;
    ``of_series``: made for a date of a series) will not happen: the event is cancelled, or the series no longer has
    this date, which has not ended yet (a past date left out by a new first start did happen); a series that
    dropped its rule keeps only the date the single event has (:func:`by_rule_key`). A single event's one date moves
    with the event; a quarantined rule, which shows its first date only, drops nothing."""
    if event["status"] == "cancelled":
        return True
    if not key or not (event.get("rrule") or of_series) or ends_at <= now or recurrence.quarantined(
            recurrence.Series.of(event)):
        return False
    return by_rule_key(event, key) is None
