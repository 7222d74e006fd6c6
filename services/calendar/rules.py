"""Repeat rules: which are accepted, and what an accepted rule says (its parts, its UNTIL in the form RFC 5545 wants).

Every rule is checked when it is written (:func:`check_rule`). ``dateutil`` walks period by period until year 9999
when a rule can never match, so what a rule may say is limited to what the centres' activities need, and every
combination left can match within a few years. Expanding a series is services/calendar/recurrence.py's, which checks
the rule again first and quarantines one that breaks these rules.
"""

import calendar
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from dateutil.rrule import rrulestr

from services.calendar.times import local

FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
PARTS = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "WKST"}
#: iCalendar's weekday codes, Monday first (as Polish calendars are): the one list rules, rooms and forms use.
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MAX_INTERVAL = 366
MAX_COUNT = 1000
#: A rule must produce a second date within this many years of its first.
HORIZON_YEARS = 5


class RuleError(ValueError):
    """A repeat rule that is not accepted; the message says why, for the API's 422. ``part`` names the rule's part
    at fault when one is (``"UNTIL"``), so a form can say it at its own field."""

    def __init__(self, message: str, part: str | None = None):
        super().__init__(message)
        self.part = part


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


def until_value(day: date, all_day: bool) -> str:
    """UNTIL for a series whose last day is ``day``, of its DTSTART's value type (RFC 5545 3.3.10): the date next to
    an all-day start; next to a date-time, the end of that Warsaw day (:func:`until_moment`), ``T235959``."""
    return f"{day:%Y%m%d}" if all_day else f"{day:%Y%m%d}T235959"


def until_moment(until: date | datetime) -> datetime:
    """When a series with a date-time start ends, from its UNTIL (:func:`until_of`), aware: a Warsaw wall time or a
    UTC time as it is; a date is that whole Warsaw day (its 23:59:59), as a person writing UNTIL=20270330 means it,
    as the staff form writes it and as Google's calendars send it next to a date-time start. The one reading of UNTIL
    that the check, the expansion, the feeds and the imports share."""
    if not isinstance(until, datetime):
        until = datetime.combine(until, time(23, 59, 59))
    return local(until)


def _ends_before(until: date | datetime, first: datetime) -> bool:
    """Whether UNTIL (:func:`until_moment`) is before the first start."""
    return until_moment(until) < first


def ical_until(rule: str, start: datetime | date) -> str:
    """The rule with UNTIL as RFC 5545 (3.3.10) wants it next to its DTSTART, for the dates :func:`occurrences` gives:
    in UTC next to a date-time start (:func:`until_moment`), the Warsaw date next to a date (an all-day start). A rule
    without UNTIL is as it is."""
    parts = rule_parts(rule)
    if "UNTIL" not in parts:
        return rule.strip().removeprefix("RRULE:")
    until = until_of(parts["UNTIL"])
    if not isinstance(start, datetime):
        day = until if not isinstance(until, datetime) else local(until).date()
        parts["UNTIL"] = f"{day:%Y%m%d}"
    else:
        parts["UNTIL"] = f"{until_moment(until).astimezone(UTC):%Y%m%dT%H%M%SZ}"
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


def dateutil_rule(rule: str, first: datetime):
    """The dateutil rule from the first start (Warsaw time), its UNTIL in UTC (:func:`ical_until`), as dateutil
    wants it next to an aware start."""
    first = local(first)
    return rrulestr(f"RRULE:{ical_until(rule, first)}", dtstart=first)


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
        expanded = dateutil_rule(rule, first)
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
