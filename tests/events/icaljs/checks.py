"""Checks every feed must pass: line format, and parsing in ical.js, vobject (validate=True) and icalendar."""

import icalendar
import vobject

from tests.events.icaljs import IcalJs


def assert_line_format(ics: bytes) -> None:
    """Every line ends in CRLF and is at most 75 octets without it, and the bytes are UTF-8."""
    ics.decode("utf-8")
    assert ics.endswith(b"\r\n")
    lines = ics.split(b"\r\n")[:-1]
    for number, line in enumerate(lines, 1):
        assert b"\r" not in line and b"\n" not in line, f"line {number} has a bare CR or LF: {line!r}"
        assert len(line) <= 75, f"line {number} has {len(line)} octets: {line!r}"


def parse_icalendar(ics: bytes) -> icalendar.Calendar:
    calendar = icalendar.Calendar.from_ical(ics)
    for component in calendar.walk():
        assert not component.errors, f"icalendar found errors in {component.name}: {component.errors}"
    return calendar


def parse_vobject(ics: bytes):
    calendars = list(vobject.readComponents(ics.decode(), validate=True))
    assert len(calendars) == 1
    return calendars[0]


def assert_valid_feed(ics: bytes, reader: IcalJs) -> dict:
    """Fails unless ``ics`` is a well-formed feed for all three parsers; returns what ical.js read."""
    assert_line_format(ics)
    calendar = parse_icalendar(ics)
    parsed = parse_vobject(ics)
    answer = reader.read(ics)
    uids = [str(event["UID"]) for event in calendar.walk("VEVENT")]
    assert [event["uid"] for event in answer["events"]] == uids
    assert [str(event.uid.value) for event in getattr(parsed, "vevent_list", [])] == uids
    return answer
