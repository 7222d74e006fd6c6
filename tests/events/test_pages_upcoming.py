"""The next occurrence the pages show: a single event until it ends, a series at its next date, skipping exdates."""

from datetime import UTC, datetime

from services.calendar.times import WARSAW, aware
from services.events.models import Event
from services.events.pages.upcoming import next_occurrence, period, since


def event(starts: str, ends: str, **extra) -> Event:
    return Event(starts_at=aware(datetime.fromisoformat(starts)), ends_at=aware(datetime.fromisoformat(ends)),
                 **{"exdates": [], **extra})


def test_a_single_event_shows_until_it_ends():
    single = event("2026-03-14T10:00:00", "2026-03-14T12:00:00")
    assert next_occurrence(single, datetime(2026, 3, 14, 10, 30, tzinfo=WARSAW)).starts_at == single.starts_at
    assert next_occurrence(single, datetime(2026, 3, 14, 12, 0, tzinfo=WARSAW)) is None


def test_a_weekly_series_shows_its_next_date_and_skips_exdates():
    # Tuesdays 17:00-19:00 from 3 March 2026; 17 March is skipped (a date-time exdate), 24 March too (a date).
    series = event("2026-03-03T17:00:00", "2026-03-03T19:00:00", rrule="FREQ=WEEKLY;BYDAY=TU",
                   exdates=["2026-03-17T17:00:00", "2026-03-24"])
    assert next_occurrence(series, datetime(2026, 3, 5, tzinfo=WARSAW)).starts_at.day == 10
    after_exdates = next_occurrence(series, datetime(2026, 3, 12, tzinfo=WARSAW))
    assert after_exdates.starts_at == datetime(2026, 3, 31, 17, tzinfo=WARSAW)  # summer time, still 17:00 local
    assert after_exdates.ends_at - after_exdates.starts_at == series.ends_at - series.starts_at
    assert after_exdates.repeats


def test_a_series_whose_first_date_is_skipped_shows_its_second():
    """The first date skipped (an exdate, or an override that cancels it): every page showed it as the next date."""
    for exdates in (["2026-03-03T17:00:00"], ["2026-03-03"]):
        series = event("2026-03-03T17:00:00", "2026-03-03T19:00:00", rrule="FREQ=WEEKLY;BYDAY=TU", exdates=exdates)
        assert next_occurrence(series, datetime(2026, 3, 1, tzinfo=WARSAW)).starts_at.day == 10


def test_a_finished_series_is_gone():
    series = event("2026-03-03T17:00:00", "2026-03-03T19:00:00", rrule="FREQ=WEEKLY;COUNT=2")
    assert next_occurrence(series, datetime(2026, 3, 11, tzinfo=WARSAW)) is None


def test_since_never_goes_back_before_now():
    now = datetime(2026, 3, 14, 11, tzinfo=UTC)
    assert since(None, now) == now
    assert since(datetime(2026, 3, 1).date(), now) == now
    assert since(datetime(2026, 3, 20).date(), now) == datetime(2026, 3, 20, tzinfo=WARSAW)


def test_this_week_runs_to_the_end_of_sunday_and_this_weekend_is_saturday_and_sunday():
    wednesday = datetime(2027, 3, 10, 12, tzinfo=WARSAW)
    monday = datetime(2027, 3, 15, tzinfo=WARSAW)
    assert period("week", wednesday) == (wednesday, monday)
    assert period("weekend", wednesday) == (datetime(2027, 3, 13, tzinfo=WARSAW), monday)
    sunday = datetime(2027, 3, 14, 10, tzinfo=WARSAW)
    assert period("weekend", sunday) == (sunday, monday)
    # Across the clock change (28 March 2027): Monday midnight is still local midnight.
    assert period("week", datetime(2027, 3, 24, tzinfo=WARSAW))[1] == datetime(2027, 3, 29, tzinfo=WARSAW)

