"""What real feeds get wrong, each read explicitly, with a warning on the source where the reading is a guess (never a
silent floating time). The mapping of a VEVENT onto an event's fields (parse.py) reads every time through here.

- the body's charset: the one the server names, else UTF-8, else detected (a Latin-2 body with no charset);
- time zones: Windows names ("Central European Standard Time") and "Customized Time Zone" with its VTIMEZONE are
  resolved by icalendar; a zone it cannot resolve (``Foo/Bar``, "Customized Time Zone" without a VTIMEZONE,
  Outlook's ``tzone://Microsoft/Custom``, which breaks the property) and floating times are read in the feed's
  X-WR-TIMEZONE, else Europe/Warsaw; UTC times (Google, Gancio) are moments, shown in Warsaw time;
- an RRULE's ``UNTIL`` given as a date next to a DATE-TIME start (Google) is that whole day, in UTC;
- an all-day event whose DTEND equals its DTSTART lasts one day; no DTEND means the start's length (RFC 5545);
- two VEVENTs with the same UID and no RECURRENCE-ID: the one a calendar app keeps (highest SEQUENCE, then the
  latest LAST-MODIFIED or DTSTAMP, then the later in the file);
- a UID too long for the column is kept by its hash.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from charset_normalizer import from_bytes

from services.calendar.rules import until_moment
from services.calendar.times import TZID, local_midnight

#: At most this many warnings are kept on a source; the rest are counted.
MAX_WARNINGS = 50
#: A UID longer than this is kept by its hash (the column holds 1000 characters, with room for a RECURRENCE-ID).
LONGEST_UID = 900
_MOMENT = re.compile(rb"(\d{8}(?:T\d{6}Z?)?)\s*$")


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


def _zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(str(name).strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None


def uid_of(component) -> str:
    uid = str(component.get("UID") or "").strip()
    return uid if len(uid) <= LONGEST_UID else "sha256:" + hashlib.sha256(uid.encode()).hexdigest()


@dataclass
class Reader:
    """Reads the times of one feed, with its fallback zone for floating times and unknown zones."""

    fallback: ZoneInfo
    fallback_name: str
    warnings: Warnings

    @classmethod
    def of(cls, calendar, warnings: Warnings) -> "Reader":
        """The feed's reader: its X-WR-TIMEZONE as the fallback zone when it names a known one, else Europe/Warsaw."""
        wr = str(calendar.get("X-WR-TIMEZONE") or "").strip()
        fallback = _zone(wr)
        if wr and fallback is None:
            warnings.add(f"X-WR-TIMEZONE {wr!r} is not a known zone; Europe/Warsaw is used.")
        return cls(fallback or ZoneInfo(TZID), wr if fallback else TZID, warnings)

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
                self.warnings.add(f"{name} could not be read in {uid_of(component)!r}; the event is skipped.")
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

    def times(self, component) -> tuple | None:
        """``(start, end, all_day)``: UTC datetimes, or Warsaw midnights for an all-day event; None without a
        readable DTSTART. An all-day DTEND on or before DTSTART (or none) is one day; a timed one, the start."""
        start = self.moment(component, "DTSTART")
        if start is None:
            return None
        end = self.moment(component, "DTEND")
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

    def until(self, parts: dict, all_day: bool) -> dict:
        """The RRULE's parts with its UNTIL as the event's start has it: in UTC for a timed event (a date there, as
        Google writes, is that whole day), a date for an all-day one."""
        until = parts.get("UNTIL")
        if until and not all_day:
            value = until[0]
            if not isinstance(value, datetime):  # Google: a date next to a DATE-TIME start means that whole day
                value = until_moment(value)
            value = self.aware(value, None) if value.tzinfo is None else value
            return {**parts, "UNTIL": [value.astimezone(UTC)]}
        if until and isinstance(until[0], datetime):
            return {**parts, "UNTIL": [until[0].date()]}
        return parts

    def rank(self, component, order: int) -> tuple:
        """Which of two VEVENTs with one UID a calendar app keeps: the higher SEQUENCE, the later stamp, the later
        one in the file."""
        return int(component.get("SEQUENCE", 0) or 0), self._stamp(component), order

    def _stamp(self, component) -> datetime:
        for name in ("LAST-MODIFIED", "DTSTAMP"):
            value = self.moment(component, name)
            if isinstance(value, datetime):
                return value.astimezone(UTC)
        return datetime.min.replace(tzinfo=UTC)
