"""What the room tests share: a room in the replica, a fixed clock, and posting bookings."""

from datetime import UTC, datetime

import pytest

from tests.events.factories import ADMIN, deliver

#: Every booking test runs at this moment, so that its dates (3 May, 11 November 2027, the change of the clocks on
#: 28 March 2027) stay inside the rooms' horizon and the feeds' window, and the pages say their year.
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
EVERY_DAY = {day: ["08:00-21:00"] for day in ("MO", "TU", "WE", "TH", "FR", "SA", "SU")}


def room(id: int = 1, centre_id: int = 10, version: int = 1, **extra) -> dict:
    return {"id": id, "version": version, "centre_id": centre_id, "name": f"Sala {id}", "capacity": 20,
            "step_free": True, "accessible_toilet": False, "equipment": [], "bookable_hours": EVERY_DAY,
            "closures": [], "open_on": [], "buffer_minutes": 15, "horizon_days": 400, "requires_approval": False,
            **extra}


def add_room(app, **extra) -> dict:
    data = room(**extra)
    deliver(app, "room.created", data)
    return data


@pytest.fixture
def fixed_clock(monkeypatch):
    """The rooms' clock stopped at NOW: bookings, the room feeds, and the week plan's today."""
    for clock in ("services.events.rooms.operations.utcnow", "services.events.rooms.feeds.utcnow",
                  "services.events.meetings.utcnow"):
        monkeypatch.setattr(clock, lambda: NOW)
    for today in ("services.events.pages.views.today", "services.ui.dates.today"):
        monkeypatch.setattr(today, NOW.date)
    return NOW


def book(client, room_id: int = 1, headers=ADMIN, **body):
    body = {"title": "Klub seniora", "starts_at": "2026-12-08T17:00:00", "ends_at": "2026-12-08T18:00:00", **body}
    return client.post(f"/api/v1/rooms/{room_id}/bookings", json=body, headers=headers)
