"""The occurrences of a series in a window, bounded in steps; which rules are accepted is services/calendar/rules.py's.

A series is expanded in Warsaw wall-clock time, so a weekly 17:00 stays at 17:00 across a change of the clocks. Its
first start is always an occurrence, as calendar apps count it. Excluded dates are left out.

A rule is checked again (services/calendar/rules.py check_rule) before it is expanded: a rule stored before those
checks that breaks them is quarantined (logged once, its series shows its first date only), so that no reader can be
made to loop.
"""

import logging
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from services.calendar.rules import RuleError, check_rule, dateutil_rule, rule_parts
from services.calendar.times import WARSAW, excluded, local

log = logging.getLogger(__name__)

#: At most this many dates of a series are stepped through in one expansion.
MAX_STEPS = 10_000
#: At most this many occurrences are returned by one expansion.
MAX_OCCURRENCES = 1000


class OverBudget(RuntimeError):
    """Expanding series took longer than the time given to the answer being built (:func:`time_budget`)."""


@dataclass
class _Budget:
    """The seconds the current answer may still spend expanding repeat rules."""

    left: float


#: The budget of the answer being built, if one was set (:func:`time_budget`).
_budget: ContextVar[_Budget | None] = ContextVar("recurrence_budget", default=None)


@contextmanager
def time_budget(seconds: float):
    """Expansions inside the block raise :class:`OverBudget` once together they have taken ``seconds``: a page or feed
    that meets a bug gives one failed answer, never a stuck worker. Only expanding counts: an answer that first waited
    for a busy database is not cut short for it."""
    token = _budget.set(_Budget(seconds))
    try:
        yield
    finally:
        _budget.reset(token)


@contextmanager
def _spending():
    """Time the expansion inside the block against the answer's budget; yields the check to call as it goes."""
    budget = _budget.get()
    began = time.monotonic()

    def check() -> None:
        if budget is not None and time.monotonic() - began > budget.left:
            raise OverBudget("expanding repeat rules took longer than this answer may")

    try:
        yield check
    finally:
        if budget is not None:
            budget.left -= time.monotonic() - began


@dataclass(frozen=True)
class Override:
    """One date of a series changed on its own: moved (new times, perhaps a new place) or cancelled. In iCal, a VEVENT
    with the series' UID and ``RECURRENCE-ID`` = the date's original start, with its own SEQUENCE."""

    #: The original start of the date it changes (Warsaw time), as the rule gives it.
    recurrence_id: datetime
    starts_at: datetime
    ends_at: datetime
    cancelled: bool = False
    location: str | None = None
    sequence: int = 0

    @classmethod
    def of(cls, data: dict) -> "Override":
        """From its wire form: ``recurrence_id`` a Warsaw wall-clock time without offset, times in ISO 8601."""
        moment = lambda name: local(datetime.fromisoformat(data[name]))  # noqa: E731
        return cls(moment("recurrence_id"), moment("starts_at"), moment("ends_at"), data.get("status") == "cancelled",
                   data.get("location"), int(data.get("sequence") or 0))


@dataclass(frozen=True)
class Series:
    """What expansion needs of an event: its first start and end (aware), its rule, excluded dates and the dates
    changed on their own."""

    starts_at: datetime
    ends_at: datetime
    rrule: str | None = None
    exdates: tuple = ()
    all_day: bool = False
    #: Names the series in log lines.
    label: str = ""
    overrides: tuple[Override, ...] = ()

    @property
    def length(self) -> timedelta:
        """How long each date lasts on the wall clock: 17:00-19:00 stays two hours on the day the clocks change."""
        return local(self.ends_at).replace(tzinfo=None) - local(self.starts_at).replace(tzinfo=None)

    @classmethod
    def of(cls, event: dict) -> "Series":
        """From an event snapshot (times in ISO 8601)."""
        return cls(datetime.fromisoformat(event["starts_at"]), datetime.fromisoformat(event["ends_at"]),
                   event.get("rrule"), tuple(event.get("exdates") or ()), bool(event.get("all_day")),
                   str(event.get("id", "")), tuple(Override.of(o) for o in event.get("overrides") or ()))


@dataclass(frozen=True)
class Occurrence:
    """One date of a series, in Warsaw time; ``recurrence_id`` is the start the rule gave it, when it was moved."""

    starts_at: datetime
    ends_at: datetime
    recurrence_id: datetime | None = None
    location: str | None = None


def quarantined(series: Series) -> str | None:
    """Why the series' rule may not be expanded (logged once per rule), or None when it may."""
    if not series.rrule:
        return None
    try:
        check_rule(series.rrule, series.starts_at)
    except RuleError as exc:
        _warn(series.rrule, series.label, str(exc))
        return str(exc)
    return None


@lru_cache(maxsize=1024)
def _warn(rule: str, label: str, reason: str) -> None:
    log.warning("series %s: its repeat rule %r is quarantined and shows its first date only: %s", label, rule, reason)


def occurrences(series: Series, start: datetime, end: datetime, limit: int = MAX_OCCURRENCES) -> list[Occurrence]:
    """The occurrences of ``series`` that start in [start, end), soonest first, at most ``limit``.

    Each lasts as long as the first on the wall clock (an all-day event ends at the next local midnight). At most
    :data:`MAX_STEPS` dates are stepped through; a quarantined rule gives the first date only.
    """
    first = local(series.starts_at)
    length = series.length
    if not series.rrule or quarantined(series):
        starts = [first] if start <= first < end else []
    else:
        starts = _starts(series, first, start, end, limit)
    if not series.overrides or not series.rrule:
        # Aware datetimes with one tzinfo add on the wall clock: 17:00-19:00 stays so on the day the clocks change.
        return [Occurrence(moment, moment + length) for moment in starts]
    changed = {override.recurrence_id for override in series.overrides}
    found = [Occurrence(moment, moment + length) for moment in starts if moment not in changed]
    found += [Occurrence(o.starts_at, o.ends_at, o.recurrence_id, o.location) for o in series.overrides
              if not o.cancelled and start <= o.starts_at < end]
    return sorted(found, key=lambda o: o.starts_at)[:limit]


def _starts(series: Series, first: datetime, start: datetime, end: datetime, limit: int) -> list[datetime]:
    skipped = set(excluded(series.exdates, series.all_day, first))
    found: list[datetime] = []
    with _spending() as check:
        check()
        for step, moment in enumerate(_dates(dateutil_rule(series.rrule, first), first)):
            if step >= MAX_STEPS or moment >= end or len(found) >= limit:
                break
            if step % 512 == 511:
                check()
            if moment >= start and moment not in skipped and moment.date() not in skipped:
                found.append(moment)
    return found


def _dates(rule, first: datetime):
    """The local starts the rule makes, the first start always among them, as calendar apps count it."""
    yield first
    for value in rule:
        moment = local(value)
        if moment != first:
            yield moment


def next_occurrence(series: Series, after: datetime) -> Occurrence | None:
    """The first occurrence that ends after ``after``, or None (within :data:`MAX_STEPS` dates)."""
    length = series.length
    found = occurrences(series, after - length - timedelta(days=1), datetime.max.replace(tzinfo=WARSAW), limit=8)
    return next((o for o in found if o.ends_at > after), None)


def next_dates(series: Series, after: datetime, count: int = 5) -> list[tuple[Occurrence, bool]]:
    """The next ``count`` dates of the series that end after ``after``, each with whether it is left out
    (an excluded date, which a page shows struck through)."""
    kept = tuple(o for o in series.overrides if not o.cancelled)
    whole = Series(series.starts_at, series.ends_at, series.rrule, (), series.all_day, series.label, kept)
    length = series.length
    found = occurrences(whole, after - length - timedelta(days=1), datetime.max.replace(tzinfo=WARSAW), count + 8)
    skipped = set(excluded(series.exdates, series.all_day, series.starts_at))
    skipped |= {o.recurrence_id for o in series.overrides if o.cancelled}
    return [(o, o.starts_at in skipped or o.starts_at.date() in skipped) for o in found if o.ends_at > after][:count]


def is_date_of(series: Series, moment: datetime) -> bool:
    """Whether the rule (left-out dates aside) gives a date starting at ``moment``: what an override may change."""
    if not series.rrule:
        return False
    whole = Series(series.starts_at, series.ends_at, series.rrule, (), series.all_day, series.label)
    found = occurrences(whole, local(moment), local(moment) + timedelta(minutes=1), 1)
    return bool(found) and found[0].starts_at == local(moment)


def last_day(series: Series) -> date | None:
    """The local date of the series' last occurrence when its rule ends (COUNT or UNTIL), else None."""
    if not series.rrule:
        return local(series.starts_at).date()
    parts = rule_parts(series.rrule)
    if "COUNT" not in parts and "UNTIL" not in parts:
        return None
    found = occurrences(series, local(series.starts_at), datetime.max.replace(tzinfo=WARSAW))
    return found[-1].starts_at.date() if found else local(series.starts_at).date()
