"""Random events always make a feed that all three parsers read, with the same texts and times."""

from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.calendar.ical import (
    CalendarEvent,
    CalendarMeta,
    assemble_calendar,
    clean_text,
    description_with_url,
    render_vevent,
)
from services.calendar.times import WARSAW as TIMEZONE
from tests.events.icaljs import icaljs
from tests.events.icaljs.checks import assert_valid_feed, parse_icalendar, parse_vobject

RULES = [None, "FREQ=DAILY;COUNT=5", "FREQ=WEEKLY;BYDAY=MO,WE", "FREQ=WEEKLY;INTERVAL=2;UNTIL=20301231T230000Z",
         "FREQ=MONTHLY;BYMONTHDAY=-1", "FREQ=YEARLY"]
instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2060, 1, 1), timezones=st.just(UTC))
texts = st.text(max_size=300)
names = st.text(min_size=1, max_size=80)
urls = st.builds(lambda path: "https://osl.example/" + path,
                 st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_/?=&;,.~%ąęł", max_size=120))


@st.composite
def calendar_events(draw) -> CalendarEvent:
    created = draw(instants)
    all_day = draw(st.booleans())
    if all_day:
        start = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 1, 1)))
        end = start + timedelta(days=draw(st.integers(1, 10)))
        exdates = tuple(start + timedelta(days=days) for days in draw(st.lists(st.integers(1, 30), max_size=3)))
    else:
        start = draw(instants).astimezone(TIMEZONE)
        end = start + timedelta(minutes=draw(st.integers(1, 5000)))
        exdates = tuple(start + timedelta(days=days) for days in draw(st.lists(st.integers(1, 30), max_size=3)))
    return CalendarEvent(
        uid=f"{draw(st.uuids())}@osl.localhost",
        sequence=draw(st.integers(0, 10_000)),
        created=created,
        last_modified=created + timedelta(seconds=draw(st.integers(0, 10**8))),
        title=draw(names),
        description=draw(texts),
        url=draw(urls),
        start=start,
        end=end,
        organiser_name=draw(names),
        organiser_email=draw(st.none() | st.emails()),
        organiser_url=draw(st.none() | urls),
        status=draw(st.sampled_from(["CONFIRMED", "CANCELLED"])),
        rrule=draw(st.sampled_from(RULES)),
        exdates=exdates,
        location=draw(st.none() | texts),
        geo=draw(st.none() | st.tuples(st.floats(-90, 90), st.floats(-180, 180))),
        categories=tuple(draw(st.lists(names, max_size=4))),
    )


def wall_clock(value) -> str:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0).isoformat()
    return value.isoformat()


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=st.lists(calendar_events(), min_size=1, max_size=3, unique_by=lambda event: event.uid))
def test_random_events_make_a_valid_feed_that_reads_back(events):
    ics = assemble_calendar(CalendarMeta(), [render_vevent(event) for event in events])
    reads = assert_valid_feed(ics, icaljs())["events"]
    vevents = parse_vobject(ics).vevent_list
    parsed = parse_icalendar(ics).walk("VEVENT")
    for event, read, vevent, component in zip(events, reads, vevents, parsed, strict=True):
        description = description_with_url(event.description, event.url)
        assert read["summary"] == vevent.summary.value == str(component["SUMMARY"]) == clean_text(event.title)
        assert read["description"] == vevent.description.value == str(component["DESCRIPTION"]) == description
        assert (read["location"] or None) == (clean_text(event.location) or None if event.location else None)
        assert read["status"] == event.status and read["sequence"] == event.sequence
        assert read["start"]["local"] == wall_clock(event.start)
        assert read["end"]["local"] == wall_clock(event.end)
        if isinstance(event.start, datetime) and _unambiguous(event.start):
            assert read["start"]["unix"] == int(event.start.timestamp())


def _unambiguous(moment: datetime) -> bool:
    """False for a local time in the hour that happens twice when summer time ends: a TZID cannot tell which."""
    local = moment.astimezone(TIMEZONE).replace(tzinfo=None)
    return local.replace(tzinfo=TIMEZONE, fold=0).utcoffset() == local.replace(tzinfo=TIMEZONE, fold=1).utcoffset()
