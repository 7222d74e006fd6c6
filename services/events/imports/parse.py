"""Reading a feed as the producers really write it, into what the sync compares and stores.

icalendar does the parsing; this module handles what real feeds get wrong, each explicitly, with a warning on the
source where the reading is a guess (never a silent floating time):

- the body's charset: the one the server names, else UTF-8, else detected (a Latin-2 body with no charset);
- time zones: Windows names ("Central European Standard Time") and "Customized Time Zone" with its VTIMEZONE are
  resolved by icalendar; a zone it cannot resolve (``Foo/Bar``, "Customized Time Zone" without a VTIMEZONE,
  Outlook's ``tzone://Microsoft/Custom``, which breaks the property) and floating times are read in the feed's
  X-WR-TIMEZONE, else Europe/Warsaw; UTC times (Google, Gancio) are moments, shown in Warsaw time;
- an RRULE's ``UNTIL`` given as a date next to a DATE-TIME start (Google) is that whole day, in UTC;
- an all-day event whose DTEND equals its DTSTART lasts one day; no DTEND means the start's length (RFC 5545);
- two VEVENTs with the same UID and no RECURRENCE-ID: the one a calendar app keeps (highest SEQUENCE, then the
  latest LAST-MODIFIED or DTSTAMP, then the later in the file), and a warning;
- a RECURRENCE-ID with no series in the feed is an event of its own.

Bounds: the nesting of components and the number of VEVENTs are checked on the raw lines before icalendar builds
anything; every repeat rule is checked by the calendar core (a rule it refuses is a warning, the event skipped).
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
from charset_normalizer import from_bytes

from services.calendar.recurrence import RuleError, check_rule
from services.calendar.times import TZID, WARSAW, exdate_to_wire, local, local_midnight

#: Components may nest this deep (VCALENDAR > VEVENT > VALARM, VTIMEZONE > STANDARD); deeper is hostile.
MAX_DEPTH = 4
#: At most this many warnings are kept on a source; the rest are counted.
MAX_WARNINGS = 50
MIN_REFRESH, MAX_REFRESH = 15 * 60, 24 * 3600
TITLE, DESCRIPTION, LOCATION, URL = 200, 10_000, 300, 500
_MOMENT = re.compile(rb"(\d{8}(?:T\d{6}Z?)?)\s*$")


class FeedError(ValueError):
    """A feed that cannot be read whole: nothing is synced from it, and nothing is cancelled."""


@dataclass
class Warnings:
    """What a parse read by a guess; each message once."""

    messages: list[str] = field(default_factory=list)
    more: int = 0

    def add(self, message: str) -> None:
        if message in self.messages:
            return
        if len(self.messages) < MAX_WARNINGS:
            self.messages.append(message)
        else:
            self.more += 1

    def as_list(self) -> list[str]:
        return self.messages + ([f"... and {self.more} more"] if self.more else [])


@dataclass
class Item:
    """One UID of the feed: its series (or single event) and the dates changed on their own, by RECURRENCE-ID."""

    uid: str
    values: dict
    #: By recurrence id (Warsaw wall-clock wire form): ``{"starts_at", "ends_at", "status", "location"}``.
    overrides: dict = field(default_factory=dict)
    #: The hashes of its raw VEVENT blocks (DTSTAMP aside), kept to skip parsing them next time.
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
    #: UIDs whose VEVENTs are byte for byte (DTSTAMP aside) those of the last sync: not parsed again.
    unchanged: list[str] = field(default_factory=list)


def _hash(value: dict) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def decode(body: bytes, charset: str | None, warnings: Warnings) -> str:
    """The feed as text: in the charset named, else UTF-8, else the detected one (with a warning)."""
    if body.startswith(b"\xef\xbb\xbf"):
        body = body[3:]
    for name in filter(None, (charset, "utf-8")):
        try:
            return body.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    best = from_bytes(body, cp_isolation=["cp1250", "iso8859_2", "cp1252", "iso8859_1"]).best()
    candidates = ["iso8859_2", "cp1250"] + ([best.encoding] if best is not None else [])
    encoding = max(candidates, key=lambda name: _polish_score(body.decode(name, errors="replace")))
    warnings.add(f"The feed is not UTF-8 and names no charset; read as {encoding}.")
    return body.decode(encoding, errors="replace")


_POLISH = set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
#: What Polish text read in the wrong one of Latin-2 and Windows-1250 shows instead of ą, ś, ź, Ą, Ś, Ź.
_MISREAD = set("±¶¼¡¦¬¥¹œŸŒ\ufffd") | {chr(code) for code in range(0x80, 0xA0)}


def _polish_score(text: str) -> int:
    """How much ``text`` reads as Polish: its Polish letters, less what the wrong code page makes of them. Detectors
    tell Latin-2 from Windows-1250 poorly, and the two differ exactly in ą, ś, ź."""
    return sum(ch in _POLISH for ch in text) - 5 * sum(ch in _MISREAD for ch in text)


def check_shape(text: str, max_events: int) -> None:
    """Refuse, before parsing, a feed nested too deep or with more VEVENTs than allowed."""
    depth, events = 0, 0
    for line in text.splitlines():
        upper = line[:12].upper()
        if upper.startswith("BEGIN:"):
            depth += 1
            if depth > MAX_DEPTH:
                raise FeedError(f"components are nested more than {MAX_DEPTH} deep")
            if upper.startswith("BEGIN:VEVENT"):
                events += 1
                if events > max_events:
                    raise FeedError(f"the feed has more than {max_events} events")
        elif upper.startswith("END:"):
            depth -= 1
    if "BEGIN:VCALENDAR" not in text[:2000].upper():
        raise FeedError("this is not an iCalendar feed (no BEGIN:VCALENDAR)")
    if depth != 0 or not text.rstrip().upper().endswith("END:VCALENDAR"):
        raise FeedError("the feed is cut short (it does not end with END:VCALENDAR)")


def _zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(str(name).strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None


@dataclass
class Reader:
    """Reads the times of one feed, with its fallback zone for floating times and unknown zones."""

    fallback: ZoneInfo
    fallback_name: str
    warnings: Warnings

    def moment(self, component, name: str) -> date | datetime | None:
        """The property as a date or an aware datetime, or None when missing or unreadable."""
        try:
            prop = component.get(name)
            if prop is None:
                return None
            value = prop.dt
            tzid = prop.params.get("TZID")
        except Exception:  # icalendar refuses to read a broken property (tzone://Microsoft/Custom): its raw value
            value, tzid = self._raw(component, name), "tzone://Microsoft/Custom"
            if value is None:
                self.warnings.add(f"{name} could not be read in {_uid(component)!r}; the event is skipped.")
                return None
        return self.aware(value, tzid)

    def _raw(self, component, name: str) -> date | datetime | None:
        prop = dict(component.property_items(recursive=False)).get(name)
        found = _MOMENT.search(prop.to_ical()) if prop is not None else None
        if found is None:
            return None
        text = found.group(1).decode()
        if len(text) == 8:
            return datetime.strptime(text, "%Y%m%d").date()
        moment = datetime.strptime(text[:15], "%Y%m%dT%H%M%S")
        return moment.replace(tzinfo=UTC) if text.endswith("Z") else moment

    def aware(self, value, tzid: str | None = None) -> date | datetime:
        if not isinstance(value, datetime) or value.tzinfo is not None:
            return value
        if tzid:
            self.warnings.add(f"Unknown time zone {str(tzid)!r}: its times are read as {self.fallback_name}.")
        else:
            self.warnings.add(f"Times without a zone (floating) are read as {self.fallback_name}.")
        return value.replace(tzinfo=self.fallback)


#: A UID longer than this is kept by its hash (the column holds 1000 characters, with room for a RECURRENCE-ID).
LONGEST_UID = 900


def _uid(component) -> str:
    uid = str(component.get("UID") or "").strip()
    return uid if len(uid) <= LONGEST_UID else "sha256:" + hashlib.sha256(uid.encode()).hexdigest()


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


_BLOCK = re.compile(r"^BEGIN:VEVENT\r?\n.*?^END:VEVENT\r?\n?", re.MULTILINE | re.DOTALL | re.IGNORECASE)
_BLOCK_UID = re.compile(r"^UID(?:;[^:\r\n]*)?:(.*)$", re.MULTILINE | re.IGNORECASE)
_BLOCK_STAMP = re.compile(r"^DTSTAMP[;:][^\r\n]*\r?\n", re.MULTILINE | re.IGNORECASE)
_FOLD = re.compile(r"\r?\n[ \t]")


def raw_blocks(text: str) -> dict[str, list]:
    """Each UID's raw VEVENT blocks, as ``{uid: [(hash, start, end), ...]}``: the hash leaves DTSTAMP out."""
    found: dict[str, list] = {}
    for block in _BLOCK.finditer(text):
        raw = block.group(0)
        uid = _BLOCK_UID.search(_FOLD.sub("", raw))
        if uid is None:
            continue
        digest = hashlib.sha256(_BLOCK_STAMP.sub("", raw).encode()).hexdigest()
        found.setdefault(uid.group(1).strip(), []).append((digest, block.start(), block.end()))
    return found


def _skip_known(text: str, known: dict[str, list[str]]) -> tuple[str, list[str], dict[str, list[str]]]:
    """The feed without the VEVENTs of UIDs unchanged since the last sync; those UIDs; every UID's block hashes."""
    blocks = raw_blocks(text)
    hashes = {uid: sorted(digest for digest, _start, _end in found) for uid, found in blocks.items()}
    unchanged = [uid for uid, digests in hashes.items() if known.get(uid) == digests]
    if not unchanged:
        return text, [], hashes
    cuts = sorted((start, end) for uid in unchanged for _digest, start, end in blocks[uid])
    kept, position = [], 0
    for start, end in cuts:
        kept.append(text[position:start])
        position = end
    kept.append(text[position:])
    return "".join(kept), unchanged, hashes


def parse(body: bytes, charset: str | None = None, max_events: int = 10_000,
          known: dict[str, list[str]] | None = None) -> Feed:
    """Read a whole feed; raises FeedError when it cannot be read whole. ``known`` gives each UID's raw block
    hashes at the last sync: those UIDs, when their blocks are the same, are not parsed again."""
    warnings = Warnings()
    text = decode(body, charset, warnings)
    check_shape(text, max_events)
    text, unchanged, raw = _skip_known(text, known or {})
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except Exception as exc:  # icalendar raises ValueError and others on broken input
        raise FeedError(f"the feed could not be parsed: {str(exc)[:200]}") from None
    if isinstance(calendar, list):
        calendar = calendar[0]
    wr = str(calendar.get("X-WR-TIMEZONE") or "").strip()
    fallback = _zone(wr)
    if wr and fallback is None:
        warnings.add(f"X-WR-TIMEZONE {wr!r} is not a known zone; Europe/Warsaw is used.")
    reader = Reader(fallback or ZoneInfo(TZID), wr if fallback else TZID, warnings)
    masters: dict[str, tuple] = {}
    changed: dict[str, list] = {}
    for order, component in enumerate(calendar.walk("VEVENT")):
        uid = _uid(component)
        if not uid:
            warnings.add("An event without a UID cannot be kept in sync; it is skipped.")
            continue
        if component.get("RECURRENCE-ID") is not None:
            changed.setdefault(uid, []).append(component)
            continue
        if uid in masters:
            warnings.add(f"Two events share the UID {uid!r}; the later version (SEQUENCE, LAST-MODIFIED) is kept.")
            kept = masters[uid]
            if _rank(component, order, reader) < _rank(kept[0], kept[1], reader):
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
        item.raw = raw.get(item.uid, [])
    return Feed(items, warnings.as_list(), refresh_seconds(calendar), unchanged)


def _rank(component, order: int, reader: Reader) -> tuple:
    """Which of two VEVENTs with one UID a calendar app keeps: the higher SEQUENCE, the later stamp, the later one."""
    return int(component.get("SEQUENCE", 0) or 0), _stamp(component, reader), order


def _stamp(component, reader: Reader) -> datetime:
    for name in ("LAST-MODIFIED", "DTSTAMP"):
        value = reader.moment(component, name)
        if isinstance(value, datetime):
            return value.astimezone(UTC)
    return datetime.min.replace(tzinfo=UTC)


def _key(moment) -> str:
    return exdate_to_wire(local(moment) if isinstance(moment, datetime) else moment) if moment is not None else ""


def _times(component, reader: Reader) -> tuple | None:
    start = reader.moment(component, "DTSTART")
    if start is None:
        return None
    end = reader.moment(component, "DTEND")
    if end is None and component.get("DURATION") is not None:
        try:
            end = start + component.get("DURATION").dt
        except (TypeError, AttributeError):
            end = None
    if not isinstance(start, datetime):  # all day
        end_day = end.date() if isinstance(end, datetime) else end
        if end_day is None or end_day <= start:  # DTEND = DTSTART (or none): one day
            end_day = start + timedelta(days=1)
        return local_midnight(start), local_midnight(end_day), True
    if not isinstance(end, datetime) or end < start:
        end = start
    return start.astimezone(UTC), end.astimezone(UTC), False


def _rule(component, start: datetime, all_day: bool, reader: Reader) -> str | None:
    rules = component.get("RRULE")
    if rules is None:
        return None
    if isinstance(rules, list):
        reader.warnings.add(f"{_uid(component)!r} has more than one RRULE; only the first is used.")
        rules = rules[0]
    parts = dict(rules)
    until = parts.get("UNTIL")
    if until and not all_day:
        value = until[0]
        if not isinstance(value, datetime):  # Google: a date next to a DATE-TIME start means that whole day
            value = datetime.combine(value, time(23, 59, 59), tzinfo=WARSAW)
        value = reader.aware(value, None) if value.tzinfo is None else value
        parts["UNTIL"] = [value.astimezone(UTC)]
    elif until and isinstance(until[0], datetime):
        parts["UNTIL"] = [until[0].date()]
    rule = icalendar.vRecur(parts).to_ical().decode()
    try:
        check_rule(rule, start)
    except RuleError as exc:
        reader.warnings.add(f"The repeat rule of {_uid(component)!r} ({rule[:100]}) is refused: {exc} "
                            f"The event is skipped.")
        raise
    if component.get("RDATE") is not None:
        reader.warnings.add(f"{_uid(component)!r}: extra dates (RDATE) are not imported.")
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
    times = _times(component, reader)
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
    times = _times(component, reader)
    if rid is None or times is None or not isinstance(rid, datetime) or times[2] or item.values["all_day"]:
        reader.warnings.add(f"A changed date of {item.uid!r} could not be read or is all-day; it is left out.")
        return
    starts_at, ends_at, _all_day = times
    cancelled = str(component.get("STATUS") or "").upper() == "CANCELLED"
    location = _text(component, "LOCATION", LOCATION)[:LOCATION] or None
    item.overrides[_key(rid)] = {"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat(),
                                 "status": "cancelled" if cancelled else "scheduled", "location": location}
