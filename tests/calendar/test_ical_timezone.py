"""The feed's Europe/Warsaw VTIMEZONE agrees with tzdata, in icalendar and in ical.js."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

from services.calendar.ical import CalendarMeta, assemble_calendar, render_vevent, warsaw_vtimezone
from services.calendar.times import WARSAW as TIMEZONE
from tests.events.icaljs import icaljs
from tests.events.icaljs.samples import sample_event

WARSAW = ZoneInfo("Europe/Warsaw")


def test_vtimezone_offsets_match_tzdata_hourly_around_every_change_from_1997_to_2099():
    [vtimezone] = icalendar.Calendar.from_ical(f"BEGIN:VCALENDAR\r\n{warsaw_vtimezone()}END:VCALENDAR\r\n").walk(
        "VTIMEZONE")
    ours = vtimezone.to_tz()
    checked = 0
    for year in range(1997, 2100):
        for month in (3, 10):
            moment = datetime(year, month, 24, tzinfo=UTC)
            while moment < datetime(year, month + 1, 1, 6, tzinfo=UTC):
                assert moment.astimezone(ours).utcoffset() == moment.astimezone(WARSAW).utcoffset(), moment
                moment += timedelta(hours=1)
                checked += 1
        midsummer, midwinter = datetime(year, 7, 1, tzinfo=UTC), datetime(year, 1, 1, tzinfo=UTC)
        assert midsummer.astimezone(ours).utcoffset() == timedelta(hours=2)
        assert midwinter.astimezone(ours).utcoffset() == timedelta(hours=1)
    assert checked > 40_000


def test_icaljs_places_times_just_after_each_change_like_tzdata_until_2099():
    """Local 03:30 on the last Sunday of March and 03:30 of October, every year, through ical.js."""
    events = [sample_event(start=datetime(2026, month, day, 3, 30, tzinfo=TIMEZONE),
                           end=datetime(2026, month, day, 4, 30, tzinfo=TIMEZONE),
                           rrule=f"FREQ=YEARLY;BYMONTH={month};BYDAY=-1SU")
              for month, day in ((3, 29), (10, 25))]
    answer = icaljs().read(assemble_calendar(CalendarMeta(), [render_vevent(event) for event in events]),
                           until="2100-01-01")
    for read in answer["events"]:
        assert len(read["occurrences"]) == 2099 - 2026 + 1
        for occurrence in read["occurrences"]:
            expected = datetime.fromisoformat(occurrence["local"]).replace(tzinfo=WARSAW)
            assert occurrence["unix"] == int(expected.timestamp()), occurrence
