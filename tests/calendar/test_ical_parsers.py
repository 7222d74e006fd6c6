"""Feeds read back right in three parsers: Mozilla ical.js (through node), vobject and icalendar."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events

from services.calendar.ical import CalendarMeta, assemble_calendar, render_vevent
from services.calendar.recurrence import Series, occurrences
from services.calendar.times import WARSAW as TIMEZONE
from tests.events.icaljs import icaljs
from tests.events.icaljs.checks import assert_valid_feed, parse_icalendar, parse_vobject
from tests.events.icaljs.samples import sample_event

WARSAW = ZoneInfo("Europe/Warsaw")


@pytest.fixture
def reader():
    return icaljs()


def feed(*events) -> bytes:
    return assemble_calendar(CalendarMeta("OSL Częstochowa: wydarzenia"), [render_vevent(event) for event in events])


def local_from_unix(seconds: int) -> datetime:
    """The Warsaw wall-clock time of an instant, by tzdata, independent of the VTIMEZONE in the feed."""
    return datetime.fromtimestamp(seconds, UTC).astimezone(WARSAW).replace(tzinfo=None)


def test_header_reads_back_in_icaljs(reader):
    calendar = assert_valid_feed(feed(sample_event()), reader)["calendar"]
    assert calendar["version"] == "2.0" and calendar["method"] == "PUBLISH"
    assert calendar["name"] == calendar["x-wr-calname"] == "OSL Częstochowa: wydarzenia"
    assert calendar["timezones"] == ["Europe/Warsaw"]


@pytest.mark.parametrize("month", [1, 7], ids=["winter", "summer"])
def test_ten_oclock_reads_as_ten_oclock_in_warsaw(reader, month):
    event = sample_event(start=datetime(2026, month, 15, 10, tzinfo=TIMEZONE),
                         end=datetime(2026, month, 15, 11, 30, tzinfo=TIMEZONE))
    [read] = assert_valid_feed(feed(event), reader)["events"]
    assert read["start"]["local"] == f"2026-{month:02}-15T10:00:00"
    assert read["start"]["tzid"] == "Europe/Warsaw"
    # ical.js turned the local time into an instant with the feed's VTIMEZONE: tzdata must agree on it.
    assert local_from_unix(read["start"]["unix"]) == datetime(2026, month, 15, 10)
    assert local_from_unix(read["end"]["unix"]) == datetime(2026, month, 15, 11, 30)


def test_weekly_event_stays_at_six_pm_across_both_dst_changes(reader):
    event = sample_event(start=datetime(2026, 2, 3, 18, tzinfo=TIMEZONE), end=datetime(2026, 2, 3, 20, tzinfo=TIMEZONE),
                         rrule="FREQ=WEEKLY;BYDAY=TU;UNTIL=20261201T000000Z",
                         exdates=(datetime(2026, 4, 7, 18, tzinfo=TIMEZONE),))
    ics = feed(event)
    [read] = assert_valid_feed(ics, reader)["events"]
    starts = [local_from_unix(occurrence["unix"]) for occurrence in read["occurrences"]]
    assert len(starts) == 43 - 1  # every Tuesday from 3 February to 24 November, but the excluded 7 April
    assert date(2026, 4, 7) not in {start.date() for start in starts}
    assert {(start.hour, start.minute) for start in starts} == {(18, 0)}
    assert {occurrence["local"][11:] for occurrence in read["occurrences"]} == {"18:00:00"}
    utc_hours = {datetime.fromtimestamp(occurrence["unix"], UTC).hour for occurrence in read["occurrences"]}
    assert utc_hours == {16, 17}  # so the series did cross the changes to and from summer time

    occurrences = recurring_ical_events.of(parse_icalendar(ics)).between(date(2026, 1, 1), date(2027, 1, 1))
    assert len(occurrences) == 42
    for occurrence in occurrences:
        start = occurrence["DTSTART"].dt
        assert start.astimezone(WARSAW).time().isoformat() == "18:00:00", start


def test_unbounded_rule_is_read(reader):
    event = sample_event(start=datetime(2026, 1, 3, 10, tzinfo=TIMEZONE), end=datetime(2026, 1, 3, 12, tzinfo=TIMEZONE),
                         rrule="FREQ=MONTHLY;BYDAY=1SA")
    [read] = reader.read(feed(event), until="2030-01-01")["events"]
    assert read["recurring"] and len(read["occurrences"]) == 48
    assert all(occurrence["local"].endswith("T10:00:00") for occurrence in read["occurrences"])


@pytest.mark.parametrize("start, end", [(date(2026, 5, 3), date(2026, 5, 4)), (date(2026, 12, 31), date(2027, 1, 3))],
                         ids=["one day", "over new year"])
def test_all_day_event_stays_on_its_dates(reader, start, end):
    ics = feed(sample_event(start=start, end=end))
    [read] = assert_valid_feed(ics, reader)["events"]
    assert read["start"] == {"local": start.isoformat(), "tzid": "floating", "is_date": True, "unix": None}
    assert read["end"]["local"] == end.isoformat() and read["end"]["is_date"]
    [vevent] = parse_vobject(ics).vevent_list
    assert vevent.dtstart.value == start and vevent.dtend.value == end
    [occurrence] = recurring_ical_events.of(parse_icalendar(ics)).between(date(2026, 1, 1), date(2028, 1, 1))
    assert occurrence["DTSTART"].dt == start


TRICKY = "Zażółć gęślą jaźń, ŻÓŁW; \"cytat\" \\ ukośnik: koniec"
LONG = "\n".join(f"Akapit {number}: {TRICKY} " + "ąę" * 80 for number in range(20))


def test_text_round_trips_exactly_in_every_parser(reader):
    event = sample_event(title=TRICKY, description=LONG, location="Sala 2; piętro 1, ul. Łódzka 5\nCzęstochowa",
                         organiser_name="Stowarzyszenie „Razem”; Częstochowa, Śląsk",
                         url="https://example.org/wydarzenia/ąę?x=1;y=2,3")
    ics = feed(event)
    description = f"{LONG}\n\n{event.url}"
    [read] = assert_valid_feed(ics, reader)["events"]
    assert read["summary"] == TRICKY and read["description"] == description
    assert read["location"] == event.location and read["url"] == event.url
    assert read["organizer"]["cn"] == event.organiser_name
    [vevent] = parse_vobject(ics).vevent_list
    assert vevent.summary.value == TRICKY and vevent.description.value == description
    assert vevent.location.value == event.location
    [parsed] = parse_icalendar(ics).walk("VEVENT")
    assert str(parsed["SUMMARY"]) == TRICKY and str(parsed["DESCRIPTION"]) == description
    assert str(parsed["LOCATION"]) == event.location and parsed["ORGANIZER"].params["CN"] == event.organiser_name


def test_categories_and_geo_read_back(reader):
    event = sample_event(categories=("workshop", "youth", "families"), geo=(50.8118, 19.1203))
    [read] = assert_valid_feed(feed(event), reader)["events"]
    assert read["categories"] == ["workshop", "youth", "families"]
    assert read["geo"] == [50.8118, 19.1203]
    assert read["organizer"] == {"value": "mailto:kontakt@ostatnigrosz.example", "cn": "Fundacja Ostatni Grosz"}


def test_cancelled_event_has_the_same_uid_a_higher_sequence_and_status_cancelled(reader):
    event = sample_event(sequence=2)
    edited = sample_event(uid=event.uid, sequence=3, title="Nowy tytuł",
                          last_modified=datetime(2026, 1, 7, 8, tzinfo=UTC))
    cancelled = sample_event(uid=event.uid, sequence=4, title="Nowy tytuł", status="CANCELLED",
                             last_modified=datetime(2026, 1, 8, 8, tzinfo=UTC))
    reads = [assert_valid_feed(feed(version), reader)["events"][0] for version in (event, edited, cancelled)]
    assert {read["uid"] for read in reads} == {event.uid}
    assert [read["sequence"] for read in reads] == [2, 3, 4]
    assert [read["status"] for read in reads] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert reads[2]["summary"] == "Nowy tytuł"
    assert [read["dtstamp"] for read in reads] == ["2026-01-06T12:00:00Z", "2026-01-07T08:00:00Z",
                                                    "2026-01-08T08:00:00Z"]


def test_icaljs_reader_reports_a_broken_calendar(reader):
    answer = reader.read_raw("BEGIN:VCALENDAR\r\nnot a content line\r\nEND:VCALENDAR\r\n")
    assert not answer["ok"] and "invalid line" in answer["error"]


FIRST_TUESDAY = datetime(2026, 12, 1, 17, tzinfo=TIMEZONE)


@pytest.mark.parametrize("rule, rendered", [
    ("FREQ=WEEKLY;BYDAY=TU;UNTIL=20270330T170000", "UNTIL=20270330T150000Z"),  # Warsaw wall time, summer time
    ("FREQ=WEEKLY;BYDAY=TU;UNTIL=20270323T170000", "UNTIL=20270323T160000Z"),  # winter time
    ("FREQ=WEEKLY;BYDAY=TU;UNTIL=20270330", "UNTIL=20270330T215959Z"),  # a date: that whole Warsaw day
    ("FREQ=WEEKLY;BYDAY=TU;UNTIL=20270330T150000Z", "UNTIL=20270330T150000Z"),  # UTC already: as it is
], ids=["local summer", "local winter", "date", "utc"])
def test_until_next_to_a_warsaw_start_is_in_utc_and_every_reader_gives_our_dates(reader, rule, rendered):
    """RFC 5545 3.3.10: with DTSTART in a TZID, UNTIL must be in UTC. The Warsaw wall time is converted, and ical.js,
    recurring-ical-events (icalendar) and vobject (dateutil) give the very dates the calendar core gives."""
    event = sample_event(start=FIRST_TUESDAY, end=FIRST_TUESDAY + timedelta(hours=2), rrule=rule)
    ics = feed(event)
    [line] = [line for line in ics.decode().split("\r\n") if line.startswith("RRULE:FREQ=WEEKLY")]
    assert line == f"RRULE:FREQ=WEEKLY;UNTIL={rendered.removeprefix('UNTIL=')};BYDAY=TU", line
    ours = [o.starts_at.replace(tzinfo=None) for o in occurrences(
        Series(event.start, event.end, rule), event.start, datetime(2028, 1, 1, tzinfo=TIMEZONE))]
    assert ours[-1].date() in (date(2027, 3, 23), date(2027, 3, 30))  # the rule's end matters here
    [read] = assert_valid_feed(ics, reader)["events"]
    assert [local_from_unix(o["unix"]) for o in read["occurrences"]] == ours
    found = recurring_ical_events.of(parse_icalendar(ics)).between(date(2026, 1, 1), date(2028, 1, 1))
    assert [o["DTSTART"].dt.astimezone(WARSAW).replace(tzinfo=None) for o in found] == ours
    [vevent] = parse_vobject(ics).vevent_list
    assert [moment.astimezone(WARSAW).replace(tzinfo=None) for moment in vevent.getrruleset()] == ours


@pytest.mark.parametrize("until", ["20270330T235959", "20270330", "20270329T230000Z"])
def test_an_all_day_series_keeps_a_date_until(reader, until):
    """Next to an all-day DTSTART (a DATE), UNTIL is the date of the last day in Warsaw."""
    event = sample_event(start=date(2026, 12, 1), end=date(2026, 12, 2), rrule=f"FREQ=WEEKLY;UNTIL={until}")
    ics = feed(event)
    assert "RRULE:FREQ=WEEKLY;UNTIL=20270330\r\n" in ics.decode()
    [read] = assert_valid_feed(ics, reader)["events"]
    assert read["occurrences"][-1]["local"] == "2027-03-30"
    found = recurring_ical_events.of(parse_icalendar(ics)).between(date(2026, 1, 1), date(2028, 1, 1))
    assert found[-1]["DTSTART"].dt == date(2027, 3, 30) and len(found) == 18
