"""iCalendar: the VEVENT of an event, and the calendar around VEVENTs. One renderer for every feed and e-mail.

A VEVENT is rendered once from a :class:`CalendarEvent`; the events service stores it, serves it in its feeds and
sends it in its messages, and the e-mails attach those bytes as they are. A calendar is a header (rendered once
per name), the VEVENTs joined, and the footer.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache

from icalendar import (
    Calendar,
    Event,
    FreeBusy,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vDuration,
    vGeo,
    vPeriod,
    vRecur,
)

from services.calendar.rules import ical_until
from services.calendar.times import TZID, WARSAW

#: TENTATIVE: a room's pre-booking waiting for approval.
STATUSES = ("CONFIRMED", "TENTATIVE", "CANCELLED")
REFRESH = timedelta(hours=1)
FOOTER = "END:VCALENDAR\r\n"
#: Characters RFC 5545 TEXT cannot carry (all controls but tab and newline); calendar apps reject them.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class CalendarEvent:
    """One event as calendar apps see it.

    ``start``/``end`` are aware datetimes, or dates for an all-day event (``end`` exclusive, as DTEND;VALUE=DATE).
    ``exdates`` are of the same kind as ``start``. ``rrule`` is the RRULE value without its ``RRULE:`` prefix.
    """

    uid: str
    sequence: int
    created: datetime
    last_modified: datetime
    title: str
    description: str
    url: str
    start: datetime | date
    end: datetime | date
    organiser_name: str
    organiser_email: str | None = None
    organiser_url: str | None = None
    status: str = "CONFIRMED"
    rrule: str | None = None
    exdates: tuple[datetime | date, ...] = ()
    location: str | None = None
    geo: tuple[float, float] | None = None
    categories: tuple[str, ...] = field(default=())
    #: For one date of a series changed on its own: the start the rule gave it (RECURRENCE-ID); no rule then.
    recurrence_id: datetime | date | None = None

    def __post_init__(self):
        _check_status(self.status)
        if self.all_day:
            if any(isinstance(value, datetime) for value in (self.end, *self.exdates)):
                raise ValueError("an all-day event has dates only, in end and exdates too")
        elif not all(_aware(value) for value in (self.start, self.end, *self.exdates)):
            raise ValueError("start, end and exdates must be timezone-aware datetimes (or all dates)")
        if not self.end > self.start:
            raise ValueError("end must be after start")
        if not (_aware(self.created) and _aware(self.last_modified)):
            raise ValueError("created and last_modified must be timezone-aware")
        if self.recurrence_id is not None and (self.rrule or self.exdates):
            raise ValueError("one changed date of a series (recurrence_id) has no rule or excluded dates of its own")

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)


def _check_status(status: str) -> None:
    if status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}, not {status!r}")


def _aware(value) -> bool:
    return isinstance(value, datetime) and value.utcoffset() is not None


def clean_text(text: str) -> str:
    """``text`` with every line break as ``\\n`` and without the control characters iCalendar forbids."""
    return _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def description_with_url(description: str, url: str) -> str:
    """The description, ending with the event's URL: many calendar apps show no URL property."""
    text = clean_text(description).rstrip()
    return f"{text}\n\n{url}" if text else url


def place_words(centre_name: str | None, place: str | None) -> str | None:
    """Where an event is, in the words of its LOCATION: its centre's name before its place (the address, or a room
    and the address), unless the place already begins with it; the centre's name alone when there is no place. The
    e-mails of a partner meeting say the same."""
    if not centre_name:
        return place
    if not place:
        return centre_name
    return place if place.startswith(centre_name) else f"{centre_name}, {place}"


def render_vevent(event: CalendarEvent) -> str:
    """The event's VEVENT: CRLF lines folded at 75 octets, local times with TZID=Europe/Warsaw."""
    return component_bytes(vevent_component(event)).decode()


#: A folded line's pieces hold at most this many octets (the continuation's leading space makes 75).
_PIECE = 74
_ESCAPES = (ord("\\"), ord("^"))


def fold_line(line: str) -> bytes:
    """One content line folded as RFC 5545 §3.1 asks and byte for byte as icalendar folds it: pieces of at most 74
    octets joined by CRLF and a space, cut only between characters (never inside a UTF-8 sequence) and never right
    after a backslash or a caret, so an escape stays whole (icalendar issue #1501).

    It counts octets on the encoded line and cuts by slicing, instead of icalendar's encoding of one character at a
    time, which took about a third of rendering a VEVENT (checked in tests/calendar/test_ical_fold.py)."""
    data = line.encode()
    size = len(data)
    if size <= _PIECE:
        return data
    pieces, start = [], 0
    while size - start > _PIECE:
        end = start + _PIECE
        while data[end] & 0xC0 == 0x80:  # inside a character: cut before it
            end -= 1
        if data[end - 1] in _ESCAPES and end - 1 > start:
            end -= 1
        pieces.append(data[start:end])
        start = end
    pieces.append(data[start:])
    return b"\r\n ".join(pieces)


def folded(lines) -> bytes:
    """Content lines as iCalendar writes them: each folded by :func:`fold_line` and ended by CRLF."""
    return b"".join(fold_line(line) + b"\r\n" for line in lines if line)


def component_bytes(component) -> bytes:
    """What ``component.to_ical()`` gives (properties sorted as icalendar sorts them), folded by :func:`fold_line`."""
    return folded(component.content_lines())


def vevent_component(event: CalendarEvent) -> Event:
    """The event as an icalendar component (what :func:`render_vevent` serialises)."""
    vevent = _timed(Event, event.uid, event.last_modified, _local(event.start), _local(event.end))
    vevent.add("created", _utc(event.created))
    vevent.add("last-modified", _utc(event.last_modified))
    vevent.add("sequence", event.sequence)
    if event.recurrence_id is not None:
        vevent.add("recurrence-id", _local(event.recurrence_id))
    if event.rrule:
        rule = vRecur.from_ical(ical_until(event.rrule, event.start))
        if "FREQ" not in rule:
            raise ValueError(f"an RRULE needs FREQ: {event.rrule!r}")
        vevent.add("rrule", rule)
    if event.exdates:
        vevent.add("exdate", [_local(value) for value in event.exdates])
    vevent.add("summary", clean_text(event.title))
    vevent.add("description", description_with_url(event.description, event.url))
    if event.location:
        vevent.add("location", clean_text(event.location))
    if event.geo is not None:
        vevent.add("geo", vGeo(event.geo))
    vevent.add("url", event.url)
    if event.categories:
        vevent.add("categories", [clean_text(category) for category in event.categories])
    vevent.add("organizer", _organizer(event))
    vevent.add("status", event.status)
    return vevent


def _organizer(event: CalendarEvent) -> vCalAddress:
    if event.organiser_email:
        address = vCalAddress(f"mailto:{event.organiser_email}")
    else:
        address = vCalAddress(event.organiser_url or event.url)
    address.params["CN"] = clean_text(event.organiser_name)
    return address


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)


def _local(value: datetime | date) -> datetime | date:
    if isinstance(value, datetime):
        return value.astimezone(WARSAW).replace(microsecond=0)
    return value


def _timed(kind, uid: str, stamp: datetime, start, end):
    """A new VEVENT or VFREEBUSY (``kind``) with what both carry: UID, DTSTAMP (in UTC), DTSTART and DTEND (as given).
    The order properties are added in does not matter: icalendar writes them in its own order."""
    component = kind()
    component.add("uid", uid)
    component.add("dtstamp", _utc(stamp))
    component.add("dtstart", start)
    component.add("dtend", end)
    return component


def _calendar(prodid: str, method: str, name: str) -> Calendar:
    """A new VCALENDAR with what a feed and a free/busy answer both say: VERSION, PRODID, METHOD and the calendar's
    name (NAME, and X-WR-CALNAME for the apps that read only that)."""
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", prodid)
    calendar.add("method", method)
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    return calendar


@cache
def warsaw_vtimezone() -> str:
    """Europe/Warsaw as a VTIMEZONE with the EU rules (since 1996), so it holds for every future year.

    A rule-based definition, as Google, Outlook and Thunderbird publish it, instead of one line per transition:
    recurring events may run without end. ``tests/calendar/test_ical_timezone.py`` checks it against tzdata.
    """
    timezone = Timezone()
    timezone.add("tzid", TZID)
    # From the last Sunday of March at 02:00 CET, and of October at 03:00 CEST.
    timezone.add_component(_observance(TimezoneDaylight(), datetime(1996, 3, 31, 2, 0), 3, "CEST", 1, 2))
    timezone.add_component(_observance(TimezoneStandard(), datetime(1996, 10, 27, 3, 0), 10, "CET", 2, 1))
    return timezone.to_ical().decode()


def _observance(component, start: datetime, month: int, name: str, hours_from: int, hours_to: int):
    """One of the zone's two yearly changes: on the last Sunday of ``month``, from UTC+``hours_from`` to
    UTC+``hours_to``, called ``name``."""
    component.add("dtstart", start)
    component.add("rrule", vRecur.from_ical(f"FREQ=YEARLY;BYMONTH={month};BYDAY=-1SU"))
    component.add("tzname", name)
    component.add("tzoffsetfrom", timedelta(hours=hours_from))
    component.add("tzoffsetto", timedelta(hours=hours_to))
    return component


@dataclass(frozen=True)
class CalendarMeta:
    """What a calendar says about itself: its name and description, as calendar apps show them, the PRODID of the
    installation, and METHOD (PUBLISH for feeds and e-mailed events alike)."""

    name: str = "OSL"
    description: str = ""
    prodid: str = "-//OSL//calendar//PL"
    method: str = "PUBLISH"
    #: How often a subscribed calendar app should fetch the feed again; None for a one-off (an e-mail's .ics).
    refresh: timedelta | None = REFRESH


def prodid(public_name: str, part: str) -> str:
    """The PRODID of one part of the installation, e.g. ``-//OSL Częstochowa//events//PL``."""
    return f"-//{public_name}//{part}//PL"


@lru_cache(maxsize=1024)
def calendar_header(meta: CalendarMeta) -> str:
    """Everything of the calendar before its VEVENTs, with the VTIMEZONE they refer to."""
    calendar = _calendar(meta.prodid, meta.method, meta.name)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("description", meta.description)
    calendar.add("x-wr-caldesc", meta.description)
    calendar.add("x-wr-timezone", TZID)
    if meta.refresh is not None:
        calendar.add("refresh-interval", vDuration(meta.refresh), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(meta.refresh))
    text = calendar.to_ical().decode()
    assert text.endswith(FOOTER)
    return text[: -len(FOOTER)] + warsaw_vtimezone()


def assemble_calendar(meta: CalendarMeta, components) -> bytes:
    """The calendar's bytes: the cached header, the given rendered VEVENTs as they are, and the footer."""
    return "".join((calendar_header(meta), *components, FOOTER)).encode()


@dataclass(frozen=True)
class BusyTimes:
    """One VFREEBUSY (RFC 5545 §3.6.4): who or what it is about, the window it covers, and its busy periods, each
    ``(start, end, tentative)`` (FBTYPE=BUSY-TENTATIVE when tentative, else BUSY)."""

    uid: str
    name: str
    url: str
    start: datetime
    end: datetime
    periods: tuple[tuple[datetime, datetime, bool], ...]
    stamp: datetime


def freebusy_component(busy: BusyTimes) -> FreeBusy:
    """The VFREEBUSY, times in UTC as the RFC asks; one FREEBUSY line per period, soonest first."""
    component = _timed(FreeBusy, busy.uid, busy.stamp, _utc(busy.start), _utc(busy.end))
    component.add("url", busy.url)
    component.add("comment", clean_text(busy.name))
    for start, end, tentative in sorted(busy.periods):
        component.add("freebusy", vPeriod((_utc(start), _utc(end))),
                      parameters={"FBTYPE": "BUSY-TENTATIVE" if tentative else "BUSY"})
    return component


def render_freebusy(meta: CalendarMeta, answers) -> bytes:
    """A calendar of VFREEBUSY answers (METHOD:PUBLISH), which Outlook and Thunderbird read as free/busy."""
    calendar = _calendar(meta.prodid, "PUBLISH", meta.name)
    for busy in answers:
        calendar.add_component(freebusy_component(busy))
    return calendar.to_ical()
