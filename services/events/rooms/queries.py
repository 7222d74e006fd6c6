"""Reads over bookings: the busy ranges of rooms, and the free slots for a length of time (range arithmetic)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from services.calendar.rooms import free_ranges, intersect, slot_starts
from services.events.models import BookingDate, Room
from services.events.rooms.operations import MAX_BUSY

#: The longest window one free-slot answer covers, and the most slots it lists.
MAX_WINDOW = timedelta(days=92)
MAX_SLOTS = 2000


def busy_ranges(session, room_ids: list[int], start: datetime, end: datetime) -> dict[int, list[tuple]]:
    """Each room's blocking dates (active and pending) as busy ranges (already widened by the buffer), overlapping
    [start, end) widened by the longest busy range and buffer."""
    query = select(BookingDate.room_id, BookingDate.busy_from, BookingDate.busy_until).where(
        BookingDate.room_id.in_(room_ids), BookingDate.blocks.is_(True),
        BookingDate.busy_from < end + MAX_BUSY, BookingDate.busy_from > start - 2 * MAX_BUSY)
    found: dict[int, list[tuple]] = {room_id: [] for room_id in room_ids}
    for room_id, since, until in session.execute(query):
        found[room_id].append((since, until))
    return found


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime
    rooms: tuple[int, ...]


def free_slots(session, rooms: list[Room], length: timedelta, start: datetime, end: datetime, now: datetime,
               every_room: bool = False) -> list[Slot]:
    """Slots of ``length`` on full and half hours (Warsaw) in [start, end): free in any of ``rooms`` (each slot
    lists which), or with ``every_room`` in all of them at once. Bookable hours − closures − holidays − bookings
    widened by buffers, within each room's horizon and not before ``now``."""
    busy = busy_ranges(session, [room.id for room in rooms], start, end)
    free = {}
    for room in rooms:
        rules = room.rules
        free[room.id] = free_ranges(rules, busy[room.id], start, min(end, rules.horizon_end(now)))
    if every_room:
        common = None
        for ranges in free.values():
            common = ranges if common is None else intersect(common, ranges)
        ids = tuple(room.id for room in rooms)
        return [Slot(s, s + length, ids) for s in slot_starts(common or [], length, now)][:MAX_SLOTS]
    by_start: dict[datetime, list[int]] = {}
    for room_id, ranges in free.items():
        for moment in slot_starts(ranges, length, now):
            by_start.setdefault(moment, []).append(room_id)
    return [Slot(moment, moment + length, tuple(ids)) for moment, ids in sorted(by_start.items())][:MAX_SLOTS]
