"""``/api/v1/rooms/{id}/bookings`` and ``/api/v1/bookings/...``: book a room, skip or re-add a date, approve,
cancel; ``/api/v1/rooms/free-slots``. Thin: the rules are in ``operations`` and the calendar core."""

import uuid
from datetime import datetime, timedelta

from flask import jsonify
from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.calendar.times import aware, day_after, local_midnight, parse_moment, to_wire
from services.events.auth import Caller, require_caller
from services.events.meetings import follow_meeting_booking
from services.events.models import Booking, Centre, Organisation, Partnership, Room
from services.events.queries import live
from services.events.rooms import operations
from services.events.rooms.operations import Holder, Refused, Taken
from services.events.rooms.queries import MAX_WINDOW, free_slots, members_busy
from services.events.rooms.schemas import BookingInSchema, BookingSchema, FreeSlotQuerySchema, SlotSchema
from services.messaging.errors import answering_errors, field_error
from services.messaging.http_guards import BEARER, PUBLIC, Blueprint
from services.messaging.web import acts_for, request_session

blp = Blueprint("bookings", __name__, url_prefix="/api/v1", description="Rooms booked without double-booking.")
RULES = {"past": "the date has passed", "horizon": "the date is past the room's booking horizon",
         "bookable_hours": "outside the room's bookable hours", "closure": "the room is closed then",
         "holiday": "a public holiday: the room is closed",
         "buffer": "closer to the next or previous booking than the room's buffer on both sides"}


def holder_of(session, caller: Caller, organisation_slug: str | None = None) -> Holder:
    if not caller.is_admin:
        if organisation_slug and organisation_slug != caller.organisation.slug:
            abort(403, message=f"This key acts for {caller.organisation.slug!r} only.")
        return Holder(False, caller.organisation.id)
    if organisation_slug:
        organisation = live(session, Organisation, slug=organisation_slug)
        if organisation is None:
            field_error("json", "organisation", f"No organisation {organisation_slug!r}.")
        return Holder(True, organisation.id)
    return Holder(True, None)


def refused_response(exc: Refused):
    """422 naming the rule, and the dates it refuses."""
    message = f"{exc.rule}: {RULES.get(exc.rule, exc.rule)}"
    dates = [operations.to_wire(moment) for moment in exc.dates]
    response = jsonify({"code": 422, "status": "Unprocessable Entity", "message": message, "rule": exc.rule,
                        "dates": dates, "errors": {"json": {"starts_at": [message]}}})
    response.status_code = 422
    return response


def taken_response(session, exc: Taken, caller: Caller):
    """409 listing each clashing date; MOPS sees who holds it, an organisation only "taken" (or its own booking)."""
    listed = []
    for clash in exc.clashes:
        booking = clash.holder.booking
        item = {"starts_at": operations.to_wire(clash.starts_at), "ends_at": operations.to_wire(clash.ends_at),
                "held_by": "taken"}
        own = not caller.is_admin and booking.organisation_id == caller.organisation.id
        if caller.is_admin or own:
            item["held_by"] = {"booking": str(booking.id), "title": booking.title,
                               "holder": operations.holder_name(session, clash.holder), "state": clash.holder.state,
                               "starts_at": operations.to_wire(clash.holder.starts_at),
                               "ends_at": operations.to_wire(clash.holder.ends_at)}
        listed.append(item)
    response = jsonify({"code": 409, "status": "Conflict", "conflicts": listed,
                        "message": f"{len(listed)} of the dates are taken; send skip_conflicts: true to book the "
                                   "others and skip these."})
    response.status_code = 409
    return response


def attempt(change, caller: Caller):
    """Run ``change(session)`` and commit; when the database refuses an overlap that raced past the check (the
    exclusion constraint), run it once more: it then sees the winner and answers 409 with the listing."""
    session = request_session()
    for tries in (1, 2):
        try:
            with answering_errors():
                result = change(session)
            session.commit()
            return result
        except Refused as exc:
            session.rollback()
            return refused_response(exc)
        except Taken as exc:
            session.rollback()
            return taken_response(session, exc, caller)
        except IntegrityError:
            session.rollback()
            if tries == 2:
                abort(409, message="This date was booked at the same moment; read the room's bookings again.")
    raise AssertionError("unreachable")


def _room(session, room_id: int) -> Room:
    room = live(session, Room, id=room_id)
    if room is None:
        abort(404, message=f"No room {room_id}.")
    return room


def _booking(session, booking_id: uuid.UUID) -> Booking:
    booking = session.get(Booking, booking_id)
    if booking is None:
        abort(404, message=f"No booking {booking_id}.")
    return booking


def _visible_booking(session, booking_id: uuid.UUID, caller: Caller) -> Booking:
    booking = _booking(session, booking_id)
    if not acts_for(caller, booking.organisation_id):
        abort(404, message=f"No booking {booking_id}.")
    return booking


@blp.route("/rooms/<int:room_id>/bookings")
class RoomBookings(MethodView):
    @blp.arguments(BookingInSchema)
    @blp.response(201, BookingSchema)
    @blp.alt_response(409, description="Dates are taken: each is listed, with its holder for MOPS.")
    @blp.alt_response(422, description="A rule of the room refuses a date: the rule is named.")
    def post(self, data, room_id):
        """Book a room for a date or a series (every date up to the room's horizon is checked)"""
        session = request_session()
        caller = require_caller(session)
        room = _room(session, room_id)
        holder = holder_of(session, caller, data.pop("organisation", None))
        if data.get("event"):
            with answering_errors():
                data.update(operations.event_booking(session, holder, data.pop("event")))
        result = attempt(lambda s: operations.book(s, _room(s, room.id), holder, data), caller)
        return result if not isinstance(result, Booking) else (result, 201)


@blp.route("/bookings/<uuid:booking_id>")
class BookingById(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, BookingSchema)
    def get(self, booking_id):
        """One booking with each date's state (MOPS, or the organisation holding it)"""
        session = request_session()
        return _visible_booking(session, booking_id, require_caller(session))

    @blp.response(200, BookingSchema)
    def delete(self, booking_id):
        """Cancel a booking: every date it held is free again"""
        session = request_session()
        caller = require_caller(session)
        booking = _visible_booking(session, booking_id, caller)
        return attempt(lambda s: _meeting_follows(s, operations.cancel(s, holder_of(s, caller), booking)), caller)


def _meeting_follows(session, booking):
    """A partner meeting's booking approved or cancelled by hand: its event names the room only while confirmed."""
    follow_meeting_booking(session, booking)
    return booking


@blp.route("/bookings/<uuid:booking_id>/approve")
class BookingApproval(MethodView):
    @blp.response(200, BookingSchema)
    def post(self, booking_id):
        """Approve a pending booking (MOPS): its tentative dates become confirmed"""
        session = request_session()
        caller = require_caller(session)
        if not caller.is_admin:
            abort(403, message="Only MOPS (an administrator) approves bookings.")
        booking = _booking(session, booking_id)
        return attempt(lambda s: _meeting_follows(s, operations.approve(s, booking)), caller)


@blp.route("/rooms/<int:room_id>/breaches")
class RoomBreaches(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200)
    def get(self, room_id):
        """The booked dates still to come that the room's rules refuse since they changed (its hours, closures,
        buffer or horizon): each with the rule and its booking; MOPS sees all with their holders, an organisation
        its own. A change of the rules is accepted, not refused: the partners service, where rooms are written,
        cannot see the bookings, and MOPS decides what to move."""
        session = request_session()
        caller = require_caller(session)
        found = operations.breaches(session, _room(session, room_id))
        listed = []
        for breach in found:
            booking = breach.row.booking
            if not acts_for(caller, booking.organisation_id):
                continue
            item = {"booking": str(booking.id), "starts_at": to_wire(breach.row.starts_at),
                    "ends_at": to_wire(breach.row.ends_at), "rule": breach.rule,
                    "message": RULES.get(breach.rule, breach.rule), "title": booking.title}
            if caller.is_admin:
                item["holder"] = operations.holder_name(session, breach.row)
            listed.append(item)
        return jsonify(listed)


def _start(text: str) -> datetime:
    try:
        value = parse_moment(text)
    except ValueError:
        value = None
    if not isinstance(value, datetime):
        abort(404, message=f"{text!r} is not a date of a booking: give its start as 2027-03-16T17:00:00 (Warsaw).")
    return aware(value)


@blp.route("/bookings/<uuid:booking_id>/dates/<start>")
class BookingDateById(MethodView):
    @blp.response(200, BookingSchema)
    def delete(self, booking_id, start):
        """Skip one date: exactly that slot is free again"""
        return _date_change(booking_id, start, lambda s, holder, booking, moment, room:
                            operations.skip_date(s, holder, booking, moment))

    @blp.response(200, BookingSchema)
    @blp.alt_response(409, description="The date is taken meanwhile.")
    def post(self, booking_id, start):
        """Add a skipped date again, in one action"""
        return _date_change(booking_id, start, operations.restore_date)


def _date_change(booking_id, start: str, change):
    session = request_session()
    caller = require_caller(session)
    booking = _visible_booking(session, booking_id, caller)
    moment = _start(start)
    if not any(row.starts_at == moment for row in booking.dates):
        abort(404, message=f"Booking {booking_id} has no date starting {start}.")

    def run(s):
        change(s, holder_of(s, caller), booking, moment, _room(s, booking.room_id))
        return booking

    return attempt(run, caller)


def rooms_of(session, room_ids: list[int], centre: str | None) -> list[Room]:
    """The rooms asked for by id, and every room of the centre named by slug."""
    rooms = [_room(session, room_id) for room_id in room_ids]
    if centre:
        row = live(session, Centre, slug=centre)
        if row is None:
            field_error("query", "centre", f"No centre {centre!r}.")
        query = select(Room).where(Room.centre_id == row.id, Room.deleted_at.is_(None)).order_by(Room.id)
        rooms += [room for room in session.scalars(query) if room.id not in room_ids]
    if not rooms:
        field_error("query", "room", "Name a room (room=) or a centre (centre=).")
    return rooms


def window(args: dict) -> tuple[datetime, datetime]:
    """``from`` and ``to`` as a window: a date means its whole day (``to`` inclusive); at most MAX_WINDOW long."""
    start, end = args["from_"], args["to"]
    start = aware(start) if isinstance(start, datetime) else local_midnight(start)
    end = aware(end) if isinstance(end, datetime) else local_midnight(day_after(end))
    if end <= start:
        field_error("query", "to", "The window must end after it starts.")
    if end - start > MAX_WINDOW:
        field_error("query", "to", f"Ask for at most {MAX_WINDOW.days} days at a time.")
    return start, end


@blp.route("/rooms/free-slots")
class FreeSlots(MethodView):
    @blp.doc(security=PUBLIC)
    @blp.arguments(FreeSlotQuerySchema, location="query")
    @blp.response(200, SlotSchema(many=True))
    def get(self, args):
        """Free slots of a length on full and half hours (Warsaw), in one room, any of several, or a centre's"""
        session = request_session()
        rooms = rooms_of(session, args["room"], args.get("centre"))
        start, end = window(args)
        also_busy = []
        if args.get("partnership") is not None:
            if live(session, Partnership, id=args["partnership"]) is None:
                field_error("query", "partnership", f"No partnership {args['partnership']}.")
            also_busy = members_busy(session, args["partnership"], start, end)
        slots = free_slots(session, rooms, timedelta(minutes=args["duration"]), start, end, operations.utcnow(),
                           every_room=args["all"], also_busy=also_busy)
        return [{"starts_at": to_wire(slot.starts_at), "ends_at": to_wire(slot.ends_at), "rooms": list(slot.rooms)}
                for slot in slots]
