"""One date of a series as a VEVENT of its own (what a registration for that date mails): the series' VEVENT as the
calendar core renders it, at that date, without its rule, under a UID of the date's own."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import icalendar
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.calendar.ical import render_vevent
from services.calendar.recipient import date_uid, one_date_vevent, with_status
from services.calendar.times import WARSAW
from tests.calendar.test_ical_hypothesis import calendar_events
from tests.events.icaljs.samples import sample_event

SERIES = sample_event(sequence=2, rrule="FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20260331T230000Z",
                      exdates=(datetime(2026, 1, 20, 10, tzinfo=WARSAW),))
THURSDAY = datetime(2026, 1, 22, 10, tzinfo=WARSAW)


def vevent(text: str) -> icalendar.Event:
    [component] = icalendar.Event.from_ical(text, multiple=True)
    return component


def as_one_date(event, start: datetime, length_days: int = 0):
    """``event`` at ``start`` rendered by hand with the calendar core: what one_date_vevent must give."""
    if event.all_day:
        day = start.astimezone(WARSAW).date()
        return replace(event, uid=date_uid(event.uid, start), start=day, end=day + (event.end - event.start),
                       rrule=None, exdates=())
    return replace(event, uid=date_uid(event.uid, start), start=start, end=start + (event.end - event.start),
                   rrule=None, exdates=())


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(event=calendar_events(), weeks=st.integers(0, 20))
def test_one_date_is_the_series_vevent_rendered_at_that_date_without_its_rule(event, weeks):
    if event.all_day:
        start = datetime.combine(event.start + timedelta(weeks=weeks), datetime.min.time(), WARSAW)
        end = start + timedelta(days=(event.end - event.start).days)
    else:
        start = event.start + timedelta(weeks=weeks)
        end = start + (event.end - event.start)
    expected = render_vevent(as_one_date(event, start))
    assert one_date_vevent(render_vevent(event), start, start, end) == expected


def test_one_date_has_that_date_only_under_a_uid_of_its_own():
    text = one_date_vevent(render_vevent(SERIES), THURSDAY, THURSDAY, THURSDAY + timedelta(hours=2))
    found = vevent(text)
    assert "RRULE" not in found and "EXDATE" not in found and "RECURRENCE-ID" not in found
    assert found.decoded("dtstart") == THURSDAY and found.decoded("dtend") == THURSDAY + timedelta(hours=2)
    assert str(found["uid"]) == date_uid(SERIES.uid, THURSDAY) != SERIES.uid
    assert found["sequence"] == 2 and str(found["status"]) == "CONFIRMED"


def test_the_date_uid_is_stable_and_differs_from_date_to_date():
    uid = "abc@osl.example"
    tuesday = datetime(2026, 1, 20, 10, tzinfo=WARSAW)
    assert date_uid(uid, THURSDAY) == date_uid(uid, THURSDAY.astimezone(UTC)) == "abc-20260122T090000Z@osl.example"
    assert date_uid(uid, tuesday) != date_uid(uid, THURSDAY)
    assert date_uid("no-domain", THURSDAY) == "no-domain-20260122T090000Z"


def test_a_cancelled_date_keeps_its_uid_and_says_cancelled():
    shown = vevent(one_date_vevent(render_vevent(SERIES), THURSDAY, THURSDAY, THURSDAY + timedelta(hours=2)))
    cancelled = vevent(one_date_vevent(render_vevent(SERIES), THURSDAY, THURSDAY, THURSDAY + timedelta(hours=2),
                                       status="CANCELLED"))
    assert str(cancelled["status"]) == "CANCELLED" and str(cancelled["uid"]) == str(shown["uid"])
    # The recipient's calendar holds the date at its SEQUENCE: a cancellation counts only above it (RFC 5546).
    assert cancelled["sequence"] > shown["sequence"]


def test_a_date_changed_on_its_own_shows_as_changed_under_the_uid_of_its_rule_start():
    moved = THURSDAY + timedelta(days=1, hours=2)
    override = replace(SERIES, recurrence_id=THURSDAY, start=moved, end=moved + timedelta(hours=1), rrule=None,
                       exdates=(), sequence=1, location="Sala B")
    vevents = render_vevent(SERIES) + render_vevent(override)  # as the events service renders a changed date
    found = vevent(one_date_vevent(vevents, THURSDAY, moved, moved + timedelta(hours=1)))
    assert "RECURRENCE-ID" not in found and "RRULE" not in found
    assert str(found["uid"]) == date_uid(SERIES.uid, THURSDAY)  # the date's UID stays when it moves
    assert found.decoded("dtstart") == moved and str(found["location"]) == "Sala B"
    assert found["sequence"] == 2  # never lower than the series' own: calendar apps keep the newest
    other = vevent(one_date_vevent(vevents, datetime(2026, 1, 27, 10, tzinfo=WARSAW),
                                   datetime(2026, 1, 27, 10, tzinfo=WARSAW), datetime(2026, 1, 27, 12, tzinfo=WARSAW)))
    assert str(other["location"]) == SERIES.location  # another date is the series' as it is


def test_an_all_day_series_date_is_a_day():
    series = sample_event(start=date(2026, 1, 15), end=date(2026, 1, 16), rrule="FREQ=WEEKLY;COUNT=4")
    start = datetime(2026, 1, 22, tzinfo=WARSAW)
    found = vevent(one_date_vevent(render_vevent(series), start, start, start + timedelta(days=1)))
    assert found.decoded("dtstart") == date(2026, 1, 22) and found.decoded("dtend") == date(2026, 1, 23)
    assert "RRULE" not in found


def test_a_vevent_without_a_status_line_gets_one_when_its_date_is_cancelled():
    text = render_vevent(SERIES).replace("STATUS:CONFIRMED\r\n", "")
    found = vevent(one_date_vevent(text, THURSDAY, THURSDAY, THURSDAY + timedelta(hours=2), status="CANCELLED"))
    assert str(found["status"]) == "CANCELLED"


def test_a_date_waited_for_is_tentative_under_the_dates_uid():
    """A place on the waiting list: the date in the calendar as TENTATIVE (RFC 5545), under the UID its confirmed
    place (and its cancellation) will have."""
    shown = vevent(one_date_vevent(render_vevent(SERIES), THURSDAY, THURSDAY, THURSDAY + timedelta(hours=2)))
    waiting = vevent(one_date_vevent(render_vevent(SERIES), THURSDAY, THURSDAY, THURSDAY + timedelta(hours=2),
                                     status="TENTATIVE"))
    assert (str(waiting["status"]), str(shown["status"])) == ("TENTATIVE", "CONFIRMED")
    assert str(waiting["uid"]) == str(shown["uid"])


def test_with_status_changes_the_status_only_and_keeps_a_cancelled_date_cancelled():
    cancelled = replace(SERIES, recurrence_id=THURSDAY, start=THURSDAY, end=THURSDAY + timedelta(hours=2), rrule=None,
                        exdates=(), status="CANCELLED")
    vevents = render_vevent(SERIES) + render_vevent(cancelled)
    shown = with_status(vevents, "TENTATIVE")
    assert [str(v["status"]) for v in icalendar.Event.from_ical(shown, multiple=True)] == ["TENTATIVE", "CANCELLED"]
    assert shown.replace("STATUS:TENTATIVE", "STATUS:CONFIRMED") == vevents  # every other line byte for byte


def test_with_status_cancelled_raises_the_sequence_of_what_it_cancels_only():
    """Cancelled for one recipient while the event goes on (their registration withdrawn): each VEVENT it cancels
    carries a SEQUENCE above its own, which the recipient's calendar holds, or calendar apps ignore it (RFC 5546); a
    date cancelled on its own already keeps its own."""
    cancelled = replace(SERIES, recurrence_id=THURSDAY, start=THURSDAY, end=THURSDAY + timedelta(hours=2), rrule=None,
                        exdates=(), status="CANCELLED", sequence=3)
    vevents = render_vevent(SERIES) + render_vevent(cancelled)
    shown = icalendar.Event.from_ical(with_status(vevents, "CANCELLED"), multiple=True)
    assert [(str(v["status"]), v["sequence"]) for v in shown] == [("CANCELLED", SERIES.sequence + 1),
                                                                  ("CANCELLED", 3)]
