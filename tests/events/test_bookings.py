"""Booking rooms: one row per date, every date checked, holidays, buffers, the change of the clocks, the 409 listing,
skipping the clashes and adding a date again, pre-bookings that yield; on SQLite and PostgreSQL."""

import pytest
from sqlalchemy import select

from services.events.models import BookingDate
from tests.events.factories import ADMIN, outbox_types, seed
from tests.events.rooms import add_room, book, fixed_clock  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("fixed_clock")


@pytest.fixture
def world(events_app):
    world = seed(events_app)
    add_room(events_app)
    return world


def _dates(app, state=None):
    with app.extensions["osl"].database.session() as session:
        query = select(BookingDate).order_by(BookingDate.starts_at)
        rows = session.scalars(query).all()
        return [(row.starts_at.isoformat(), row.state, row.reason) for row in rows if state in (None, row.state)]


def test_a_series_is_stored_one_row_per_date_up_to_the_horizon_in_warsaw_time(events_app, world):
    client = events_app.test_client()
    response = book(client, rrule="FREQ=WEEKLY;BYDAY=TU", skip_conflicts=True)
    assert response.status_code == 201, response.json
    dates = response.json["dates"]
    # Horizon: 400 days from 1 December 2026 is 5 January 2028; every Tuesday up to then, at 17:00 on the wall clock.
    assert dates[0]["starts_at"] == "2026-12-08T17:00:00+01:00"
    assert dates[-1]["starts_at"] == "2028-01-04T17:00:00+01:00"
    assert "2027-04-06T17:00:00+02:00" in [d["starts_at"] for d in dates]
    assert len(dates) == 57 and all(d["state"] == "active" for d in dates)
    assert outbox_types(events_app)[-1] == "booking.created"


def test_holidays_3_may_and_11_november_are_refused_naming_the_rule(events_app, world):
    client = events_app.test_client()
    for day in ("2027-05-03", "2027-11-11"):
        response = book(client, starts_at=f"{day}T10:00:00", ends_at=f"{day}T11:00:00")
        assert response.status_code == 422, response.json
        assert response.json["rule"] == "holiday" and response.json["dates"][0].startswith(day)
    # A weekly Monday series meets 3 May: skipped as a holiday when asked, every other Monday booked.
    response = book(client, starts_at="2027-04-26T10:00:00", ends_at="2027-04-26T11:00:00",
                    rrule="FREQ=WEEKLY;COUNT=3", skip_conflicts=True)
    assert response.status_code == 201
    assert [(d["starts_at"][:10], d["state"], d["reason"]) for d in response.json["dates"]] == [
        ("2027-04-26", "active", None), ("2027-05-03", "skipped", "holiday"), ("2027-05-10", "active", None)]


def test_a_room_may_open_on_a_holiday(events_app, world):
    add_room(events_app, id=2, open_on=["2027-11-11"])
    response = book(events_app.test_client(), room_id=2, starts_at="2027-11-11T10:00:00",
                    ends_at="2027-11-11T11:00:00")
    assert response.status_code == 201, response.json


@pytest.mark.parametrize(("body", "rule"), [
    ({"starts_at": "2026-12-08T07:00:00", "ends_at": "2026-12-08T09:00:00"}, "bookable_hours"),
    ({"starts_at": "2026-12-08T20:30:00", "ends_at": "2026-12-08T21:30:00"}, "bookable_hours"),
    ({"starts_at": "2027-07-14T10:00:00", "ends_at": "2027-07-14T11:00:00"}, "closure"),
    ({"starts_at": "2026-11-30T10:00:00", "ends_at": "2026-11-30T11:00:00"}, "past"),
    ({"starts_at": "2028-02-01T10:00:00", "ends_at": "2028-02-01T11:00:00"}, "horizon"),
])
def test_a_date_the_rooms_rules_refuse_is_422_naming_the_rule(events_app, world, body, rule):
    add_room(events_app, id=3, closures=[{"from": "2027-07-01", "to": "2027-07-31", "reason": "remont"}])
    response = book(events_app.test_client(), room_id=3, **body)
    assert response.status_code == 422
    assert response.json["rule"] == rule and rule in response.json["message"]


def test_buffers_keep_the_room_free_before_and_after_each_booking(events_app, world):
    client = events_app.test_client()
    assert book(client, starts_at="2026-12-09T10:00:00", ends_at="2026-12-09T11:00:00").status_code == 201
    # 15 minutes after (cleaning) and 15 before the next (setting up): 11:00 and 11:15 clash, 11:30 does not.
    for start in ("2026-12-09T11:00:00", "2026-12-09T11:15:00", "2026-12-09T09:00:00"):
        end = start[:11] + f"{int(start[11:13]) + 1:02d}" + start[13:]
        assert book(client, starts_at=start, ends_at=end).status_code == 409, start
    assert book(client, starts_at="2026-12-09T11:30:00", ends_at="2026-12-09T12:00:00").status_code == 201
    assert book(client, starts_at="2026-12-09T08:30:00", ends_at="2026-12-09T09:30:00").status_code == 201


def test_a_series_that_clashes_only_after_the_change_of_the_clocks_lists_each_clash(events_app, world):
    client = events_app.test_client()
    # A weekly Tuesday 17:00 club held by Fundacja Źródło from April (after the clocks change on 28 March 2027).
    held = book(client, headers=world.own, starts_at="2027-04-06T17:00:00", ends_at="2027-04-06T18:00:00",
                rrule="FREQ=WEEKLY;COUNT=4")
    assert held.status_code == 201
    # A weekly Tuesday 17:00 series from March: its winter dates are free, its summer ones clash (at 17:00 CEST).
    body = {"starts_at": "2027-03-02T17:00:00", "ends_at": "2027-03-02T18:00:00", "rrule": "FREQ=WEEKLY;COUNT=10"}
    response = book(client, **body)
    assert response.status_code == 409
    conflicts = response.json["conflicts"]
    assert [c["starts_at"] for c in conflicts] == ["2027-04-06T17:00:00+02:00", "2027-04-13T17:00:00+02:00",
                                                   "2027-04-20T17:00:00+02:00", "2027-04-27T17:00:00+02:00"]
    # MOPS (admin) sees who holds each date; another organisation sees only "taken".
    assert conflicts[0]["held_by"]["holder"] == "Fundacja Źródło"
    assert conflicts[0]["held_by"]["starts_at"] == "2027-04-06T17:00:00+02:00"
    by_ngo = book(client, headers=world.other, **body)
    assert by_ngo.status_code == 409
    assert {c["held_by"] for c in by_ngo.json["conflicts"]} == {"taken"}
    assert "Fundacja" not in by_ngo.get_data(as_text=True)
    assert _dates(events_app, "active")[0][0] == "2027-04-06T15:00:00+00:00"


def test_skip_the_clashes_then_add_a_date_again_in_one_action(events_app, world):
    client = events_app.test_client()
    held = book(client, headers=world.own, starts_at="2027-04-13T17:00:00", ends_at="2027-04-13T18:00:00")
    body = {"starts_at": "2027-03-30T17:00:00", "ends_at": "2027-03-30T18:00:00", "rrule": "FREQ=WEEKLY;COUNT=4"}
    response = book(client, headers=world.other, skip_conflicts=True, **body)
    assert response.status_code == 201
    states = [(d["starts_at"], d["state"], d["reason"]) for d in response.json["dates"]]
    assert states == [("2027-03-30T17:00:00+02:00", "active", None), ("2027-04-06T17:00:00+02:00", "active", None),
                      ("2027-04-13T17:00:00+02:00", "skipped", "taken"),
                      ("2027-04-20T17:00:00+02:00", "active", None)]
    booking = response.json["id"]
    date_url = f"/api/v1/bookings/{booking}/dates/2027-04-13T17:00:00"
    # Still taken: adding it again is a 409 listing that date.
    again = client.post(date_url, headers=world.other)
    assert again.status_code == 409 and again.json["conflicts"][0]["starts_at"] == "2027-04-13T17:00:00+02:00"
    # The holder skips its date; the slot is free, and adding it back is one action.
    skipped = client.delete(f"/api/v1/bookings/{held.json['id']}/dates/2027-04-13T17:00:00", headers=world.own)
    assert skipped.status_code == 200 and skipped.json["dates"][0]["state"] == "skipped"
    restored = client.post(date_url, headers=world.other)
    assert restored.status_code == 200
    assert [d["state"] for d in restored.json["dates"]] == ["active"] * 4
    # Another organisation may not touch it.
    assert client.delete(date_url, headers=world.own).status_code == 404


def test_a_pending_booking_holds_its_slot_and_yields_to_a_confirmed_one(events_app, world):
    add_room(events_app, id=4, requires_approval=True)
    client = events_app.test_client()
    pending = book(client, room_id=4, headers=world.own)
    assert pending.status_code == 201 and pending.json["state"] == "pending"
    assert pending.json["dates"][0]["state"] == "pending"
    # Another organisation's request for the same hour is refused: the slot is held, tentatively.
    refused = book(client, room_id=4, headers=world.other)
    assert refused.status_code == 409 and refused.json["conflicts"][0]["held_by"] == "taken"
    # MOPS books it confirmed: the pending date yields.
    confirmed = book(client, room_id=4, title="Dyżur MOPS")
    assert confirmed.status_code == 201 and confirmed.json["state"] == "confirmed"
    yielded = client.get(f"/api/v1/bookings/{pending.json['id']}", headers=world.own).json
    assert yielded["dates"][0]["state"] == "skipped" and yielded["dates"][0]["reason"] == "yielded"
    # A pending request on another day is approved by MOPS.
    later = book(client, room_id=4, headers=world.own, starts_at="2026-12-10T17:00:00",
                 ends_at="2026-12-10T18:00:00")
    assert client.post(f"/api/v1/bookings/{later.json['id']}/approve", headers=world.own).status_code == 403
    approved = client.post(f"/api/v1/bookings/{later.json['id']}/approve", headers=ADMIN)
    assert approved.status_code == 200 and approved.json["dates"][0]["state"] == "active"


def test_cancelling_frees_every_date(events_app, world):
    client = events_app.test_client()
    first = book(client, rrule="FREQ=WEEKLY;COUNT=3")
    assert book(client).status_code == 409
    assert client.delete(f"/api/v1/bookings/{first.json['id']}", headers=ADMIN).json["state"] == "cancelled"
    assert book(client).status_code == 201


def test_bad_input_is_422_naming_the_field(events_app, world):
    client = events_app.test_client()
    for body, field in (({"rrule": "FREQ=SECONDLY"}, "rrule"), ({"rrule": "FREQ=WEEKLY;UNTIL=20261101"}, "rrule"),
                        ({"ends_at": "2026-12-08T16:00:00"}, "ends_at"),
                        ({"starts_at": "2027-03-28T02:30:00", "ends_at": "2027-03-28T04:00:00"}, "starts_at"),
                        ({"ends_at": "2026-12-10T18:00:00"}, "ends_at"), ({"title": ""}, "title")):
        response = book(client, **body)
        assert response.status_code == 422, (body, response.json)
        assert field in str(response.json["errors"]), response.json
    assert book(client, room_id=99).status_code == 404
    assert book(client, headers={}).status_code == 401


def test_the_rooms_replica_follows_its_messages(events_app, world):
    from tests.events.factories import deliver
    from tests.events.rooms import room

    client = events_app.test_client()
    deliver(events_app, "room.updated", room(version=2, bookable_hours={"MO": ["10:00-12:00"]}))
    assert book(client).json["rule"] == "bookable_hours"  # a Tuesday, no longer bookable
    deliver(events_app, "room.updated", room(version=1))  # an older snapshot, late: ignored
    assert book(client).json["rule"] == "bookable_hours"
    deliver(events_app, "room.deleted", room(version=2))
    assert book(client).status_code == 404


def test_a_date_added_again_by_mops_takes_it_from_a_pending_booking_within_its_buffer(events_app, world):
    add_room(events_app, id=4, requires_approval=True)
    client = events_app.test_client()
    mops = book(client, room_id=4, rrule="FREQ=WEEKLY;COUNT=2")
    second = f"/api/v1/bookings/{mops.json['id']}/dates/2026-12-15T17:00:00"
    assert client.delete(second, headers=ADMIN).status_code == 200
    # 18:20 starts inside the 15 + 15 minutes the two need between them, not inside the 17:00-18:00 itself.
    pending = book(client, room_id=4, headers=world.own, starts_at="2026-12-15T18:20:00",
                   ends_at="2026-12-15T19:00:00")
    assert pending.status_code == 201 and pending.json["state"] == "pending"
    assert client.post(second, headers=ADMIN).status_code == 200
    yielded = client.get(f"/api/v1/bookings/{pending.json['id']}", headers=world.own).json["dates"][0]
    assert (yielded["state"], yielded["reason"]) == ("skipped", "yielded")
