"""What a rendered VEVENT and a feed's header contain (services/events/ical)."""

from datetime import UTC, date, datetime

import icalendar
import pytest

from services.calendar.ical import CalendarEvent, CalendarMeta, assemble_calendar, calendar_header, render_vevent
from services.calendar.times import WARSAW as TIMEZONE
from services.events.ical import subscribe_links
from tests.events.icaljs.checks import assert_line_format, parse_icalendar
from tests.events.icaljs.samples import BASE, sample_event


def unfolded(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_vevent_carries_every_property_the_issue_names():
    event = sample_event(sequence=3, rrule="FREQ=WEEKLY;BYDAY=TH", url="https://example.org/warsztaty",
                         exdates=(datetime(2026, 1, 22, 10, tzinfo=TIMEZONE),))
    lines = unfolded(render_vevent(event))
    assert lines[0] == "BEGIN:VEVENT" and lines[-2] == "END:VEVENT" and lines[-1] == ""
    assert f"UID:{event.uid}" in lines
    assert "SEQUENCE:3" in lines
    assert "DTSTAMP:20260106T120000Z" in lines  # last_modified, not the time of rendering
    assert "CREATED:20260105T093000Z" in lines
    assert "LAST-MODIFIED:20260106T120000Z" in lines
    assert "DTSTART;TZID=Europe/Warsaw:20260115T100000" in lines
    assert "DTEND;TZID=Europe/Warsaw:20260115T120000" in lines
    assert "RRULE:FREQ=WEEKLY;BYDAY=TH" in lines
    assert "EXDATE;TZID=Europe/Warsaw:20260122T100000" in lines
    assert "SUMMARY:Warsztaty rękodzieła" in lines
    assert "DESCRIPTION:Zapraszamy na warsztaty.\\n\\nhttps://example.org/warsztaty" in lines
    assert "URL:https://example.org/warsztaty" in lines
    assert "LOCATION:LOS Północ\\, ul. Krakowska 1\\, Częstochowa" in lines
    assert "GEO:50.8118;19.1203" in lines
    assert "CATEGORIES:workshop,adults,seniors" in lines
    assert 'ORGANIZER;CN="Fundacja Ostatni Grosz":mailto:kontakt@ostatnigrosz.example' in lines
    assert "STATUS:CONFIRMED" in lines


def test_times_given_in_utc_are_written_in_warsaw_time():
    event = sample_event(start=datetime(2026, 7, 1, 8, 0, tzinfo=UTC), end=datetime(2026, 7, 1, 9, 30, tzinfo=UTC))
    lines = unfolded(render_vevent(event))
    assert "DTSTART;TZID=Europe/Warsaw:20260701T100000" in lines
    assert "DTEND;TZID=Europe/Warsaw:20260701T113000" in lines


def test_all_day_event_uses_dates():
    event = sample_event(start=date(2026, 5, 3), end=date(2026, 5, 4), exdates=(), rrule=None)
    lines = unfolded(render_vevent(event))
    assert "DTSTART;VALUE=DATE:20260503" in lines
    assert "DTEND;VALUE=DATE:20260504" in lines


def test_cancelled_event_keeps_its_uid_and_says_cancelled():
    event = sample_event(sequence=1)
    cancelled = sample_event(uid=event.uid, sequence=2, status="CANCELLED")
    lines = unfolded(render_vevent(cancelled))
    assert f"UID:{event.uid}" in lines and "STATUS:CANCELLED" in lines and "SEQUENCE:2" in lines
    assert not any(line.startswith("SUMMARY:") and "ancel" in line for line in lines)


def test_organiser_without_email_is_named_with_a_uri():
    event = sample_event(organiser_email=None, organiser_url="https://osl.localhost/organisations/grosz")
    assert 'ORGANIZER;CN="Fundacja Ostatni Grosz":https://osl.localhost/organisations/grosz' in unfolded(
        render_vevent(event))


def test_rendering_is_deterministic():
    event = sample_event()
    assert render_vevent(event) == render_vevent(event)


def test_control_characters_are_dropped_and_line_breaks_kept():
    event = sample_event(title="A\x00B\x1bC", description="one\r\ntwo\rthree\x07")
    vevent = parse_icalendar(assemble_calendar(CalendarMeta(), [render_vevent(event)])).walk("VEVENT")[0]
    assert str(vevent["SUMMARY"]) == "ABC"
    assert str(vevent["DESCRIPTION"]) == f"one\ntwo\nthree\n\n{event.url}"


def test_header_has_the_calendar_properties():
    meta = CalendarMeta("OSL Częstochowa: Raków", "Wydarzenia w dzielnicy Raków", "-//OSL Częstochowa//events//PL")
    header = unfolded(calendar_header(meta))
    for line in ("BEGIN:VCALENDAR", "VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
                 "NAME:OSL Częstochowa: Raków", "X-WR-CALNAME:OSL Częstochowa: Raków",
                 "PRODID:-//OSL Częstochowa//events//PL", "DESCRIPTION:Wydarzenia w dzielnicy Raków",
                 "X-WR-TIMEZONE:Europe/Warsaw", "REFRESH-INTERVAL;VALUE=DURATION:PT1H", "X-PUBLISHED-TTL:PT1H",
                 "BEGIN:VTIMEZONE", "TZID:Europe/Warsaw"):
        assert line in header, line
    assert any(line.startswith("X-WR-CALDESC:") for line in header)
    assert not any(line.startswith("UID:") for line in header)  # the same bytes in every process


def test_feed_joins_the_components_it_is_given():
    events = [sample_event(), sample_event(status="CANCELLED")]
    components = [render_vevent(event) for event in events]
    feed = assemble_calendar(CalendarMeta(name="LOS Północ"), components)
    assert_line_format(feed)
    text = feed.decode()
    assert text.startswith(calendar_header(CalendarMeta(name="LOS Północ")))
    assert text.endswith("".join(components) + "END:VCALENDAR\r\n")
    assert text.count("BEGIN:VTIMEZONE") == 1
    calendar = icalendar.Calendar.from_ical(feed)
    assert [str(event["UID"]) for event in calendar.walk("VEVENT")] == [event.uid for event in events]


def test_empty_feed_is_a_calendar():
    feed = assemble_calendar(CalendarMeta(), [])
    assert parse_icalendar(feed).walk("VEVENT") == []


def test_subscribe_links():
    links = subscribe_links("https://osl.example/feeds/all.ics?category=sport&audience=youth", "Sport: młodzież")
    assert links == {
        "https": "https://osl.example/feeds/all.ics?category=sport&audience=youth",
        "webcal": "webcal://osl.example/feeds/all.ics?category=sport&audience=youth",
        "google": "https://calendar.google.com/calendar/r?cid="
                  "webcal%3A%2F%2Fosl.example%2Ffeeds%2Fall.ics%3Fcategory%3Dsport%26audience%3Dyouth",
        "outlook": "https://outlook.live.com/calendar/0/addfromweb?"
                   "url=https%3A%2F%2Fosl.example%2Ffeeds%2Fall.ics%3Fcategory%3Dsport%26audience%3Dyouth"
                   "&name=Sport%3A%20m%C5%82odzie%C5%BC",
    }
    with pytest.raises(ValueError, match="https://"):
        subscribe_links("webcal://osl.example/feeds/all.ics")


@pytest.mark.parametrize("changes, message", [
    ({"status": "MAYBE"}, "status"),
    ({"end": BASE.start}, "end must be after start"),
    ({"start": datetime(2026, 1, 15, 10, 0)}, "timezone-aware"),
    ({"start": date(2026, 1, 15), "end": datetime(2026, 1, 16, tzinfo=UTC)}, "all-day"),
    ({"created": datetime(2026, 1, 1)}, "created"),
])
def test_calendar_event_refuses_what_it_cannot_render(changes, message):
    with pytest.raises(ValueError, match=message):
        sample_event(**changes)


def test_calendar_event_is_frozen():
    with pytest.raises(AttributeError):
        BASE.title = "x"  # type: ignore[misc]
    assert isinstance(BASE, CalendarEvent)


@pytest.mark.parametrize("rule", ["NOT A RULE", "FREQ=WEEKLY;BYDAY=XX", "BYDAY=MO"])
def test_a_rule_that_cannot_be_rendered_is_refused(rule):
    with pytest.raises(ValueError):
        render_vevent(sample_event(rrule=rule))
