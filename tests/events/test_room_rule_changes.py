"""A room's rules change after dates were booked (issue #13): a new buffer widens the stored busy ranges again (the
exclusion constraint works on them), and the dates the new rules refuse are listed; the change is accepted."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from services.events.models import BookingDate
from tests.events.factories import ADMIN, deliver, seed
from tests.events.rooms import EVERY_DAY, add_room, book, fixed_clock, room  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("fixed_clock")


@pytest.fixture
def world(events_app):
    world = seed(events_app)
    add_room(events_app)  # a buffer of 15 minutes, open 8:00-21:00 every day
    client = events_app.test_client()
    for starts, ends in (("17:00", "18:00"), ("18:30", "19:30")):  # exactly two buffers apart
        response = book(client, starts_at=f"2026-12-08T{starts}:00", ends_at=f"2026-12-08T{ends}:00",
                        organisation="fundacja-zrodlo")
        assert response.status_code == 201, response.json
    return world


def busy(app) -> list[tuple[str, str]]:
    with app.extensions["osl"].database.session() as session:
        rows = session.execute(select(BookingDate.busy_from, BookingDate.busy_until).where(BookingDate.blocks)
                               .order_by(BookingDate.starts_at)).all()
    return [(a.astimezone(UTC).strftime("%H:%M"), b.astimezone(UTC).strftime("%H:%M")) for a, b in rows]


def breaches(app, headers=ADMIN) -> list[tuple]:
    response = app.test_client().get("/api/v1/rooms/1/breaches", headers=headers)
    assert response.status_code == 200, response.json
    return [(item["starts_at"], item["rule"], item.get("holder")) for item in response.json]


def test_a_wider_buffer_rewidens_the_stored_dates_and_lists_the_ones_too_close(events_app, world):
    assert busy(events_app) == [("15:45", "17:15"), ("17:15", "18:45")]  # UTC; Warsaw is UTC+1 in December
    assert breaches(events_app) == []
    deliver(events_app, "room.updated", room(version=2, buffer_minutes=30))
    # Each keeps half of the 30-minute gap on its side: the stored ranges never overlap.
    assert busy(events_app) == [("15:30", "17:15"), ("17:15", "19:00")]
    assert breaches(events_app) == [("2026-12-08T17:00:00+01:00", "buffer", "Fundacja Źródło"),
                                    ("2026-12-08T18:30:00+01:00", "buffer", "Fundacja Źródło")]
    # The stored, widened range is what a new booking meets: 20:15 is now too close to the 19:30 end.
    client = events_app.test_client()
    assert book(client, starts_at="2026-12-08T20:15:00", ends_at="2026-12-08T21:00:00").status_code == 409
    assert book(client, starts_at="2026-12-08T20:30:00", ends_at="2026-12-08T21:00:00").status_code == 201


def test_a_narrower_buffer_frees_the_time_between(events_app, world):
    deliver(events_app, "room.updated", room(version=2, buffer_minutes=0))
    assert busy(events_app) == [("16:00", "17:00"), ("17:30", "18:30")]
    client = events_app.test_client()
    assert book(client, starts_at="2026-12-08T18:00:00", ends_at="2026-12-08T18:30:00").status_code == 201
    assert breaches(events_app) == []


def test_new_hours_or_closures_list_the_dates_they_refuse_and_an_ngo_sees_its_own_only(events_app, world):
    shorter = {**EVERY_DAY, "TU": ["08:00-18:00"]}
    deliver(events_app, "room.updated", room(version=2, bookable_hours=shorter))
    assert breaches(events_app) == [("2026-12-08T18:30:00+01:00", "bookable_hours", "Fundacja Źródło")]
    deliver(events_app, "room.updated", room(version=3, closures=[{"from": "2026-12-08", "to": "2026-12-08",
                                                                   "reason": "remont"}]))
    assert [rule for _, rule, _ in breaches(events_app)] == ["closure", "closure"]
    assert breaches(events_app, world.own) == [("2026-12-08T17:00:00+01:00", "closure", None),
                                               ("2026-12-08T18:30:00+01:00", "closure", None)]
    assert breaches(events_app, world.other) == []
    # An older snapshot arriving late changes nothing.
    deliver(events_app, "room.updated", room(version=2, buffer_minutes=60))
    assert busy(events_app) == [("15:45", "17:15"), ("17:15", "18:45")]


def test_the_dates_already_over_are_not_listed(events_app, world, monkeypatch):
    later = datetime(2026, 12, 9, 10, tzinfo=UTC)
    monkeypatch.setattr("services.events.rooms.operations.utcnow", lambda: later)
    deliver(events_app, "room.updated", room(version=2, buffer_minutes=30))
    assert breaches(events_app) == []
