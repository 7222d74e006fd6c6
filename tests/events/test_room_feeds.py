"""Each room's calendars: its feed (public activities by title, private bookings as "zajęte", pending ones
TENTATIVE) in the feed list with subscribe links, and its VFREEBUSY (BUSY, BUSY-TENTATIVE) per room and per centre;
read back by ical.js, icalendar and vobject."""

from datetime import datetime

import pytest

from services.calendar.times import WARSAW
from tests.events.factories import seed
from tests.events.icaljs import icaljs
from tests.events.icaljs.checks import assert_line_format, assert_valid_feed, parse_icalendar
from tests.events.rooms import add_room, book, fixed_clock  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("fixed_clock")


@pytest.fixture
def booked(events_app):
    world = seed(events_app)
    add_room(events_app, id=1)
    add_room(events_app, id=2, requires_approval=True)
    client = events_app.test_client()
    public = book(client, headers=world.own, title="Klub seniora", visibility="public",
                  starts_at="2027-03-23T17:00:00", ends_at="2027-03-23T18:00:00", rrule="FREQ=WEEKLY;COUNT=2")
    private = book(client, title="Dyżur MOPS", starts_at="2026-12-09T10:00:00", ends_at="2026-12-09T12:00:00")
    pending = book(client, room_id=2, headers=world.other, title="Próba chóru",
                   starts_at="2026-12-10T18:00:00", ends_at="2026-12-10T19:00:00")
    assert {public.status_code, private.status_code, pending.status_code} == {201}
    return client


def test_the_room_feed_shows_activities_by_title_and_the_rest_as_busy(booked):
    response = booked.get("/feeds/rooms/1.ics")
    assert response.status_code == 200 and response.content_type.startswith("text/calendar")
    answer = assert_valid_feed(response.data, icaljs())
    shown = [(event["summary"], event["start"]["local"], event["start"]["tzid"], event["status"])
             for event in answer["events"]]
    assert shown == [("zajęte", "2026-12-09T10:00:00", "Europe/Warsaw", "CONFIRMED"),
                     ("Klub seniora", "2027-03-23T17:00:00", "Europe/Warsaw", "CONFIRMED"),
                     ("Klub seniora", "2027-03-30T17:00:00", "Europe/Warsaw", "CONFIRMED")]
    # Across the change of the clocks the wall-clock time stays 17:00: one hour less in UTC.
    assert answer["events"][2]["start"]["unix"] - answer["events"][1]["start"]["unix"] == 7 * 86400 - 3600
    assert "Dyżur" not in response.get_data(as_text=True)
    pending = assert_valid_feed(booked.get("/feeds/rooms/2.ics").data, icaljs())
    assert [(e["summary"], e["status"]) for e in pending["events"]] == [("zajęte", "TENTATIVE")]
    again = booked.get("/feeds/rooms/1.ics", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_a_skipped_date_stays_in_the_feed_as_cancelled(booked, events_app):
    feed = parse_icalendar(booked.get("/feeds/rooms/1.ics").data)
    uid = str(feed.walk("VEVENT")[1]["UID"])
    booking = uid.split("@")[0][:36]
    from tests.events.factories import bearer

    skipped = booked.delete(f"/api/v1/bookings/{booking}/dates/2027-03-23T17:00:00",
                            headers=bearer("osl_own_key_0000000001"))
    assert skipped.status_code == 200
    events = parse_icalendar(booked.get("/feeds/rooms/1.ics").data).walk("VEVENT")
    assert [(str(e["UID"]) == uid, str(e["STATUS"]), int(e["SEQUENCE"])) for e in events][1] == (True, "CANCELLED", 2)


def test_room_feeds_are_in_the_feed_list_with_subscribe_links(booked):
    feeds = {feed["url"].split("/feeds/")[1]: feed for feed in booked.get("/api/v1/feeds").json}
    room = feeds["rooms/1.ics"]
    assert room["kind"] == "room" and "OSL Raków: Sala 1" in room["name"]
    assert room["links"]["webcal"].startswith("webcal://") and "calendar.google.com" in room["links"]["google"]


def test_freebusy_per_room_and_per_centre_is_read_by_icaljs_and_icalendar(booked):
    for url, rooms in (("/feeds/rooms/2/freebusy.ics", 1), ("/feeds/centres/osl-rakow/freebusy.ics", 2)):
        response = booked.get(url)
        assert response.status_code == 200
        assert_line_format(response.data)
        answer = icaljs().read(response.data)
        assert len(answer["freebusy"]) == rooms
        calendar = parse_icalendar(response.data)
        assert len(calendar.walk("VFREEBUSY")) == rooms
    centre = icaljs().read(booked.get("/feeds/centres/osl-rakow/freebusy.ics").data)["freebusy"]
    first, second = centre
    moment = lambda text: int(datetime.fromisoformat(text).replace(tzinfo=WARSAW).timestamp())  # noqa: E731
    assert [(p["fbtype"], p["start"], p["end"]) for p in first["periods"]] == [
        ("BUSY", moment("2026-12-09T10:00:00"), moment("2026-12-09T12:00:00")),
        ("BUSY", moment("2027-03-23T17:00:00"), moment("2027-03-23T18:00:00")),
        ("BUSY", moment("2027-03-30T17:00:00"), moment("2027-03-30T18:00:00"))]
    assert [(p["fbtype"], p["start"]) for p in second["periods"]] == [
        ("BUSY-TENTATIVE", moment("2026-12-10T18:00:00"))]
    periods = parse_icalendar(booked.get("/feeds/rooms/2/freebusy.ics").data).walk("VFREEBUSY")[0]["FREEBUSY"]
    periods = periods if isinstance(periods, list) else [periods]
    assert [p.params["FBTYPE"] for p in periods] == ["BUSY-TENTATIVE"]
    assert booked.get("/feeds/rooms/99/freebusy.ics").status_code == 404
    assert booked.get("/feeds/centres/nowhere/freebusy.ics").status_code == 404
