"""Render one event as a VEVENT, with icalendar: done once when the event changes, and the result stored."""

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from icalendar import Event, vCalAddress, vGeo, vRecur

from services.events.ical.event import CalendarEvent

TIMEZONE = ZoneInfo("Europe/Warsaw")
#: Characters RFC 5545 TEXT cannot carry (all controls but tab and newline); calendar apps reject them.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_text(text: str) -> str:
    """``text`` with every line break as ``\\n`` and without the control characters iCalendar forbids."""
    return _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def description_with_url(description: str, url: str) -> str:
    """The description, ending with the event's URL: many calendar apps show no URL property."""
    text = clean_text(description).rstrip()
    return f"{text}\n\n{url}" if text else url


def render_vevent(event: CalendarEvent) -> str:
    """The event's VEVENT: CRLF lines folded at 75 octets, local times with TZID=Europe/Warsaw."""
    return vevent_component(event).to_ical().decode()


def vevent_component(event: CalendarEvent) -> Event:
    """The event as an icalendar component (what :func:`render_vevent` serialises)."""
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", _utc(event.last_modified))
    vevent.add("created", _utc(event.created))
    vevent.add("last-modified", _utc(event.last_modified))
    vevent.add("sequence", event.sequence)
    vevent.add("dtstart", _local(event.start))
    vevent.add("dtend", _local(event.end))
    if event.rrule:
        rule = vRecur.from_ical(event.rrule)
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
        return value.astimezone(TIMEZONE).replace(microsecond=0)
    return value
