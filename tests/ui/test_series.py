"""A repeating event in words, in Polish and English, from the calendar core's rule."""

from datetime import datetime, timedelta

import pytest

from services.calendar.recurrence import Series
from services.calendar.times import WARSAW
from services.ui.series import describe

FIRST = datetime(2027, 3, 2, 17, 0, tzinfo=WARSAW)  # a Tuesday


def series(rule: str, *exdates: str) -> Series:
    return Series(FIRST, FIRST + timedelta(hours=2), rule, exdates)


@pytest.mark.parametrize("rule, exdates, polish, english", [
    ("FREQ=WEEKLY;BYDAY=TU;UNTIL=20270427T235959", ("2027-03-16T17:00:00",),
     "W każdy wtorek, 17:00–19:00, od 2 marca do 27 kwietnia 2027, bez 16 marca",
     "Every Tuesday, 17:00–19:00, 2 March – 27 April 2027, except 16 March"),
    ("FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10", (), "We wtorki i czwartki, 17:00–19:00, od 2 marca do 1 kwietnia 2027",
     "On Tuesdays and Thursdays, 17:00–19:00, 2 March – 1 April 2027"),
    ("FREQ=MONTHLY;BYDAY=-1SA", (), "W ostatnią sobotę miesiąca, 17:00–19:00, od 2 marca 2027",
     "On the last Saturday of the month, 17:00–19:00, from 2 March 2027"),
    ("FREQ=MONTHLY;BYDAY=1MO", (), "W pierwszy poniedziałek miesiąca, 17:00–19:00, od 2 marca 2027",
     "On the first Monday of the month, 17:00–19:00, from 2 March 2027"),
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR", (), "Co 2 tygodnie, w poniedziałki, środy i piątki, 17:00–19:00, "
     "od 2 marca 2027", "Every 2 weeks, on Mondays, Wednesdays and Fridays, 17:00–19:00, from 2 March 2027"),
    ("FREQ=DAILY;COUNT=5", (), "Codziennie, 17:00–19:00, od 2 marca do 6 marca 2027",
     "Every day, 17:00–19:00, 2 March – 6 March 2027"),
    ("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", (), "Powtarza się, 17:00–19:00, od 2 marca 2027",
     "Repeats, 17:00–19:00, from 2 March 2027"),
])
def test_a_series_in_words(rule, exdates, polish, english):
    assert describe(series(rule, *exdates), "pl", "17:00–19:00") == polish
    assert describe(series(rule, *exdates), "en", "17:00–19:00") == english


def test_a_single_event_is_not_described():
    assert describe(Series(FIRST, FIRST + timedelta(hours=2)), "pl") == ""
