"""The calendar core's recurrence: which rules are accepted, and expansion across DST, bounded."""

import time
from datetime import datetime, timedelta

import pytest

from services.calendar.changes import changed_groups, is_significant
from services.calendar.recurrence import MAX_STEPS, OverBudget, Series, next_occurrence, occurrences, time_budget
from services.calendar.rules import RuleError, check_rule
from services.calendar.times import WARSAW, exdate_to_wire, exists_in_warsaw

FIRST = datetime(2026, 10, 13, 17, 0, tzinfo=WARSAW)  # a Tuesday in summer time


@pytest.mark.parametrize("rule", ["FREQ=WEEKLY;BYDAY=TU", "FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20270630",
                                  "FREQ=MONTHLY;BYDAY=-1FR", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
                                  "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "FREQ=DAILY;COUNT=10",
                                  "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "RRULE:FREQ=MONTHLY;BYMONTHDAY=13;BYDAY=FR"])
def test_rules_a_centre_uses_are_accepted(rule):
    check_rule(rule, FIRST)


@pytest.mark.parametrize("rule, says", [
    ("FREQ=DAILY;INTERVAL=0", "INTERVAL"), ("FREQ=MINUTELY", "FREQ"), ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
                                                                        "never falls"),
    ("FREQ=YEARLY;BYMONTH=2;BYDAY=5MO", "5 years"), ("FREQ=WEEKLY;BYDAY=XX", "weekday"),
    ("FREQ=DAILY;BYHOUR=3", "not supported"), ("FREQ=WEEKLY;COUNT=0", "COUNT"), ("BYDAY=TU", "FREQ"),
])
def test_bad_rules_are_refused_saying_why(rule, says):
    with pytest.raises(RuleError, match=says):
        check_rule(rule, FIRST)


@pytest.mark.parametrize("until", ["20261101T235959", "20261101", "20261101T225959Z", "20261201T165959"])
def test_a_rule_that_ends_before_its_first_date_is_refused(until):
    """UNTIL before the first start, in any of its forms (Warsaw wall time, a date, UTC): the rule gives no date."""
    with pytest.raises(RuleError, match="UNTIL") as refused:
        check_rule(f"FREQ=WEEKLY;BYDAY=TU;UNTIL={until}", datetime(2026, 12, 1, 17, 0, tzinfo=WARSAW))
    assert refused.value.part == "UNTIL"


@pytest.mark.parametrize("until", ["20261201", "20261201T170000", "20261201T160000Z"])
def test_a_rule_that_ends_on_its_first_date_is_accepted(until):
    check_rule(f"FREQ=WEEKLY;BYDAY=TU;UNTIL={until}", datetime(2026, 12, 1, 17, 0, tzinfo=WARSAW))


@pytest.mark.parametrize("until", ["20270330", "20270330T235959", "20270330T215959Z"])
def test_a_date_until_is_that_whole_day_as_the_form_the_check_and_the_imports_take_it(until):
    """UNTIL=20270330 next to a 17:00 start ends the series after 30 March's 17:00, as a person means it, as the
    staff form writes it (T235959), as the check reads it (a rule ending on its first day is accepted) and as an import
    reads Google's date UNTIL. It used to be that day's midnight in the expansion and the feed: 30 March was lost."""
    series = Series(FIRST, FIRST + timedelta(hours=2), f"FREQ=WEEKLY;BYDAY=TU;UNTIL={until}")
    found = occurrences(series, FIRST, datetime(2028, 1, 1, tzinfo=WARSAW))
    assert found[-1].starts_at == datetime(2027, 3, 30, 17, 0, tzinfo=WARSAW)
    one_day = Series(FIRST, FIRST + timedelta(hours=2), "FREQ=WEEKLY;BYDAY=TU;UNTIL=20261013")
    assert [o.starts_at for o in occurrences(one_day, FIRST, datetime(2028, 1, 1, tzinfo=WARSAW))] == [FIRST]


def test_a_weekly_series_keeps_its_wall_clock_time_across_both_changes_of_the_clocks():
    series = Series(FIRST, FIRST + timedelta(hours=2), "FREQ=WEEKLY;BYDAY=TU", ("2026-10-20T17:00:00",))
    found = occurrences(series, FIRST, datetime(2027, 4, 7, tzinfo=WARSAW))
    assert {o.starts_at.strftime("%H:%M") for o in found} == {"17:00"}
    assert {o.ends_at.strftime("%H:%M") for o in found} == {"19:00"}
    assert {o.starts_at.utcoffset() for o in found} == {timedelta(hours=1), timedelta(hours=2)}
    assert datetime(2026, 10, 20, 17, 0, tzinfo=WARSAW) not in [o.starts_at for o in found]


def test_expansion_is_bounded_in_steps():
    series = Series(datetime(1990, 1, 1, 8, 0, tzinfo=WARSAW), datetime(1990, 1, 1, 9, 0, tzinfo=WARSAW),
                    "FREQ=DAILY")
    assert occurrences(series, datetime(2100, 1, 1, tzinfo=WARSAW), datetime(2100, 2, 1, tzinfo=WARSAW)) == []
    assert MAX_STEPS < (2100 - 1990) * 365


def test_the_next_occurrence_skips_excluded_dates():
    series = Series(FIRST, FIRST + timedelta(hours=2), "FREQ=WEEKLY;BYDAY=TU", ("2026-11-03",))
    found = next_occurrence(series, datetime(2026, 10, 28, tzinfo=WARSAW))
    assert found.starts_at == datetime(2026, 11, 10, 17, 0, tzinfo=WARSAW)


def test_wire_forms_of_times():
    assert exdate_to_wire(datetime(2026, 7, 14, 6, 0, tzinfo=__import__("datetime").UTC)) == "2026-07-14T08:00:00"
    assert not exists_in_warsaw(datetime(2027, 3, 28, 2, 30))  # the clocks skip 02:00-03:00
    assert exists_in_warsaw(datetime(2027, 3, 28, 3, 30))


def test_one_definition_of_a_significant_change():
    old = {"title": "A", "starts_at": "2026-12-01T10:00:00+01:00", "location": "X", "description": "d"}
    assert changed_groups(old, {**old, "starts_at": "2026-12-01T09:00:00+00:00"}) == []  # the same moment
    assert changed_groups(old, {**old, "description": "e"}) == []
    assert changed_groups(old, {**old, "location": "Y", "title": "B"}) == ["title", "place"]
    assert is_significant(["centre_id"]) and is_significant(["status"]) and not is_significant(["contact"])


def test_the_answers_time_budget_counts_expanding_only_not_waiting_before_it():
    """A page that waited on a busy database before it expands (a loaded machine) is not a 503: only the time spent
    expanding repeat rules is counted against OSL_ANSWER_SECONDS. (CI once saw the programme dashboard's 503 so.)"""
    weekly = Series(FIRST, FIRST + timedelta(hours=2), "FREQ=WEEKLY;BYDAY=TU")
    with time_budget(0.05):
        time.sleep(0.1)  # the answer waits for its database, longer than the whole budget
        assert len(occurrences(weekly, FIRST, FIRST + timedelta(days=21))) == 3


def test_a_long_expansion_is_still_cut_off_by_the_budget():
    """The budget still bounds expanding itself: 5,000 weeks of a rule are over a budget of a nanosecond."""
    weekly = Series(FIRST - timedelta(weeks=5000), FIRST - timedelta(weeks=5000) + timedelta(hours=2),
                    "FREQ=WEEKLY;BYDAY=TU")
    with time_budget(1e-9), pytest.raises(OverBudget):
        occurrences(weekly, FIRST, FIRST + timedelta(days=21))
