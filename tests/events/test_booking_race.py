"""No double-booking, enforced by the database: two processes post overlapping bookings at the same moment and
exactly one wins, on SQLite (BEGIN IMMEDIATE around check and insert) and PostgreSQL (the exclusion constraint)."""

import multiprocessing
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.calendar.rooms import holiday_name
from services.calendar.times import today
from services.events.models import Booking, BookingDate
from services.events.rooms import operations
from tests.events.factories import ADMIN, seed
from tests.events.rooms import add_room, book


def _free_day(weeks: int = 8) -> str:
    """A day a week or more ahead whose next ``weeks`` weekly dates are all working days (no public holiday), so
    that every date of the series is bookable whatever day the suite runs on."""
    day = today() + timedelta(days=7)
    while any(holiday_name(day + timedelta(weeks=week)) for week in range(weeks)):
        day += timedelta(days=1)
    return day.isoformat()


def _post_at_once(url, bus, barrier, results, body) -> None:
    from services.events import create_app

    app = create_app({"DATABASE_URL": url, "BUS": bus, "TESTING": True, "ADMIN_TOKEN": "test-admin-token"})
    client = app.test_client()
    barrier.wait(timeout=240)  # a spawned process takes long to import the app on a busy machine
    response = client.post("/api/v1/rooms/1/bookings", json=body, headers=ADMIN)
    results.put((response.status_code, response.get_json()))
    app.extensions["osl"].database.dispose()


@pytest.mark.timeout(420)
def test_two_processes_book_the_same_hour_at_once_and_exactly_one_wins(stack, events_app):
    from services.events import create_app

    seed(events_app)
    add_room(events_app)
    url = stack.database_url("events", create_app)
    day = _free_day()
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    bodies = [{"title": "Warsztaty", "starts_at": f"{day}T10:00:00", "ends_at": f"{day}T12:00:00",
               "rrule": "FREQ=WEEKLY;COUNT=8"},
              {"title": "Dyżur MOPS", "starts_at": f"{day}T11:00:00", "ends_at": f"{day}T13:00:00",
               "rrule": "FREQ=WEEKLY;COUNT=8"}]
    processes = [context.Process(target=_post_at_once, args=(url, stack.bus, barrier, results, body))
                 for body in bodies]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=300) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    assert sorted(status for status, _ in outcomes) == [201, 409], outcomes
    loser = next(body for status, body in outcomes if status == 409)
    assert len(loser["conflicts"]) == 8
    with events_app.extensions["osl"].database.session() as session:
        assert len(session.scalars(select(Booking)).all()) == 1
        assert len(session.scalars(select(BookingDate).where(BookingDate.blocks.is_(True))).all()) == 8


@pytest.mark.parametrize("stack", ["servers"], indirect=True)  # the constraint is PostgreSQL's; SQLite: test above
def test_on_postgresql_the_exclusion_constraint_refuses_what_raced_past_the_check(stack, events_app, monkeypatch):
    assert stack.name == "servers"
    seed(events_app)
    add_room(events_app)
    client = events_app.test_client()
    day = _free_day()
    assert book(client, starts_at=f"{day}T10:00:00", ends_at=f"{day}T12:00:00").status_code == 201
    # The check misses the first booking once, as a request racing with it would: the database refuses the
    # insert, and the retry (which sees it) answers the 409 listing.
    real, calls = operations.blocking_overlaps, []

    def blind_once(*args, **kwargs):
        calls.append(1)
        return [] if len(calls) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(operations, "blocking_overlaps", blind_once)
    response = book(client, starts_at=f"{day}T11:00:00", ends_at=f"{day}T13:00:00")
    assert response.status_code == 409 and len(calls) == 2
    assert response.json["conflicts"][0]["held_by"]["title"] == "Klub seniora"
    # And directly: two overlapping blocking rows of one room cannot both be written; a skipped one can.
    with events_app.extensions["osl"].database.session() as session:
        row = session.scalars(select(BookingDate)).one()
        twin = BookingDate(booking_id=row.booking_id, room_id=row.room_id, starts_at=row.starts_at + timedelta(
            minutes=1), ends_at=row.ends_at, busy_from=row.busy_from, busy_until=row.busy_until)
        twin.set_state("skipped", "taken")
        session.add(twin)
        session.flush()
        twin.set_state("active")
        with pytest.raises(IntegrityError, match="booking_dates_no_overlap"):
            session.flush()
        session.rollback()
