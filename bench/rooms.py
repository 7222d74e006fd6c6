"""Rooms benchmark: checking a 52-week series against a room that holds 5,000 booked dates (goal ≤ 20 ms), and
finding free slots over 4 weeks in a centre of 3 rooms (goal ≤ 50 ms), on SQLite and PostgreSQL, each side by side
with a naive re-expansion of every stored series in Python (the calendar core's ``occurrences``), as the ratio.

The dates are stored as rows (one per date, as the events service does), bulk-inserted: room 1 holds 100 weekly
series of 50 dates, rooms 2 and 3 hold 50 each. The check is the whole booking of a new weekly series with
``skip_conflicts`` (dates, rules, the range queries, the inserts), rolled back after each run.
Run: `.venv/bin/python bench/rooms.py [--runs 15] [--no-postgres]`. Prints a table.
"""

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.calendar.recurrence import Series, occurrences  # noqa: E402
from services.calendar.rooms import free_ranges, slot_starts  # noqa: E402
from services.calendar.times import WARSAW, local  # noqa: E402
from services.events import create_app  # noqa: E402
from services.events.models import Booking, BookingDate, Room  # noqa: E402
from services.events.rooms.operations import Holder, _clashes, blocking_overlaps, book, plan_dates  # noqa: E402
from services.events.rooms.queries import free_slots  # noqa: E402
from services.messaging.settings import BusSettings  # noqa: E402
from services.messaging.testing import PostgresDatabases  # noqa: E402

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
FIRST_MONDAY = datetime(2026, 12, 7, tzinfo=WARSAW)
HOURS = {day: ["08:00-21:00"] for day in ("MO", "TU", "WE", "TH", "FR", "SA", "SU")}
SLOT = timedelta(minutes=30)
WEEKS = 50


def _series_slots(count: int):
    """``count`` weekly half-hour slots that never overlap: (weekday, start of the half hour)."""
    return [(day, FIRST_MONDAY + timedelta(days=day, hours=8) + half * SLOT)
            for day in range(7) for half in range(26)][:count]


def fill(database, series_per_room: dict[int, int]) -> list[Series]:
    stored = []
    with database.session() as session:
        for room_id in series_per_room:
            session.add(Room(id=room_id, version=1, centre_id=10, name=f"Sala {room_id}", step_free=True,
                             accessible_toilet=False, equipment=[], bookable_hours=HOURS, closures=[],
                             open_on=[d.isoformat() for d in _holidays()], buffer_minutes=0, horizon_days=400,
                             requires_approval=False))
    bookings, dates = [], []
    for room_id, count in series_per_room.items():
        for _day, start in _series_slots(count):
            booking_id = uuid.uuid4()
            series = Series(start, start + SLOT, f"FREQ=WEEKLY;COUNT={WEEKS}")
            stored.append((room_id, series))
            bookings.append({"id": booking_id, "room_id": room_id, "kind": "reservation", "title": "Zajęcia",
                             "visibility": "public", "starts_at": start, "ends_at": start + SLOT,
                             "rrule": series.rrule, "state": "confirmed", "version": 1, "created_at": NOW,
                             "updated_at": NOW})
            for o in occurrences(series, local(start), local(start) + timedelta(days=7 * WEEKS + 1)):
                dates.append({"booking_id": booking_id, "room_id": room_id, "starts_at": o.starts_at,
                              "ends_at": o.ends_at, "busy_from": o.starts_at, "busy_until": o.ends_at,
                              "state": "active", "blocks": True})
    with database.engine.begin() as connection:
        connection.execute(insert(Booking), bookings)
        connection.execute(insert(BookingDate), dates)
    return stored


def _holidays():
    from services.calendar.rooms import polish_holidays

    return [*polish_holidays(2026), *polish_holidays(2027), *polish_holidays(2028)]


def timed(function, runs: int) -> float:
    function()  # warm: caches, connections, query compilation
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def check_series(database) -> None:
    """Book a new 52-week series that clashes with a stored one on every date (skipped), then roll back."""
    session = database.sessionmaker()
    try:
        room = session.get(Room, 1)
        start = FIRST_MONDAY + timedelta(days=2, hours=10)
        book(session, room, Holder(True, None), {"title": "Nowe", "starts_at": start, "ends_at": start + SLOT,
                                                 "rrule": "FREQ=WEEKLY;COUNT=52", "skip_conflicts": True}, now=NOW)
    finally:
        session.rollback()
        session.close()


def check_only(database) -> None:
    """The check alone: the series' dates, the room's rules on each, the clashes; nothing written."""
    with database.session(read_only=True) as session:
        room = session.get(Room, 1)
        rules = room.rules
        start = FIRST_MONDAY + timedelta(days=2, hours=10)
        dates = plan_dates(room, start, start + SLOT, "FREQ=WEEKLY;COUNT=52", NOW, rules)
        rules.refusals(dates, NOW)
        _clashes(dates, rules.buffer, blocking_overlaps(session, room.id, dates))


def naive_check(stored) -> None:
    """The same check by expanding every stored series of the room again and comparing date by date."""
    start = FIRST_MONDAY + timedelta(days=2, hours=10)
    new = occurrences(Series(start, start + SLOT, "FREQ=WEEKLY;COUNT=52"), local(start), local(start) + timedelta(
        days=400))
    held = []
    for room_id, series in stored:
        if room_id == 1:
            held += [_Row(o.starts_at, o.ends_at) for o in occurrences(series, local(series.starts_at),
                                                                        local(start) + timedelta(days=400))]
    _clashes([(o.starts_at, o.ends_at) for o in new], timedelta(0), held)


class _Row:
    def __init__(self, start, end):
        self.busy_from, self.busy_until = start, end


def find_slots(database) -> None:
    with database.session(read_only=True) as session:
        rooms = list(session.scalars(select(Room).order_by(Room.id)))
        start = FIRST_MONDAY.astimezone(UTC) + timedelta(days=7)
        free_slots(session, rooms, timedelta(hours=1), start, start + timedelta(days=28), NOW)


def naive_slots(database, stored) -> None:
    with database.session(read_only=True) as session:
        rooms = list(session.scalars(select(Room).order_by(Room.id)))
    start = FIRST_MONDAY.astimezone(UTC) + timedelta(days=7)
    end = start + timedelta(days=28)
    for room in rooms:
        busy = [(o.starts_at, o.ends_at) for room_id, series in stored if room_id == room.id
                for o in occurrences(series, local(series.starts_at), local(end))]
        slot_starts(free_ranges(room.rules, busy, start, end), timedelta(hours=1), NOW)


def measure(name: str, url: str, runs: int) -> list[tuple]:
    app = create_app({"DATABASE_URL": url, "BUS": BusSettings(broker_url="memory://"), "TESTING": True})
    app.extensions["osl"].upgrade_database()
    database = app.extensions["osl"].database
    stored = fill(database, {1: 100, 2: 50, 3: 50})
    with database.session(read_only=True) as session:
        held = len(session.scalars(select(BookingDate.id).where(BookingDate.room_id == 1)).all())
    naive = timed(lambda: naive_check(stored), runs)
    rows = [
        (name, f"check a 52-week series against {held:,} booked dates", timed(lambda: check_only(database), runs),
         naive, 20),
        (name, "the same, booked (skipping the clashes, dates written, message)",
         timed(lambda: check_series(database), runs), naive, 20),
        (name, "free slots, 4 weeks, centre of 3 rooms", timed(lambda: find_slots(database), runs),
         timed(lambda: naive_slots(database, stored), runs), 50),
    ]
    database.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        rows += measure("SQLite", f"sqlite:///{folder}/bench-events.db", args.runs)
    if not args.no_postgres:
        databases = PostgresDatabases(POSTGRES, label="bench")
        try:
            rows += measure("PostgreSQL", databases.new("events"), args.runs)
        finally:
            databases.drop_all()
    print("| database | figure | stored rows (median) | naive re-expansion | naive / rows | goal |")
    print("|---|---|---|---|---|---|")
    for database, figure, ours, naive, goal in rows:
        verdict = "met" if ours <= goal else "missed"
        print(f"| {database} | {figure} | {ours:.1f} ms | {naive:.1f} ms | {naive / ours:.1f}× | ≤ {goal} ms "
              f"({verdict}) |")


if __name__ == "__main__":
    main()
