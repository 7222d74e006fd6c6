"""A partner meeting planned at a room (issue #13): booked when its message arrives, never silently double-booked.

The meeting's message names the room; the booking is the same as any other (``operations.book``: every rule, the
clashes, the database's last word). What became of it goes back as a message: ``meeting_room.booked``,
``meeting_room.pending`` (waiting for MOPS's approval; ``booked`` once approved), or ``meeting_room.taken`` when
another booking holds the room or one of the room's rules refuses the time; ``meeting_room.cancelled`` when MOPS
cancels the booking or the room is deleted. Partners marks the meeting from it and notify tells the partnership's
coordinator. A changed meeting (another room or time) gives up its booking and is booked again; a cancelled one, or
one whose room is cleared, gives it up."""

import logging
import uuid
from datetime import UTC

from sqlalchemy import select

from services.calendar.times import to_wire
from services.events.models import Booking, Event, OutboxMessage, Room
from services.events.rooms.operations import Holder, Refused, Taken, book, cancel
from services.messaging.errors import FieldError
from services.messaging.outbox import add_message

log = logging.getLogger(__name__)

#: Who gives up a meeting's booking when the meeting moves: the service itself, on the meeting's behalf.
SERVICE = Holder(is_admin=True, organisation_id=None)


#: Why a meeting's room was not booked (the ``reason`` of ``meeting_room.taken``), by what ``book`` refused with: a
#: FieldError by the field it names. A Refused names the room's rule itself (services/calendar/rooms.py). Partners
#: and notify word each reason (services/ui/labels.py ROOM_REASON_NAMES).
#: A meeting's booking carries no rrule, so ``ends_at`` (longer than MAX_BOOKING) is the one field. Partners refuses
#: to plan such a meeting at a room, so only one planned before it did comes here; the room's bookable hours cannot
#: hold it (but for a room open round the clock), and the message's reasons are a contract: a new one would be a new
#: message type.
FIELD_REASONS = {"ends_at": "bookable_hours"}


def refusal_reason(exc: Exception) -> str | None:
    """The reason sent for a refused booking, or None when ``exc`` is not a refusal of the meeting's room or time."""
    if isinstance(exc, Taken):
        return "taken"
    if isinstance(exc, Refused):
        return exc.rule
    if isinstance(exc, LookupError):
        return "no_room"
    if isinstance(exc, FieldError):
        return FIELD_REASONS.get(exc.field)
    return None


def follow_meeting_room(session, meeting: dict, event_id: uuid.UUID, coordinator_id: int | None) -> Booking | None:
    """Book the room ``meeting`` names (its snapshot, as loaded) for its event ``event_id``, or give up its booking;
    returns the booking that holds the room for it, if any (the event names the room only then).

    A booking MOPS cancelled (it keeps its meeting) is not made again by a snapshot written before partners heard of
    it (one still saying the room is booked or pending, for the same room and time): partners then frees the meeting
    of the room. A snapshot asking for the room afresh (no ``room_status``: the coordinator chose it again) is
    booked again."""
    starts_at, ends_at = meeting["starts_at"].astimezone(UTC), meeting["ends_at"].astimezone(UTC)
    room_id = meeting.get("room_id") if meeting["status"] != "cancelled" else None
    booking = session.scalars(select(Booking).where(Booking.meeting_id == meeting["id"])).first()
    same = booking is not None and (booking.room_id, booking.starts_at, booking.ends_at) == (room_id, starts_at,
                                                                                            ends_at)
    if same and booking.state == "cancelled" and meeting.get("room_status") is not None:
        log.info("meeting %s: its booking %s was cancelled by hand; not booked again", meeting["id"], booking.id)
        return None
    if booking is not None and booking.state != "cancelled":
        if same:
            return booking  # holds it already: the same message again, or a change of its title or agenda
        cancel(session, SERVICE, booking)
    if booking is not None:
        booking.meeting_id = None  # a booking of an earlier plan of the meeting; a meeting has one booking
        session.flush()
    if room_id is None:
        return None
    room = session.get(Room, room_id)
    holder = Holder(is_admin=coordinator_id is None, organisation_id=coordinator_id)
    try:
        if room is None or room.deleted_at is not None:
            raise LookupError(room_id)
        booked = book(session, room, holder, {
            "starts_at": starts_at, "ends_at": ends_at, "title": meeting["title"], "visibility": "private",
            "kind": "meeting", "event_id": event_id, "meeting_id": meeting["id"]})
    except (Taken, Refused, FieldError, LookupError) as exc:
        reason = refusal_reason(exc)
        if reason is None:
            raise
        _answer(session, "meeting_room.taken", meeting, room, room_id, coordinator_id, reason=reason)
        log.info("meeting %s: room %s not booked (%s)", meeting["id"], room_id, reason)
        return None
    answer = "meeting_room.pending" if booked.state == "pending" else "meeting_room.booked"
    _answer(session, answer, meeting, room, room_id, coordinator_id, booking_id=str(booked.id))
    return booked


#: What partners is told when a meeting's booking changes after it was made: approved, or ended.
BOOKING_ANSWERS = {"confirmed": "meeting_room.booked", "cancelled": "meeting_room.cancelled"}


def tell_booking(session, booking: Booking, reason: str | None = None) -> None:
    """Tell partners what became of a meeting's booking after it was made (MOPS approved or cancelled it, or its room
    was deleted: ``reason`` no_room; or, waiting for approval, it gave way to a confirmed booking: taken), as the
    answer about the meeting's latest plan the events service holds."""
    answer = BOOKING_ANSWERS.get(booking.state)
    if booking.state != "cancelled" and not any(row.blocks for row in booking.dates):
        answer, reason = "meeting_room.taken", "taken"
    event = session.scalars(select(Event).where(Event.meeting_id == booking.meeting_id)).first()
    if answer is None or event is None or booking.meeting_id is None:
        return
    meeting = {"id": booking.meeting_id, "version": event.meeting_version, "partnership_id": event.partnership_id,
               "title": booking.title, "starts_at": booking.starts_at, "ends_at": booking.ends_at}
    _answer(session, answer, meeting, session.get(Room, booking.room_id), booking.room_id, event.organisation_id,
            reason=reason, booking_id=str(booking.id))
    log.info("meeting %s: booking %s %s", booking.meeting_id, booking.id, booking.state)


def _answer(session, type_name: str, meeting: dict, room: Room | None, room_id: int, coordinator_id: int | None,
            reason: str | None = None, booking_id: str | None = None) -> None:
    add_message(session, OutboxMessage, type_name, {
        "meeting_id": meeting["id"], "meeting_version": meeting["version"], "partnership_id": meeting["partnership_id"],
        "title": meeting["title"], "organisation_id": coordinator_id, "room_id": room_id,
        "room_name": room.name if room is not None else None, "starts_at": to_wire(meeting["starts_at"]),
        "ends_at": to_wire(meeting["ends_at"]), "reason": reason, "booking_id": booking_id})
