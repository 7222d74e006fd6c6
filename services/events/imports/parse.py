"""A feed read whole, mapped onto what the sync compares and stores: one :class:`Item` per UID, with an event's
fields (title, description, times, repeat rule, excluded dates, location, URL, status) and its changed dates.

icalendar does the parsing, of the lines :mod:`blocks` keeps (those named in :data:`READ`); every time and every
odd reading goes through :mod:`quirks`, which warns where it guesses. Here:

- a VEVENT with a RECURRENCE-ID is a changed date of its UID's series; one with no series in the feed is an event
  of its own;
- of two VEVENTs with one UID and no RECURRENCE-ID, the one a calendar app keeps, with a warning;
- every repeat rule is checked by the calendar core (a rule it refuses is a warning, the event skipped); RDATEs are
  not imported (a warning).
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, time

import icalendar

from services.calendar.rules import RuleError, check_rule
from services.calendar.times import exdate_to_wire, local
from services.events.imports.blocks import FeedError, check_shape, to_parse
from services.events.imports.quirks import Reader, Warnings, decode, uid_of

MIN_REFRESH, MAX_REFRESH = 15 * 60, 24 * 3600
TITLE, DESCRIPTION, LOCATION, URL = 200, 10_000, 300, 500
#: The properties of a VEVENT read here and in quirks.py; icalendar is given no others (blocks.py).
READ = frozenset({"UID", "DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID", "SUMMARY",
                  "DESCRIPTION", "LOCATION", "URL", "STATUS", "SEQUENCE", "LAST-MODIFIED", "DTSTAMP"})

__all__ = ["MAX_REFRESH", "MIN_REFRESH", "READ", "Feed", "FeedError", "Item", "parse"]


@dataclass
class Item:
    """One UID of the feed: its series (or single event) and the dates changed on their own, by RECURRENCE-ID."""

    uid: str
    values: dict
    #: By recurrence id (Warsaw wall-clock wire form): ``{"starts_at", "ends_at", "status", "location"}``.
    overrides: dict = field(default_factory=dict)
    #: The hashes of its VEVENT blocks' read lines (DTSTAMP aside), kept to skip parsing them next time.
    raw: list = field(default_factory=list)

    def hashes(self, defaults: dict) -> dict:
        """The content hash of the series (key ``""``, with the source's defaults) and of each changed date."""
        found = {"": _hash({**self.values, **defaults})}
        found.update({key: _hash(value) for key, value in self.overrides.items()})
        return found


@dataclass
class Feed:
    items: list[Item]
    warnings: list[str]
    #: REFRESH-INTERVAL or X-PUBLISHED-TTL, in seconds, within 15 minutes and a day; None if the feed says neither.
    refresh_seconds: int | None = None
    #: UIDs whose VEVENTs are (by their read lines, DTSTAMP aside) those of the last sync: not parsed again.
    unchanged: list[str] = field(default_factory=list)


def _hash(value: dict) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def _text(component, name: str, limit: int) -> str:
    value = component.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0]
    return " ".join(str(value).split()) if limit <= LOCATION else str(value).replace("\r\n", "\n")[:limit].strip()


def refresh_seconds(calendar) -> int | None:
    """The refresh interval the feed asks for (REFRESH-INTERVAL wins over X-PUBLISHED-TTL), within bounds."""
    for name in ("REFRESH-INTERVAL", "X-PUBLISHED-TTL"):
        value = calendar.get(name)
        if value is None:
            continue
        try:
            seconds = int((value.dt if hasattr(value, "dt") else icalendar.vDuration.from_ical(str(value)))
                          .total_seconds())
        except (ValueError, TypeError, AttributeError):
            continue
        return min(max(seconds, MIN_REFRESH), MAX_REFRESH)
    return None


def parse(body: bytes, charset: str | None = None, max_events: int = 10_000,
          known: dict[str, list[str]] | None = None) -> Feed:
    """Read a whole feed; raises FeedError when it cannot be read whole. ``known`` gives each UID's block hashes at
    the last sync: those UIDs, when their blocks are the same, are not parsed again."""
    warnings = Warnings()
    text = decode(body, charset, warnings)
    check_shape(text, max_events)
    blocks = to_parse(text, known or {}, READ)
    try:
        calendar = icalendar.Calendar.from_ical(blocks.text)
    except Exception as exc:  # icalendar raises ValueError and others on broken input
        raise FeedError(f"the feed could not be parsed: {str(exc)[:200]}") from None
    if isinstance(calendar, list):
        calendar = calendar[0]
    reader = Reader.of(calendar, warnings)
    masters: dict[str, tuple] = {}
    changed: dict[str, list] = {}
    for order, component in enumerate(calendar.walk("VEVENT")):
        uid = uid_of(component)
        if not uid:
            warnings.add("An event without a UID cannot be kept in sync; it is skipped.")
            continue
        if component.get("RECURRENCE-ID") is not None:
            changed.setdefault(uid, []).append(component)
            continue
        if uid in masters:
            warnings.add(f"Two events share the UID {uid!r}; the later version (SEQUENCE, LAST-MODIFIED) is kept.")
            kept = masters[uid]
            if reader.rank(component, order) < reader.rank(kept[0], kept[1]):
                continue
        masters[uid] = (component, order)
    items = []
    for uid, (component, _order) in masters.items():
        item = _item(uid, component, reader)
        if item is None:
            continue
        for override in changed.pop(uid, []):
            _add_override(item, override, reader)
        items.append(item)
    for uid, components in changed.items():  # a changed date whose series the feed does not hold
        for component in components:
            rid = reader.moment(component, "RECURRENCE-ID")
            item = _item(f"{uid} RECURRENCE-ID={_key(rid)}", component, reader, single=True)
            if item is not None:
                items.append(item)
    for item in items:
        item.raw = blocks.hashes.get(item.uid, [])
    return Feed(items, warnings.as_list(), refresh_seconds(calendar), blocks.unchanged)


def _key(moment) -> str:
    return exdate_to_wire(local(moment) if isinstance(moment, datetime) else moment) if moment is not None else ""


def _rule(component, start: datetime, all_day: bool, reader: Reader) -> str | None:
    rules = component.get("RRULE")
    if rules is None:
        return None
    if isinstance(rules, list):
        reader.warnings.add(f"{uid_of(component)!r} has more than one RRULE; only the first is used.")
        rules = rules[0]
    rule = icalendar.vRecur(reader.until(dict(rules), all_day)).to_ical().decode()
    try:
        check_rule(rule, start)
    except RuleError as exc:
        if exc.part == "UNTIL":  # RFC 5545: DTSTART is a date of the series, whatever its rule says
            reader.warnings.add(f"The repeat rule of {uid_of(component)!r} ends (UNTIL) before its first date; it "
                                f"is imported as that one date.")
            return None
        reader.warnings.add(f"The repeat rule of {uid_of(component)!r} ({rule[:100]}) is refused: {exc} "
                            f"The event is skipped.")
        raise
    if component.get("RDATE") is not None:
        reader.warnings.add(f"{uid_of(component)!r}: extra dates (RDATE) are not imported.")
    return rule


def _exdates(component, all_day: bool, reader: Reader) -> list[str]:
    found = []
    values = component.get("EXDATE")
    for group in values if isinstance(values, list) else ([values] if values is not None else []):
        tzid = group.params.get("TZID") if hasattr(group, "params") else None
        for value in getattr(group, "dts", []):
            moment = reader.aware(value.dt, value.params.get("TZID") or tzid)
            if all_day:
                found.append((moment.date() if isinstance(moment, datetime) else moment).isoformat())
            else:
                found.append(exdate_to_wire(moment if isinstance(moment, datetime) else
                                            datetime.combine(moment, time(0), tzinfo=reader.fallback)))
    return sorted(set(found))


def _url(component) -> str | None:
    value = _text(component, "URL", URL)
    return value if value.lower().startswith(("https://", "http://")) and len(value) <= URL else None


def _item(uid: str, component, reader: Reader, single: bool = False) -> Item | None:
    times = reader.times(component)
    if times is None:
        reader.warnings.add(f"{uid!r} has no readable DTSTART; it is skipped.")
        return None
    starts_at, ends_at, all_day = times
    try:
        rule = None if single else _rule(component, starts_at, all_day, reader)
    except RuleError:
        return None
    status = "cancelled" if str(component.get("STATUS") or "").upper() == "CANCELLED" else "scheduled"
    values = {
        "title": _text(component, "SUMMARY", TITLE)[:TITLE] or "(bez tytułu)",
        "description": _text(component, "DESCRIPTION", DESCRIPTION),
        "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat(), "all_day": all_day, "rrule": rule,
        "exdates": _exdates(component, all_day, reader) if rule else [],
        "location": _text(component, "LOCATION", LOCATION)[:LOCATION] or None, "url": _url(component),
        "status": status,
    }
    return Item(uid, values)


def _add_override(item: Item, component, reader: Reader) -> None:
    rid = reader.moment(component, "RECURRENCE-ID")
    times = reader.times(component)
    if rid is None or times is None or not isinstance(rid, datetime) or times[2] or item.values["all_day"]:
        reader.warnings.add(f"A changed date of {item.uid!r} could not be read or is all-day; it is left out.")
        return
    starts_at, ends_at, _all_day = times
    cancelled = str(component.get("STATUS") or "").upper() == "CANCELLED"
    location = _text(component, "LOCATION", LOCATION)[:LOCATION] or None
    item.overrides[_key(rid)] = {"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat(),
                                 "status": "cancelled" if cancelled else "scheduled", "location": location}
