"""Reads over bookings: the busy ranges of rooms, and the free slots for a length of time (range arithmetic)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from services.calendar.membership import is_current
from services.calendar.recurrence import occurrences
from services.calendar.rooms import free_ranges, intersect, slot_starts, subtract
from services.calendar.times import local, local_midnight, today
from services.events.models import BookingDate, Event, Membership, Room
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


def members_busy(session, partnership_id: int, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """When the partnership's current member organisations hold their own events, in [start, end)."""
    day = today()
    members = {m.organisation_id for m in session.scalars(select(Membership).where(
        Membership.partnership_id == partnership_id, Membership.deleted_at.is_(None),
        Membership.organisation_id.is_not(None))) if is_current(m.left_on, day, m.joined_on)}
    if not members:
        return []
    query = select(Event).where(Event.organisation_id.in_(members), Event.status == "scheduled",
                                Event.starts_at < end, (Event.ends_at > start) | Event.rrule.is_not(None))
    busy = []
    for event in session.scalars(query):
        found = occurrences(event.series, local(start - timedelta(days=1)), local(end))
        busy += [(o.starts_at, o.ends_at) for o in found if o.ends_at > start]
    return busy


def free_slots(session, rooms: list[Room], length: timedelta, start: datetime, end: datetime, now: datetime,
               every_room: bool = False, also_busy=()) -> list[Slot]:
    """Slots of ``length`` on full and half hours (Warsaw) in [start, end): free in any of ``rooms`` (each slot
    lists which), or with ``every_room`` in all of them at once. Bookable hours − closures − holidays − bookings
    widened by buffers, within each room's horizon and not before ``now``."""
    busy = busy_ranges(session, [room.id for room in rooms], start, end)
    free = {}
    for room in rooms:
        rules = room.rules
        free[room.id] = subtract(free_ranges(rules, busy[room.id], start, min(end, rules.horizon_end(now))),
                                 list(also_busy))
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


@dataclass(frozen=True)
class PlanItem:
    starts_at: datetime
    ends_at: datetime
    #: The title of a public activity; None for a private booking (shown as "busy").
    title: str | None
    tentative: bool


@dataclass(frozen=True)
class DayPlan:
    day: date
    items: tuple[PlanItem, ...]
    #: When a booking still fits (bookable hours − closures − holidays − bookings widened by buffers).
    free: tuple[tuple[datetime, datetime], ...]
    #: CLOSURE or HOLIDAY when the room is closed all day.
    closed: str | None


def week_plan(session, rooms: list[Room], monday: date) -> list[tuple[Room, list[DayPlan]]]:
    """Each room's week from ``monday``: what is on each day, and when it is free."""
    start, end = local_midnight(monday), local_midnight(monday + timedelta(days=7))
    query = select(BookingDate).where(BookingDate.room_id.in_([room.id for room in rooms]),
                                      BookingDate.blocks.is_(True), BookingDate.starts_at < end,
                                      BookingDate.ends_at > start).order_by(BookingDate.starts_at)
    rows = list(session.scalars(query))
    plan = []
    for room in rooms:
        rules = room.rules
        own = [row for row in rows if row.room_id == room.id]
        days = []
        for offset in range(7):
            day = monday + timedelta(days=offset)
            since, until = local_midnight(day), local_midnight(day + timedelta(days=1))
            items = tuple(PlanItem(row.starts_at, row.ends_at,
                                   row.booking.title if row.booking.visibility == "public" else None,
                                   row.state == "pending")
                          for row in own if row.starts_at < until and row.ends_at > since)
            free = tuple(free_ranges(rules, [(row.busy_from, row.busy_until) for row in own], since, until))
            days.append(DayPlan(day, items, free, rules.closed_because(day)))
        plan.append((room, days))
    return plan
