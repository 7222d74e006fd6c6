"""The occurrences of a snapshot in a window: Warsaw wall-clock times across DST, exdates, limits and bad rules."""

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from services.calendar import recurrence
from services.notify.occurrences import MAX_PER_WINDOW, between
from tests.notify.events import event_snapshot

WARSAW = ZoneInfo("Europe/Warsaw")


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=WARSAW)


def tuesdays(**changes) -> dict:
    """A weekly club on Tuesdays 17:00-19:00, from 13 October 2026 (summer time) on."""
    return event_snapshot(**{"starts_at": "2026-10-13T17:00:00+02:00", "ends_at": "2026-10-13T19:00:00+02:00",
                             "rrule": "FREQ=WEEKLY;BYDAY=TU", **changes})


def starts(found) -> list[str]:
    return [occurrence.starts_at.isoformat() for occurrence in found]


@pytest.fixture(autouse=True)
def fresh_warnings():
    recurrence._warn.cache_clear()


def test_a_single_event_occurs_once_if_it_starts_in_the_window():
    event = event_snapshot()  # 5 December 2026, 15:00-18:00
    [occurrence] = between(event, at(2026, 12, 5), at(2026, 12, 6))
    assert occurrence.times() == {"starts_at": "2026-12-05T15:00:00+01:00", "ends_at": "2026-12-05T18:00:00+01:00"}
    assert occurrence.key == "2026-12-05T14:00:00+00:00"
    assert between(event, at(2026, 12, 5, 15, 1), at(2026, 12, 7)) == []  # started: not in the window
    assert between(event, at(2026, 12, 1), at(2026, 12, 5, 15)) == []  # the end of the window is left out


def test_a_weekly_series_keeps_its_wall_clock_time_across_the_change_of_the_clocks():
    found = between(tuesdays(), at(2026, 10, 14), at(2026, 11, 4))  # the clocks go back on 25 October
    assert starts(found) == ["2026-10-20T17:00:00+02:00", "2026-10-27T17:00:00+01:00", "2026-11-03T17:00:00+01:00"]
    assert [o.ends_at.isoformat() for o in found] == [
        "2026-10-20T19:00:00+02:00", "2026-10-27T19:00:00+01:00", "2026-11-03T19:00:00+01:00"]
    assert [o.key for o in found] == [
        "2026-10-20T15:00:00+00:00", "2026-10-27T16:00:00+00:00", "2026-11-03T16:00:00+00:00"]


def test_a_series_from_winter_into_summer_time_too():
    event = event_snapshot(starts_at="2027-03-16T17:00:00+01:00", ends_at="2027-03-16T19:00:00+01:00",
                           rrule="FREQ=WEEKLY")  # the clocks go forward on 28 March 2027
    assert starts(between(event, at(2027, 3, 20), at(2027, 4, 1))) == [
        "2027-03-23T17:00:00+01:00", "2027-03-30T17:00:00+02:00"]


def test_the_first_start_counts_even_off_the_rule():
    event = tuesdays(starts_at="2026-10-12T17:00:00+02:00", ends_at="2026-10-12T19:00:00+02:00")  # a Monday
    assert starts(between(event, at(2026, 10, 1), at(2026, 10, 21))) == [
        "2026-10-12T17:00:00+02:00", "2026-10-13T17:00:00+02:00", "2026-10-20T17:00:00+02:00"]
    assert starts(between(event, at(2026, 10, 1), at(2026, 10, 21))) == starts(
        between(event, at(2026, 10, 12, 17), at(2026, 10, 21)))


def test_exdates_leave_out_occurrences_given_as_local_times_dates_or_with_an_offset():
    event = tuesdays(exdates=["2026-10-20T17:00:00", "2026-10-27", "2026-11-03T17:00:00+01:00", "not a date"])
    assert starts(between(event, at(2026, 10, 14), at(2026, 11, 18))) == [
        "2026-11-10T17:00:00+01:00", "2026-11-17T17:00:00+01:00"]


def test_count_and_a_local_until_end_the_series():
    assert starts(between(tuesdays(rrule="FREQ=WEEKLY;COUNT=2"), at(2026, 10, 1), at(2026, 12, 1))) == [
        "2026-10-13T17:00:00+02:00", "2026-10-20T17:00:00+02:00"]
    assert starts(between(tuesdays(rrule="FREQ=WEEKLY;UNTIL=20261027"), at(2026, 10, 14), at(2026, 12, 1)))[:1] == [
        "2026-10-20T17:00:00+02:00"]
    assert starts(between(tuesdays(rrule="FREQ=WEEKLY;UNTIL=20261027"), at(2026, 10, 28), at(2026, 12, 1))) == []
    assert starts(between(tuesdays(rrule="FREQ=WEEKLY;UNTIL=20261027T170000"), at(2026, 10, 21),
                          at(2026, 12, 1))) == ["2026-10-27T17:00:00+01:00"]
    assert starts(between(tuesdays(rrule="FREQ=WEEKLY;UNTIL=20261027T160000Z"), at(2026, 10, 21),
                          at(2026, 12, 1))) == ["2026-10-27T17:00:00+01:00"]


def test_an_all_day_series_ends_at_the_next_local_midnight_on_the_day_the_clocks_change():
    event = event_snapshot(all_day=True, starts_at="2026-10-24T00:00:00+02:00", ends_at="2026-10-25T00:00:00+02:00",
                           rrule="FREQ=DAILY;COUNT=3")
    assert [o.times() for o in between(event, at(2026, 10, 25), at(2026, 10, 27))] == [
        {"starts_at": "2026-10-25T00:00:00+02:00", "ends_at": "2026-10-26T00:00:00+01:00"},
        {"starts_at": "2026-10-26T00:00:00+01:00", "ends_at": "2026-10-27T00:00:00+01:00"}]


def test_a_window_holds_at_most_so_many_occurrences_of_one_series():
    event = event_snapshot(starts_at="2026-11-01T08:00:00+01:00", ends_at="2026-11-01T08:30:00+01:00",
                           rrule="FREQ=DAILY")
    assert len(between(event, at(2026, 11, 23), at(2027, 3, 30))) == MAX_PER_WINDOW


@pytest.mark.parametrize("rrule", ["FREQ=WEEKLY;BYDAY=XX", "BYDAY=TU", "FREQ=WEEKLY;COUNT=many", "nonsense",
                                   "FREQ=MINUTELY", "FREQ=DAILY;INTERVAL=0", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"])
def test_a_rule_that_cannot_be_expanded_is_quarantined_and_logged_once(rrule, caplog):
    """Rules stored before rules were checked: the series shows its first date only, and never hangs the sender."""
    event = event_snapshot(starts_at="2020-01-07T17:00:00+01:00", ends_at="2020-01-07T19:00:00+01:00", rrule=rrule)
    with caplog.at_level(logging.WARNING, logger="services.calendar.recurrence"):
        assert between(event, at(2026, 11, 23), at(2026, 11, 30)) == []
        assert between(event, at(2026, 11, 23), at(2026, 11, 30)) == []
        assert starts(between(event, at(2020, 1, 1), at(2020, 2, 1))) == ["2020-01-07T17:00:00+01:00"]
    [record] = caplog.records  # once, not on every tick
    assert record.getMessage().startswith(f"series {event['id']}: its repeat rule {rrule!r} is quarantined")


def test_a_date_moved_on_its_own_is_reminded_at_its_new_time_and_a_cancelled_one_not_at_all():
    event = tuesdays(overrides=[
        {"recurrence_id": "2026-10-20T17:00:00", "starts_at": "2026-10-22T18:00:00+02:00",
         "ends_at": "2026-10-22T20:00:00+02:00", "status": "scheduled", "location": None, "sequence": 1},
        {"recurrence_id": "2026-10-27T17:00:00", "starts_at": "2026-10-27T17:00:00+01:00",
         "ends_at": "2026-10-27T19:00:00+01:00", "status": "cancelled", "location": None, "sequence": 1}])
    found = between(event, at(2026, 10, 19), at(2026, 11, 4))
    assert starts(found) == ["2026-10-22T18:00:00+02:00", "2026-11-03T17:00:00+01:00"]
    assert found[0].key != found[1].key
