"""Every change to bookings: book a room (each date checked), skip a date or add it again, approve, cancel.

Each change writes its ``booking.*`` message to the outbox in the caller's transaction. The database has the last
word on overlaps (see ``services/events/models/rooms.py``): a view that meets the exclusion constraint rolls back and
runs the change again, which then finds the winner and answers 409 with the clashing dates.
"""

import logging
import uuid
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import bindparam, select, text

from services.calendar.recurrence import MAX_OCCURRENCES, Series, occurrences
from services.calendar.rooms import CLOSURE, HOLIDAY, HORIZON, MAX_BOOKING, PAST, RoomRules
from services.calendar.rules import RuleError, check_rule
from services.calendar.times import local, to_wire  # noqa: F401 (to_wire: the API writes dates so)
from services.events.models import Booking, BookingDate, Event, Organisation, OutboxMessage, Room
from services.events.models.base import UTCDateTime
from services.messaging.errors import FieldError, Forbidden
from services.messaging.models import utcnow
from services.messaging.outbox import add_message

log = logging.getLogger(__name__)

#: The longest busy range (the longest booked date, with the widest buffer on both sides), which bounds the range
#: query for clashes.
MAX_BUSY = MAX_BOOKING + timedelta(minutes=2 * 240)
#: Rules that leave out one date of a series (with ``skip_conflicts``) rather than refuse the whole booking.
SKIPPABLE = (CLOSURE, HOLIDAY)
#: Busy ranges asked about per query: a year of weekly dates in one (an OR of 100 range terms stays well inside
#: SQLite's expression depth and bound-parameter limits).
CHUNK = 100


class Refused(Exception):
    """A date breaks a rule of the room (``services.calendar.rooms``): 422 naming the rule and the dates."""

    def __init__(self, rule: str, dates: list[datetime]):
        super().__init__(f"{rule}: {', '.join(to_wire(d) for d in dates[:10])}")
        self.rule, self.dates = rule, dates


class Taken(Exception):
    """Dates are held by other bookings: 409 listing each with the booking that holds it."""

    def __init__(self, clashes: list["Clash"]):
        super().__init__(f"{len(clashes)} dates are taken")
        self.clashes = clashes


@dataclass(frozen=True)
class Clash:
    starts_at: datetime
    ends_at: datetime
    holder: BookingDate


@dataclass(frozen=True)
class Holder:
    """Who books: an organisation (its id), or MOPS (an administrator: no organisation)."""

    is_admin: bool
    organisation_id: int | None


def plan_dates(room: Room, starts_at: datetime, ends_at: datetime, rrule: str | None,
               now: datetime, rules: RoomRules | None = None) -> list[tuple[datetime, datetime]]:
    """The booking's dates up to the room's horizon, in Warsaw wall-clock time across the changes of the clocks."""
    if ends_at - starts_at > MAX_BOOKING:
        raise FieldError("ends_at", "A booked date lasts at most 24 hours; repeat it with rrule instead.")
    rules = rules or room.rules
    first = rules.refusal(starts_at, ends_at, now)
    if first in (PAST, HORIZON):
        raise Refused(first, [starts_at])
    if not rrule:
        return [(starts_at, ends_at)]
    try:
        check_rule(rrule, starts_at)
    except RuleError as exc:
        raise FieldError("rrule", str(exc)) from exc
    series = Series(starts_at, ends_at, rrule, label=f"booking at room {room.id}")
    found = occurrences(series, local(starts_at), local(rules.horizon_end(now)), limit=MAX_OCCURRENCES)
    return [(o.starts_at, o.ends_at) for o in found]


@lru_cache(maxsize=CHUNK)
def _overlapping(count: int):
    """The blocking dates of a room overlapping any of ``count`` busy ranges, in one query: the ranges are passed in
    as a table of values (``asked``), and each is joined by an index range scan of (room_id, busy_from), bounded
    below by the longest busy range. The same text on SQLite and PostgreSQL."""
    asked = ", ".join(f"(:since{i}, :until{i}, :low{i})" for i in range(count))
    query = text(f"WITH asked(since, until, low) AS (VALUES {asked}) "  # noqa: S608 (numbered parameters only)
                 "SELECT DISTINCT booking_dates.* FROM asked JOIN booking_dates "
                 "ON booking_dates.room_id = :room AND booking_dates.blocks "
                 "AND booking_dates.busy_from > asked.low AND booking_dates.busy_from < asked.until "
                 "AND booking_dates.busy_until > asked.since")
    query = query.bindparams(*(bindparam(f"{name}{i}", type_=UTCDateTime())
                               for i in range(count) for name in ("since", "until", "low")))
    return select(BookingDate).from_statement(query)


def blocking_overlaps(session, room_id: int, busy: list[tuple[datetime, datetime]],
                      exclude_booking: uuid.UUID | None = None) -> list[BookingDate]:
    """The blocking dates of the room whose busy range overlaps any of ``busy``: one query per CHUNK ranges asked
    about (a 52-week series: one), so the cost follows the dates asked about, not the number the room holds."""
    found: dict[int, BookingDate] = {}
    for first in range(0, len(busy), CHUNK):
        chunk = busy[first:first + CHUNK]
        values = {"room": room_id}
        for i, (since, until) in enumerate(chunk):
            values.update({f"until{i}": until, f"low{i}": since - MAX_BUSY, f"since{i}": since})
        found.update((row.id, row) for row in session.scalars(_overlapping(len(chunk)), values))
    return sorted((row for row in found.values() if exclude_booking is None or row.booking_id != exclude_booking),
                  key=lambda row: row.busy_from)


def _clashes(dates, buffer: timedelta, rows: list[BookingDate]) -> dict[datetime, list[BookingDate]]:
    """Each date (by start) that overlaps some of ``rows`` once widened by ``buffer``, with them: a sweep over the
    rows sorted by the start of their busy range."""
    rows = sorted(rows, key=lambda row: row.busy_from)
    froms = [row.busy_from for row in rows]
    result = {}
    for start, end in dates:
        low = bisect_right(froms, start - buffer - MAX_BUSY)
        high = bisect_left(froms, end + buffer)
        hit = [row for row in rows[low:high] if row.busy_until > start - buffer]
        if hit:
            result[start] = hit
    return result


def book(session, room: Room, holder: Holder, data: dict, now: datetime | None = None) -> Booking:
    """Book the room for every date of ``data`` (``starts_at``, ``ends_at``, ``rrule``, ``title``, ``visibility``,
    ``kind``, ``event_id``, ``meeting_id``, ``skip_conflicts``).

    Raises Refused (a date the room's rules refuse; closures and holidays are skipped instead when
    ``skip_conflicts``), Taken (dates held by others, unless ``skip_conflicts``: then they are recorded as skipped).
    A confirmed booking takes the dates of pending ones (they yield); a pending one is refused by a confirmed one.
    """
    now = now or utcnow()
    rules = room.rules
    dates = plan_dates(room, data["starts_at"], data["ends_at"], data.get("rrule"), now, rules)
    skip = bool(data.get("skip_conflicts"))
    refused = rules.refusals(dates, now)
    _raise_refused(refused, skip)
    state = "pending" if room.requires_approval and not holder.is_admin else "active"
    wanted = [(start, end) for start, end in dates if start not in refused]
    rows = blocking_overlaps(session, room.id, [(s - rules.buffer, e + rules.buffer) for s, e in wanted])
    firm = [row for row in rows if state == "pending" or row.state == "active"]
    taken = _clashes(wanted, rules.buffer, firm)
    if taken and not skip:
        raise Taken([Clash(start, end, taken[start][0]) for start, end in wanted if start in taken])
    kept = [(start, end) for start, end in wanted if start not in taken]
    _yield_pending(session, [row for row in rows if row.state == "pending" and state == "active"], kept, rules.buffer)
    booking = Booking(id=uuid.uuid4(), room_id=room.id, kind=data.get("kind", "reservation"),
                      event_id=data.get("event_id"), meeting_id=data.get("meeting_id"), title=data["title"],
                      visibility=data.get("visibility", "private"), organisation_id=holder.organisation_id,
                      starts_at=data["starts_at"], ends_at=data["ends_at"], rrule=data.get("rrule"),
                      state="pending" if state == "pending" else "confirmed", version=1, created_at=now,
                      updated_at=now)
    session.add(booking)
    for start, end in dates:
        row = BookingDate(booking=booking, room_id=room.id, starts_at=start, ends_at=end,
                          busy_from=start - rules.buffer, busy_until=end + rules.buffer)
        if start in refused:
            row.set_state("skipped", refused[start])
        elif start in taken:
            row.set_state("skipped", "taken")
        else:
            row.set_state(state)
        session.add(row)
    session.flush()
    publish(session, booking, "booking.created")
    log.info("booking %s: room %s, %d dates, %d skipped", booking.id, room.id, len(dates), len(dates) - len(kept))
    return booking


#: A stored date whose busy range could not be widened to the room's whole buffer (a neighbour is closer than two
#: buffers): the ``rule`` of its breach.
BUFFER = "buffer"


def rewiden(session, room: Room) -> int:
    """After a change of the room's buffer, widen every stored date again by it (the exclusion constraint works on
    the stored busy ranges). Where two blocking neighbours are closer than two buffers, each keeps the half of the
    gap on its side, so the stored ranges never overlap (the change of the rules is accepted, not refused): those
    dates are then breaches (:func:`breaches`, rule BUFFER). Returns how many dates changed.

    Each blocking range only shrinks towards, or grows up to, the middle of the gap to its neighbour, which the old
    ranges never crossed: the rows may be written in any order without meeting the constraint on the way."""
    buffer = room.rules.buffer
    rows = session.scalars(select(BookingDate).where(BookingDate.room_id == room.id)
                           .order_by(BookingDate.starts_at)).all()
    wanted = {row.id: [row.starts_at - buffer, row.ends_at + buffer] for row in rows}
    blocking = [row for row in rows if row.blocks]
    for before, after in zip(blocking, blocking[1:], strict=False):
        if wanted[before.id][1] > wanted[after.id][0]:
            middle = before.ends_at + (after.starts_at - before.ends_at) / 2
            wanted[before.id][1] = min(wanted[before.id][1], middle)
            wanted[after.id][0] = max(wanted[after.id][0], middle)
    changed = 0
    for row in rows:
        busy_from, busy_until = wanted[row.id]
        if (row.busy_from, row.busy_until) != (busy_from, busy_until):
            row.busy_from, row.busy_until = busy_from, busy_until
            changed += 1
    session.flush()
    if changed:
        log.info("room %s: %d stored dates widened again by a buffer of %s", room.id, changed, buffer)
    return changed


@dataclass(frozen=True)
class Breach:
    row: BookingDate
    #: The rule the date breaks now: one of the room's (services/calendar/rooms.py) or BUFFER.
    rule: str


def breaches(session, room: Room, now: datetime | None = None) -> list[Breach]:
    """The blocking dates still to come that the room's rules, as they are now, refuse (its hours, closures,
    holidays or horizon changed after they were booked), or whose busy range is narrower than the buffer."""
    now = now or utcnow()
    rules = room.rules
    rows = session.scalars(select(BookingDate).where(
        BookingDate.room_id == room.id, BookingDate.blocks.is_(True), BookingDate.ends_at > now)
        .order_by(BookingDate.starts_at)).all()
    refused = rules.refusals([(row.starts_at, row.ends_at) for row in rows], now)
    found = []
    for row in rows:
        rule = refused.get(row.starts_at)
        if rule == PAST:  # under way: it started before now
            rule = None
        if rule is None and (row.busy_from > row.starts_at - rules.buffer or
                             row.busy_until < row.ends_at + rules.buffer):
            rule = BUFFER
        if rule:
            found.append(Breach(row, rule))
    return found


def _raise_refused(refused: dict[datetime, str], skip: bool) -> None:
    by_rule: dict[str, list[datetime]] = {}
    for start, rule in refused.items():
        by_rule.setdefault(rule, []).append(start)
    for rule, starts in by_rule.items():
        if rule not in SKIPPABLE or not skip:
            raise Refused(rule, starts)


def _yield_pending(session, pending: list[BookingDate], kept, buffer: timedelta) -> None:
    """Pending dates overlapping the dates a confirmed booking takes give way: skipped, as yielded."""
    changed = set()
    for row in pending:
        if any(row.busy_from < end + buffer and row.busy_until > start - buffer for start, end in kept):
            row.set_state("skipped", "yielded")
            changed.add(row.booking)
    session.flush()  # before the new dates go in: the exclusion constraint checks each row as it is written
    for booking in changed:
        touch(session, booking, "booking.updated")
        if booking.meeting_id is not None:
            from services.events.rooms.meetings import tell_booking  # it books through this module

            tell_booking(session, booking)  # a meeting's only date gave way: the room is taken


def touch(session, booking: Booking, type_name: str) -> None:
    booking.version += 1
    booking.updated_at = utcnow()
    session.flush()
    publish(session, booking, type_name)


def check_holder(holder: Holder, booking: Booking) -> None:
    if not holder.is_admin and booking.organisation_id != holder.organisation_id:
        raise Forbidden("Only MOPS or the organisation holding this booking may change it.")


def skip_date(session, holder: Holder, booking: Booking, start: datetime) -> BookingDate:
    """Leave one date out: it frees exactly that slot."""
    check_holder(holder, booking)
    row = date_of(booking, start)
    if row.state in ("active", "pending"):
        row.set_state("skipped", "skipped")
        touch(session, booking, "booking.updated")
    return row


def restore_date(session, holder: Holder, booking: Booking, start: datetime, room: Room,
                 now: datetime | None = None) -> BookingDate:
    """Add a skipped date again, in one action: Refused or Taken as for a new booking."""
    check_holder(holder, booking)
    if booking.state == "cancelled":
        raise FieldError("booking", "This booking is cancelled; book the room again instead.")
    now = now or utcnow()
    row = date_of(booking, start)
    if row.blocks:
        return row
    rule = room.rules.refusal(row.starts_at, row.ends_at, now)
    if rule:
        raise Refused(rule, [row.starts_at])
    state = "pending" if booking.state == "pending" else "active"
    others = blocking_overlaps(session, room.id, [(row.busy_from, row.busy_until)], exclude_booking=booking.id)
    firm = [other for other in others if state == "pending" or other.state == "active"]
    if firm:
        raise Taken([Clash(row.starts_at, row.ends_at, firm[0])])
    _yield_pending(session, [other for other in others if other.state == "pending" and state == "active"],
                   [(row.busy_from, row.busy_until)], timedelta(0))
    row.set_state(state)
    session.flush()
    touch(session, booking, "booking.updated")
    return row


def approve(session, booking: Booking) -> Booking:
    """MOPS approves a pending booking: its pending dates become active (they held their slots meanwhile)."""
    if booking.state != "pending":
        raise FieldError("booking", f"Only a pending booking can be approved; this one is {booking.state}.")
    booking.state = "confirmed"
    for row in booking.dates:
        if row.state == "pending":
            row.set_state("active")
    touch(session, booking, "booking.updated")
    return booking


def cancel(session, holder: Holder, booking: Booking) -> Booking:
    check_holder(holder, booking)
    if booking.state != "cancelled":
        booking.state = "cancelled"
        for row in booking.dates:
            if row.blocks:
                row.set_state("cancelled")
        touch(session, booking, "booking.cancelled")
    return booking


def date_of(booking: Booking, start: datetime) -> BookingDate:
    for row in booking.dates:
        if row.starts_at == start:
            return row
    raise LookupError(f"booking {booking.id} has no date starting {to_wire(start)}")


def snapshot(booking: Booking) -> dict:
    return {
        "id": str(booking.id), "version": booking.version, "room_id": booking.room_id, "kind": booking.kind,
        "state": booking.state, "title": booking.title, "visibility": booking.visibility,
        "organisation_id": booking.organisation_id, "event_id": str(booking.event_id) if booking.event_id else None,
        "meeting_id": booking.meeting_id, "starts_at": to_wire(booking.starts_at), "ends_at": to_wire(booking.ends_at),
        "rrule": booking.rrule,
        "dates": [{"starts_at": to_wire(row.starts_at), "ends_at": to_wire(row.ends_at), "state": row.state,
                   "reason": row.reason} for row in booking.dates],
    }


def publish(session, booking: Booking, type_name: str) -> None:
    add_message(session, OutboxMessage, type_name, snapshot(booking))


def holder_name(session, row: BookingDate) -> str:
    """Who holds a date, for MOPS: the organisation's name, or MOPS."""
    organisation_id = row.booking.organisation_id
    organisation = session.get(Organisation, organisation_id) if organisation_id else None
    return organisation.name if organisation else "MOPS"


def event_booking(session, holder: Holder, event_id: uuid.UUID) -> dict:
    """The title and visibility of a booking for an event: the event's own (the holder's event only)."""
    event = session.get(Event, event_id)
    if event is None:
        raise FieldError("event", f"No event {event_id}.")
    if not holder.is_admin and event.organisation_id != holder.organisation_id:
        raise Forbidden("An organisation books rooms for its own events only.")
    return {"title": event.title, "visibility": "public" if event.visibility == "public" else "private",
            "kind": "event", "event_id": event.id}
