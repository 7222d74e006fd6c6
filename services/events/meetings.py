"""Partner meetings (partners ``meeting.*`` messages) as events in their partnership's private calendar."""

from sqlalchemy import select

from services.calendar.meetings import Place, at_centre, meeting_event
from services.calendar.membership import is_current
from services.calendar.times import today
from services.events.models import Booking, Centre, Event, Membership, Partnership, Room
from services.events.operations import change_event, insert_event
from services.events.rooms.meetings import SERVICE, follow_meeting_room, tell_booking
from services.events.rooms.operations import cancel
from services.messaging.messages.partners import meeting_event_id
from services.messaging.models import utcnow


def coordinator_id(session, partnership_id: int) -> int | None:
    """The partnership's current coordinating organisation, if it has one."""
    query = select(Membership).where(
        Membership.partnership_id == partnership_id, Membership.role == "coordinator",
        Membership.member_kind == "organisation", Membership.deleted_at.is_(None),
    ).order_by(Membership.id)
    day = today()
    for membership in session.scalars(query):
        if is_current(membership.left_on, day, membership.joined_on):
            return membership.organisation_id
    return None


def _values(session, meeting: dict, cancelled: bool, organiser: int | None, room_held: bool) -> dict:
    """The event's fields; the room is named only when ``room_held`` (booked for the meeting): until then, or when
    it is refused, the event is at the centre and its address, and never claims a room the meeting does not have."""
    partnership = session.get(Partnership, meeting["partnership_id"])
    centre = session.get(Centre, meeting["centre_id"]) if meeting.get("centre_id") else None
    room = session.get(Room, meeting["room_id"]) if centre and room_held and meeting.get("room_id") else None
    room_name = room.name if room and room.deleted_at is None and room.centre_id == centre.id else None
    place = Place(centre.id, centre.district_id, centre.address, centre.latitude, centre.longitude,
                  room=room_name) if centre else None
    return meeting_event(meeting, partnership_district_id=partnership.district_id, centre=place,
                         organiser_id=organiser, cancelled=cancelled)


def apply_meeting(session, type_name: str, meeting: dict) -> Event | None:
    """Create, update or cancel the meeting's event; an older snapshot than the one applied is ignored. The room is
    asked for first (``follow_meeting_room``), so that the event's one message names the room only if it was booked
    for the meeting: members are not invited to a room another booking holds."""
    event = session.scalars(select(Event).where(Event.meeting_id == meeting["id"])).first()
    if event is not None and (event.meeting_version or 0) >= meeting["version"]:
        return event
    if session.get(Partnership, meeting["partnership_id"]) is None:
        raise LookupError(f"meeting {meeting['id']}: partnership {meeting['partnership_id']} is not in the replica")
    organiser = coordinator_id(session, meeting["partnership_id"])
    event_id = event.id if event is not None else meeting_event_id(meeting["id"])
    booking = follow_meeting_room(session, meeting, event_id, organiser)
    held = booking is not None and booking.state == "confirmed"  # a pending one may yield, or MOPS refuse it
    values = _values(session, meeting, type_name == "meeting.cancelled", organiser, room_held=held)
    if event is None:
        event = insert_event(session, values, event_id=event_id, meeting_id=meeting["id"],
                             meeting_version=meeting["version"], audiences=[], url=None, contact=None,
                             accessibility=None, registration_url=None, registration_required=False, capacity=None)
    else:
        change_event(session, event, values)
        event.meeting_version = meeting["version"]
    return event


def follow_meeting_booking(session, booking: Booking, reason: str | None = None) -> None:
    """MOPS approved or cancelled a partner meeting's booking by hand, or its room was deleted (``reason`` no_room):
    the meeting's event names the room while the booking is confirmed, and only then (announced as a change of place,
    as any), and partners is told (``tell_booking``)."""
    if booking.meeting_id is None:
        return  # not a meeting's, or the booking of an earlier plan of it
    tell_booking(session, booking, reason)
    event = session.scalars(select(Event).where(Event.meeting_id == booking.meeting_id)).first()
    centre = session.get(Centre, event.centre_id) if event is not None and event.centre_id is not None else None
    if centre is None:
        return
    room = session.get(Room, booking.room_id)
    named = room.name if booking.state == "confirmed" and room and room.deleted_at is None else None
    change_event(session, event, {"location": at_centre(named, centre.address)})


def end_room_meetings(session, room: Room) -> None:
    """The room is deleted: the bookings of its meetings still to come end (cancelled), each meeting's event names the
    centre instead, and partners is told the room is gone. Past meetings keep theirs: they were held there. Other
    bookings stay, naming a room that is gone (as the staff page deleting the room says)."""
    query = select(Booking).where(Booking.room_id == room.id, Booking.meeting_id.is_not(None),
                                  Booking.state != "cancelled", Booking.ends_at > utcnow())
    for booking in session.scalars(query).all():
        cancel(session, SERVICE, booking)
        follow_meeting_booking(session, booking, reason="no_room")


def follow_coordinator(session, partnership_id: int) -> None:
    """Make the partnership's current coordinator the organiser of its meeting events (after a membership change)."""
    organiser = coordinator_id(session, partnership_id)
    session.flush()
    query = select(Event).where(Event.partnership_id == partnership_id, Event.meeting_id.is_not(None),
                                Event.organisation_id.is_distinct_from(organiser))
    for event in session.scalars(query):
        change_event(session, event, {"organisation_id": organiser})
