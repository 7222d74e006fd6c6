"""All-day events on the staff pages: one made through the API opens in the form as all day, lists show its days
without a time, and the form makes, keeps and checks all-day events (times not needed, a last day not before the
first)."""

import re
import uuid
from datetime import date, timedelta

from sqlalchemy import select

from services.events.models import Event
from services.events.staff.builder import EventForm, api_input
from services.messaging.staff import COOKIE
from tests.staff.conftest import csrf_of
from tests.staff.test_event_pages import YEAR, _form, _signed_in_editor

#: A fair over a weekend (the API's ``ends_at`` of an all-day event is its last day, inclusive), and a one-day one.
FAIR_DAY = date(YEAR, 12, 12)
FAIR = {"title": "Kiermasz świąteczny", "starts_at": FAIR_DAY.isoformat(),
        "ends_at": (FAIR_DAY + timedelta(days=1)).isoformat(), "all_day": True, "district": "ostatni-grosz",
        "audiences": ["everyone"], "category": "picnic"}


def _all_day_from_the_api(staff, **changes):
    """An editor's client and the id of an all-day event their organisation added through the API."""
    from services.events.models import Organisation

    client = _signed_in_editor(staff)
    with staff.events.extensions["osl"].database.session() as session:
        slug = session.scalars(select(Organisation.slug)).one()
    response = staff.events.test_client().post("/api/v1/events", json={**FAIR, "organisation": slug, **changes},
                                               headers={"Authorization": "Bearer test-admin-token"})
    assert response.status_code == 201, response.get_json()
    return client, uuid.UUID(response.get_json()["id"])


def _checked(html: str, name: str) -> bool:
    return re.search(rf'<input[^>]*name="{name}"[^>]*checked', html) is not None


def _stored_times(staff, event_id) -> tuple:
    with staff.events.extensions["osl"].database.session() as session:
        event = session.get(Event, event_id)
        return event.all_day, event.starts_at, event.ends_at


def test_an_all_day_event_from_the_api_opens_in_the_form_as_all_day_for_its_editor_and_an_admin(staff):
    from tests.staff.conftest import signed_in_admin

    client, event_id = _all_day_from_the_api(staff)
    _partners, cookie = signed_in_admin(staff)
    staff.forward()
    admin = staff.events.test_client()
    admin.set_cookie(COOKIE, cookie)
    for who in (client, admin):
        response = who.get(f"/staff/events/{event_id}")
        html = response.get_data(as_text=True)
        assert response.status_code == 200, html
        assert _checked(html, "all_day") and "Cały dzień" in html
        assert re.search(rf'<input[^>]*name="day"[^>]*value="{FAIR_DAY}"', html)
        # Its last day is the API's ends_at (inclusive), not the stored midnight after it.
        assert re.search(rf'<input[^>]*name="last_day"[^>]*value="{FAIR_DAY + timedelta(days=1)}"', html)
        # The times are not asked for: a browser would not send the form with a required field left empty.
        assert not re.search(r'<input[^>]*name="starts"[^>]*required', html)


def test_our_events_show_an_all_day_event_over_two_days_by_its_days_without_a_time(staff):
    client, _event_id = _all_day_from_the_api(staff)
    listing = client.get("/staff/events/").get_data(as_text=True)
    item = listing.split("Kiermasz świąteczny", 1)[1].split("</li>", 1)[0]
    assert "00:00" not in item
    assert re.search(r"12 grudnia( \d{4})? – \w+, 13 grudnia", item), item


def test_a_one_day_all_day_event_is_listed_as_the_whole_day(staff):
    client, _event_id = _all_day_from_the_api(staff, ends_at=FAIR_DAY.isoformat())
    item = client.get("/staff/events/").get_data(as_text=True).split("Kiermasz świąteczny", 1)[1].split("</li>")[0]
    assert "00:00" not in item and re.search(r"\w+, 12 grudnia( \d{4})?, cały dzień", item), item


def test_saving_an_all_day_event_through_the_form_keeps_it_all_day(staff):
    client, event_id = _all_day_from_the_api(staff)
    before = _stored_times(staff, event_id)
    page = client.get(f"/staff/events/{event_id}").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    form = {**_form(title="Kiermasz świąteczny i koncert", weekdays=[], until="", skipped="", starts="", ends=""),
            "all_day": "1", "day": FAIR_DAY.isoformat(), "last_day": (FAIR_DAY + timedelta(days=1)).isoformat(),
            "version": version, "csrf_token": csrf_of(client, "/staff/events/new")}
    saved = client.post(f"/staff/events/{event_id}", data={**form, "save": "1"})
    assert saved.status_code == 303, saved.get_data(as_text=True)
    assert _stored_times(staff, event_id) == before
    with staff.events.extensions["osl"].database.session() as session:
        assert session.get(Event, event_id).title == "Kiermasz świąteczny i koncert"


def test_ticking_all_day_on_a_new_event_makes_an_all_day_event_and_its_preview_says_so(staff):
    client = _signed_in_editor(staff)
    token = csrf_of(client, "/staff/events/new")
    form = {**_form(weekdays=[], until="", skipped="", starts="", ends=""), "all_day": "1",
            "day": FAIR_DAY.isoformat(), "last_day": "", "csrf_token": token}
    preview = client.post("/staff/events/new", data={**form, "preview": "1"})
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html
    shown = html.split('id="preview-heading"', 1)[1].split("</ol>")[0]
    assert "cały dzień" in shown and "00:00" not in shown and "12 grudnia" in shown
    assert _checked(html, "all_day")
    saved = client.post("/staff/events/new", data={**form, "save": "1"})
    assert saved.status_code == 303, saved.get_data(as_text=True)
    with staff.events.extensions["osl"].database.session() as session:
        event = session.scalars(select(Event)).one()
        event_id = event.id
    all_day, starts_at, ends_at = _stored_times(staff, event_id)
    # One day (no last day given): from the midnight of that day to the next, Warsaw time.
    from services.calendar.times import local_midnight

    assert (all_day, starts_at, ends_at) == (True, local_midnight(FAIR_DAY),
                                             local_midnight(FAIR_DAY + timedelta(days=1)))


def test_an_all_day_last_day_before_the_first_is_refused_at_its_field_in_polish(staff):
    client = _signed_in_editor(staff)
    token = csrf_of(client, "/staff/events/new")
    form = {**_form(weekdays=[], until="", skipped=""), "all_day": "1", "day": FAIR_DAY.isoformat(),
            "last_day": (FAIR_DAY - timedelta(days=1)).isoformat(), "csrf_token": token, "save": "1"}
    response = client.post("/staff/events/new", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422, html
    assert re.search(r'<p class="field-error" id="last_day-error">[^<]*Ostatni dzień nie może być przed pierwszym',
                     html), html
    with staff.events.extensions["osl"].database.session() as session:
        assert session.scalars(select(Event)).all() == []


def test_a_timed_event_still_needs_its_times(staff):
    client = _signed_in_editor(staff)
    token = csrf_of(client, "/staff/events/new")
    response = client.post("/staff/events/new", data={**_form(starts=""), "csrf_token": token, "save": "1"})
    assert response.status_code == 422 and 'id="starts-error"' in response.get_data(as_text=True)


def test_the_builder_makes_a_weekly_all_day_event_and_ignores_the_times():
    """Every Saturday of a month, all day: dates for the API, no times; the preview's dates last their whole day."""
    from services.events.staff.builder import preview

    saturday = next(date(YEAR, 5, day) for day in range(1, 8) if date(YEAR, 5, day).weekday() == 5)
    data = api_input(EventForm(**{**_form(weekdays=["SA"], until=f"{YEAR}-05-31", skipped="", starts="", ends=""),
                                  "audiences": ["everyone"], "day": saturday.isoformat(), "all_day": True}))
    assert (data["all_day"], data["starts_at"], data["ends_at"]) == (True, saturday, saturday)
    shown = preview(data)
    assert len(shown) in (4, 5)
    first_start, first_end, skipped = shown[0]
    assert (first_start.date(), first_start.hour, first_end - first_start, skipped) == (
        saturday, 0, timedelta(days=1), False)


def test_a_repeating_all_day_event_made_on_the_form_ends_its_rule_on_a_date_in_the_feed(staff):
    """RFC 5545 3.3.10: UNTIL has DTSTART's value type, a DATE next to an all-day DTSTART;VALUE=DATE (the form wrote
    T235959). ical.js and vobject read the feed, and its dates are the three the form asked for."""
    from services.calendar.rules import WEEKDAYS
    from tests.events.icaljs import icaljs
    from tests.events.icaljs.checks import assert_valid_feed, parse_vobject

    client = _signed_in_editor(staff)
    token = csrf_of(client, "/staff/events/new")
    last = FAIR_DAY + timedelta(days=14)
    form = {**_form(weekdays=[WEEKDAYS[FAIR_DAY.weekday()]], until=last.isoformat(), skipped="", starts="",
                    ends=""), "all_day": "1", "day": FAIR_DAY.isoformat(), "last_day": "", "csrf_token": token}
    saved = client.post("/staff/events/new", data={**form, "save": "1"})
    assert saved.status_code == 303, saved.get_data(as_text=True)
    with staff.events.extensions["osl"].database.session() as session:
        event = session.scalars(select(Event)).one()
        event_id, rule = event.id, event.rrule
    assert f"UNTIL={last:%Y%m%d}" in rule and "T235959" not in rule, rule  # the API gives the rule as stored
    ics = staff.events.test_client().get(f"/events/{event_id}.ics").data
    lines = ics.decode().split("\r\n")
    assert f"DTSTART;VALUE=DATE:{FAIR_DAY:%Y%m%d}" in lines
    [rrule] = [line for line in lines if line.startswith("RRULE:FREQ=WEEKLY")]  # not the VTIMEZONE's
    assert re.search(rf"UNTIL={last:%Y%m%d}(;|$)", rrule), rrule
    [read] = assert_valid_feed(ics, icaljs())["events"]
    assert len(read["occurrences"]) == 3, read["occurrences"]
    vevent = parse_vobject(ics).vevent
    assert [day.date() for day in vevent.getrruleset()] == [FAIR_DAY + timedelta(days=7 * n) for n in range(3)]
