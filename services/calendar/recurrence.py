"""Repeat rules: which are accepted, and the occurrences of a series in a window, bounded in steps.

A series is expanded in Warsaw wall-clock time, so a weekly 17:00 stays at 17:00 across a change of the clocks. Its
first start is always an occurrence, as calendar apps count it. Excluded dates are left out.

Every rule is checked when it is written (:func:`check_rule`), and again before it is expanded: a rule stored before
these checks that breaks them is quarantined (logged once, its series shows its first date only), so that no reader
can be made to loop. ``dateutil`` walks period by period until year 9999 when a rule can never match, so what a rule
may say is limited to what the centres' activities need, and every combination left can match within a few years.
"""

import calendar
import logging
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from dateutil.rrule import rrulestr

from services.calendar.times import WARSAW, excluded, local

log = logging.getLogger(__name__)

FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
PARTS = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "WKST"}
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MAX_INTERVAL = 366
MAX_COUNT = 1000
#: A rule must produce a second date within this many years of its first.
HORIZON_YEARS = 5
#: At most this many dates of a series are stepped through in one expansion.
MAX_STEPS = 10_000
#: At most this many occurrences are returned by one expansion.
MAX_OCCURRENCES = 1000


class RuleError(ValueError):
    """A repeat rule that is not accepted; the message says why, for the API's 422. ``part`` names the rule's part
    at fault when one is (``"UNTIL"``), so a form can say it at its own field."""

    def __init__(self, message: str, part: str | None = None):
        super().__init__(message)
        self.part = part


class OverBudget(RuntimeError):
    """Expanding series took longer than the time given to the answer being built (:func:`time_budget`)."""


#: The monotonic time by which the current answer must be done expanding, if one was set.
_deadline: ContextVar[float | None] = ContextVar("recurrence_deadline", default=None)


@contextmanager
def time_budget(seconds: float):
    """Expansions inside the block raise :class:`OverBudget` once ``seconds`` have passed: a page or feed that meets a
    bug gives one failed answer, never a stuck worker."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def _check_budget() -> None:
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline:
        raise OverBudget("expanding repeat rules took longer than this answer may")


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


def rule_parts(rule: str) -> dict[str, str]:
    """The rule's parts by name (``{"FREQ": "WEEKLY", "BYDAY": "TU"}``); raises RuleError for what is not accepted."""
    text = rule.strip().removeprefix("RRULE:")
    if not text or "\n" in text or "\r" in text:
        raise RuleError("Give one RFC 5545 RRULE value, such as FREQ=WEEKLY;BYDAY=TU.")
    parts: dict[str, str] = {}
    for item in text.upper().split(";"):
        name, sep, value = item.partition("=")
        if not sep or not value:
            raise RuleError(f"{item!r} is not NAME=VALUE.")
        if name not in PARTS:
            raise RuleError(f"{name} is not supported; a rule may use {', '.join(sorted(PARTS))}.")
        if name in parts:
            raise RuleError(f"{name} is given twice.")
        parts[name] = value
    return parts


def _numbers(value: str, name: str, low: int, high: int) -> list[int]:
    try:
        numbers = [int(item) for item in value.split(",")]
    except ValueError:
        raise RuleError(f"{name} takes whole numbers.") from None
    for number in numbers:
        if number == 0 or not low <= abs(number) <= high:
            raise RuleError(f"{name}={number} is out of range (1 to {high}, or -1 to -{high}).")
    return numbers


def until_of(value: str) -> date | datetime:
    """An UNTIL value as RFC 5545 writes it: a date (``20270331``), a Warsaw wall time (``20270331T235959``, naive
    here) or a UTC time (``20270331T215959Z``, aware). Raises RuleError."""
    try:
        if len(value) == 8:
            return datetime.strptime(value, "%Y%m%d").date()
        if value.endswith("Z"):
            return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        return datetime.strptime(value, "%Y%m%dT%H%M%S")
    except ValueError:
        raise RuleError("UNTIL is a date (YYYYMMDD) or a date-time (YYYYMMDDTHHMMSS, with Z in UTC).",
                        "UNTIL") from None


def _ends_before(until: date | datetime, first: datetime) -> bool:
    """Whether UNTIL is before the first start (Warsaw time); a date UNTIL is the whole of that day."""
    if not isinstance(until, datetime):
        return until < first.date()
    if until.tzinfo is None:
        return until < first.replace(tzinfo=None)
    return until < first


def ical_until(rule: str, start: datetime | date) -> str:
    """The rule with UNTIL as RFC 5545 (3.3.10) wants it next to its DTSTART, for the dates :func:`occurrences` gives:
    in UTC next to a date-time start (a Warsaw wall time converted, a date taken at its Warsaw midnight, as the
    expansion reads it), the Warsaw date next to a date (an all-day start). A rule without UNTIL is as it is."""
    parts = rule_parts(rule)
    if "UNTIL" not in parts:
        return rule.strip().removeprefix("RRULE:")
    until = until_of(parts["UNTIL"])
    if not isinstance(start, datetime):
        day = until if not isinstance(until, datetime) else local(until).date()
        parts["UNTIL"] = f"{day:%Y%m%d}"
    else:
        moment = until if isinstance(until, datetime) else datetime.combine(until, datetime.min.time())
        parts["UNTIL"] = f"{local(moment).astimezone(UTC):%Y%m%dT%H%M%SZ}"
    return ";".join(f"{name}={value}" for name, value in parts.items())


def _check_parts(parts: dict[str, str]) -> None:
    freq = parts.get("FREQ")
    if freq not in FREQUENCIES:
        raise RuleError(f"FREQ must be one of {', '.join(FREQUENCIES)}; no finer than daily.")
    if "INTERVAL" in parts and not (parts["INTERVAL"].isdigit() and 1 <= int(parts["INTERVAL"]) <= MAX_INTERVAL):
        raise RuleError(f"INTERVAL must be a whole number from 1 to {MAX_INTERVAL}.")
    if "COUNT" in parts and "UNTIL" in parts:
        raise RuleError("Give COUNT or UNTIL, not both.")
    if "UNTIL" in parts:
        until_of(parts["UNTIL"])
    if "COUNT" in parts and not (parts["COUNT"].isdigit() and 1 <= int(parts["COUNT"]) <= MAX_COUNT):
        raise RuleError(f"COUNT must be a whole number from 1 to {MAX_COUNT}.")
    months = _numbers(parts["BYMONTH"], "BYMONTH", 1, 12) if "BYMONTH" in parts else list(range(1, 13))
    if any(month < 0 for month in months):
        raise RuleError("BYMONTH takes months 1 to 12.")
    if "BYMONTHDAY" in parts:
        days = _numbers(parts["BYMONTHDAY"], "BYMONTHDAY", 1, 31)
        longest = max(calendar.monthrange(2028, month)[1] for month in months)  # 2028: February has 29 days
        if all(abs(day) > longest for day in days):
            raise RuleError(f"BYMONTHDAY={parts['BYMONTHDAY']} never falls in the months of the rule.")
    if "BYDAY" in parts:
        _check_weekdays(parts["BYDAY"], freq, "BYMONTH" in parts)
    if "BYSETPOS" in parts:
        # With plain weekdays only, each month holds at least four of them: positions 1 to 4 always exist.
        plain = "BYDAY" in parts and all(item[:-2] == "" for item in parts["BYDAY"].split(","))
        if not plain or "BYMONTHDAY" in parts or freq not in ("MONTHLY", "YEARLY"):
            raise RuleError("BYSETPOS is supported with plain weekdays (BYDAY=MO,TU) in a MONTHLY or YEARLY rule, "
                            "without BYMONTHDAY.")
        _numbers(parts["BYSETPOS"], "BYSETPOS", 1, 4)
    if "BYMONTHDAY" in parts and "BYDAY" in parts and any(item[:-2] for item in parts["BYDAY"].split(",")):
        raise RuleError("A numbered weekday (BYDAY=2TU) cannot be combined with BYMONTHDAY.")
    if "WKST" in parts and parts["WKST"] not in WEEKDAYS:
        raise RuleError(f"WKST must be one of {', '.join(WEEKDAYS)}.")


def _check_weekdays(value: str, freq: str, by_month: bool) -> None:
    for item in value.split(","):
        weekday, number = item[-2:], item[:-2]
        if weekday not in WEEKDAYS:
            raise RuleError(f"BYDAY={item} is not a weekday ({', '.join(WEEKDAYS)}).")
        if not number:
            continue
        if freq not in ("MONTHLY", "YEARLY"):
            raise RuleError(f"BYDAY={item}: a numbered weekday needs FREQ=MONTHLY or YEARLY.")
        limit = 5 if freq == "MONTHLY" or by_month else 53
        try:
            n = int(number)
        except ValueError:
            raise RuleError(f"BYDAY={item} is not a weekday with a number, such as 2TU or -1FR.") from None
        if n == 0 or abs(n) > limit:
            raise RuleError(f"BYDAY={item}: the number must be 1 to {limit} or -1 to -{limit}.")


def check_syntax(rule: str) -> None:
    """Raise RuleError unless ``rule`` says only what :func:`check_rule` accepts (it needs no first start)."""
    _check_parts(rule_parts(rule))


def _rule(rule: str, first: datetime):
    """The dateutil rule from the first start (Warsaw time); with a naive start when UNTIL is a local time or a
    date, which dateutil refuses next to an aware start."""
    text = f"RRULE:{rule.strip().removeprefix('RRULE:')}"
    try:
        return rrulestr(text, dtstart=first)
    except ValueError as exc:
        if "UNTIL" not in str(exc):
            raise
        return rrulestr(text, dtstart=first.replace(tzinfo=None))


def check_rule(rule: str, first: datetime) -> None:
    """Raise RuleError unless ``rule`` is accepted for a series that starts at ``first``.

    Accepted: DAILY to YEARLY, INTERVAL 1 to 366, COUNT up to 1000 or UNTIL, BYDAY, BYMONTHDAY, BYMONTH, BYSETPOS
    (1 to 4, with plain weekdays) and WKST, in combinations that always match within a few years (dateutil would
    otherwise walk to year 9999 looking for a match); and the rule must give a date
    after the first within five years, unless COUNT=1 or UNTIL says it ends sooner.
    """
    _check_cached(rule.strip().removeprefix("RRULE:"), local(first))


@lru_cache(maxsize=4096)
def _check_cached(rule: str, first: datetime) -> None:
    parts = rule_parts(rule)
    _check_parts(parts)
    if "UNTIL" in parts and _ends_before(until_of(parts["UNTIL"]), first):
        raise RuleError("UNTIL is before the first date (starts_at): the rule ends before it starts.", "UNTIL")
    try:
        expanded = _rule(rule, first)
    except (ValueError, TypeError, OverflowError) as exc:
        raise RuleError(f"Not a valid RFC 5545 RRULE: {exc}.") from exc
    following = None
    for step, value in enumerate(expanded):
        moment = local(value)
        if moment > first:
            following = moment
            break
        if step > 400:
            break
    if following is None:
        if parts.get("COUNT") == "1" or "UNTIL" in parts:
            return
        raise RuleError("The rule gives no date after the first one.")
    if following - first > timedelta(days=366 * HORIZON_YEARS):
        raise RuleError(f"The rule's next date after the first is more than {HORIZON_YEARS} years away.")


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
    _check_budget()
    for step, moment in enumerate(_dates(_rule(series.rrule, first), first)):
        if step >= MAX_STEPS or moment >= end or len(found) >= limit:
            break
        if step % 512 == 511:
            _check_budget()
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
