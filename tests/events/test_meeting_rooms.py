"""A partner meeting planned at a room (issue #13): booked on arrival; a taken room is answered, never
double-booked; a changed meeting is booked again; a cancelled one gives the room back."""

from datetime import UTC, datetime

from sqlalchemy import select

from services.events.models import Booking, BookingDate
from services.messaging.registry import validate
from tests.events.factories import deliver, meeting, outbox, seed
from tests.events.rooms import add_room, fixed_clock  # noqa: F401 (a fixture)

AT = {"starts_at": "2026-12-08T17:00:00+01:00", "ends_at": "2026-12-08T19:00:00+01:00", "centre_id": 10}


def answers(app) -> list:
    return [m for m in outbox(app) if m.type.startswith("meeting_room.")]


def blocking(app, room_id: int = 1) -> list[tuple]:
    with app.extensions["osl"].database.session() as session:
        rows = session.execute(select(BookingDate.starts_at, Booking.meeting_id, Booking.title)
                               .join(Booking, Booking.id == BookingDate.booking_id)
                               .where(BookingDate.room_id == room_id, BookingDate.blocks.is_(True))
                               .order_by(BookingDate.starts_at)).all()
    return [tuple(row) for row in rows]


def test_a_meeting_at_a_room_is_booked_when_its_message_arrives(events_app, fixed_clock):  # noqa: F811
    seed(events_app)
    add_room(events_app)
    deliver(events_app, "meeting.planned", meeting(3, 7, room_id=1, **AT))
    assert blocking(events_app) == [(datetime(2026, 12, 8, 16, tzinfo=UTC), 3, "Spotkanie partnerskie")]
    [answer] = answers(events_app)
    assert answer.type == "meeting_room.booked"
    assert (answer.data["meeting_id"], answer.data["room_id"], answer.data["reason"]) == (3, 1, None)
    assert answer.data["organisation_id"] == 100  # the coordinator
    assert validate(answer.type, answer.data) == answer.data
    assert "booking.created" in [m.type for m in outbox(events_app)]
    # The same message again (a redelivery with a new id) and a change of the agenda keep the one booking.
    deliver(events_app, "meeting.planned", meeting(3, 7, room_id=1, **AT))
    deliver(events_app, "meeting.updated", meeting(3, 7, version=2, room_id=1, agenda="Nowy porządek", **AT))
    assert len(blocking(events_app)) == 1 and len(answers(events_app)) == 1


def test_a_taken_room_is_answered_and_never_double_booked(events_app, fixed_clock):  # noqa: F811
    seed(events_app)
    add_room(events_app)
    deliver(events_app, "meeting.planned", meeting(3, 7, room_id=1, **AT))
    # Another meeting half an hour later: it overlaps (and the buffer of 15 minutes besides).
    later = {**AT, "starts_at": "2026-12-08T18:30:00+01:00", "ends_at": "2026-12-08T20:00:00+01:00"}
    deliver(events_app, "meeting.planned", meeting(4, 7, title="Drugie spotkanie", room_id=1, **later))
    assert [row[1] for row in blocking(events_app)] == [3]
    taken = answers(events_app)[-1]
    assert (taken.type, taken.data["meeting_id"], taken.data["reason"]) == ("meeting_room.taken", 4, "taken")
    assert taken.data["starts_at"] == "2026-12-08T18:30:00+01:00" and taken.data["room_name"] == "Sala 1"
    assert validate(taken.type, taken.data) == taken.data

    # Moved to a free time, the meeting is booked: the conflict clears.
    free = {**AT, "starts_at": "2026-12-08T19:30:00+01:00", "ends_at": "2026-12-08T21:00:00+01:00"}
    deliver(events_app, "meeting.updated", meeting(4, 7, version=2, title="Drugie spotkanie", room_id=1, **free))
    assert [row[1] for row in blocking(events_app)] == [3, 4]
    assert answers(events_app)[-1].type == "meeting_room.booked"


def test_a_room_rule_is_a_conflict_too_naming_the_rule(events_app, fixed_clock):  # noqa: F811
    seed(events_app)
    add_room(events_app)
    holiday = {**AT, "starts_at": "2026-12-25T17:00:00+01:00", "ends_at": "2026-12-25T19:00:00+01:00"}
    deliver(events_app, "meeting.planned", meeting(3, 7, room_id=1, **holiday))
    deliver(events_app, "meeting.planned", meeting(5, 7, room_id=99, **AT))  # no such room in the replica
    assert [(a.data["meeting_id"], a.type, a.data["reason"]) for a in answers(events_app)] == [
        (3, "meeting_room.taken", "holiday"), (5, "meeting_room.taken", "no_room")]
    assert blocking(events_app) == []


def test_a_moved_or_cancelled_meeting_gives_its_room_back(events_app, fixed_clock):  # noqa: F811
    seed(events_app)
    add_room(events_app)
    add_room(events_app, id=2)
    deliver(events_app, "meeting.planned", meeting(3, 7, room_id=1, **AT))
    # Half an hour later in the same room: its own old booking does not stand in the way.
    later = {**AT, "starts_at": "2026-12-08T17:30:00+01:00", "ends_at": "2026-12-08T19:30:00+01:00"}
    deliver(events_app, "meeting.updated", meeting(3, 7, version=2, room_id=1, **later))
    assert blocking(events_app) == [(datetime(2026, 12, 8, 16, 30, tzinfo=UTC), 3, "Spotkanie partnerskie")]
    deliver(events_app, "meeting.updated", meeting(3, 7, version=3, room_id=2, **later))
    assert blocking(events_app, 1) == [] and len(blocking(events_app, 2)) == 1
    deliver(events_app, "meeting.cancelled", meeting(3, 7, version=4, room_id=2, status="cancelled", **later))
    assert blocking(events_app, 2) == []
    assert [a.type for a in answers(events_app)] == ["meeting_room.booked"] * 3
    # Room 1 is free again for anyone.
    deliver(events_app, "meeting.planned", meeting(4, 7, room_id=1, **AT))
    assert answers(events_app)[-1].type == "meeting_room.booked"


def test_a_meeting_longer_than_a_day_planned_before_partners_refused_it_is_answered_in_the_contracts_words(
        events_app, fixed_clock):  # noqa: F811
    """A room is booked for at most 24 hours at a time. Partners refuses to plan a longer meeting at a room
    (tests/partners/test_meeting_rooms.py); one planned before it did is answered with the nearest reason the message
    has, and the meeting's event is kept (the refusal is no fault of the message)."""
    seed(events_app)
    add_room(events_app, bookable_hours={day: ["00:00-24:00"] for day in ("MO", "TU", "WE", "TH", "FR", "SA", "SU")})
    two_days = {**AT, "starts_at": "2026-12-08T09:00:00+01:00", "ends_at": "2026-12-09T17:00:00+01:00"}
    deliver(events_app, "meeting.planned", meeting(3, 7, room_id=1, **two_days))
    [answer] = answers(events_app)
    assert (answer.type, answer.data["meeting_id"], answer.data["reason"]) == ("meeting_room.taken", 3,
                                                                                "bookable_hours")
    assert validate(answer.type, answer.data) == answer.data
    assert blocking(events_app) == []


def test_every_refusal_of_a_meeting_room_has_one_reason_the_message_accepts():
    from services.calendar import rooms
    from services.events.rooms.meetings import refusal_reason
    from services.events.rooms.operations import Refused, Taken
    from services.messaging.errors import FieldError
    from services.messaging.messages.events import MEETING_ROOM_REASONS

    rules = (rooms.BOOKABLE_HOURS, rooms.CLOSURE, rooms.HOLIDAY, rooms.HORIZON, rooms.PAST)
    found = [refusal_reason(Refused(rule, [])) for rule in rules] + [
        refusal_reason(Taken([])), refusal_reason(LookupError(1)),
        refusal_reason(FieldError("ends_at", "A booked date lasts at most 24 hours."))]
    assert found == [*rules, "taken", "no_room", "bookable_hours"]
    assert set(found) == set(MEETING_ROOM_REASONS)
    assert refusal_reason(FieldError("title", "Too long.")) is None  # not a refusal of the time: not hidden as one


def published_places(app, meeting_id: int) -> list[tuple]:
    """What each message of the meeting's event says of its place: the type, the location, the feed's LOCATION."""
    from icalendar import Calendar

    places = []
    for message in outbox(app):
        if message.type.startswith("event.") and message.data.get("meeting_id") == meeting_id:
            [vevent] = Calendar.from_ical(message.data["ical"]).walk("VEVENT")
            places.append((message.type, message.data["location"], str(vevent["LOCATION"])))
    return places


def test_a_meeting_names_its_room_only_once_the_room_is_booked_for_it(events_app, fixed_clock):  # noqa: F811
    """Meeting B asks for the room meeting A holds: its invitation and the partnership's feed name the centre and its
    address, not a room B does not have; moved to a free time, the room is booked and named (a change of place);
    moved back into A's time, it loses the room again."""
    seed(events_app)
    add_room(events_app)
    deliver(events_app, "meeting.planned", meeting(3, 7, room_id=1, **AT))
    later = {**AT, "starts_at": "2026-12-08T18:00:00+01:00", "ends_at": "2026-12-08T19:00:00+01:00"}
    deliver(events_app, "meeting.planned", meeting(4, 7, title="Drugie spotkanie", room_id=1, **later))
    address = "ul. Łukasińskiego 40, Częstochowa"
    assert published_places(events_app, 3) == [
        ("event.published", f"Sala 1, {address}", f"OSL Raków, Sala 1, {address}")]
    assert published_places(events_app, 4) == [("event.published", address, f"OSL Raków, {address}")]

    free = {**AT, "starts_at": "2026-12-08T19:30:00+01:00", "ends_at": "2026-12-08T21:00:00+01:00"}
    deliver(events_app, "meeting.updated", meeting(4, 7, version=2, title="Drugie spotkanie", room_id=1, **free))
    deliver(events_app, "meeting.updated", meeting(4, 7, version=3, title="Drugie spotkanie", room_id=1, **later))
    assert published_places(events_app, 4)[1:] == [
        ("event.updated", f"Sala 1, {address}", f"OSL Raków, Sala 1, {address}"),
        ("event.updated", address, f"OSL Raków, {address}")]
    assert [a.type for a in answers(events_app)] == ["meeting_room.booked", "meeting_room.taken",
                                                     "meeting_room.booked", "meeting_room.taken"]


def test_a_meeting_names_a_room_that_needs_approval_once_mops_approves_and_no_more_once_mops_cancels(
        events_app, fixed_clock):  # noqa: F811
    """A room MOPS approves bookings of: the meeting's booking waits (it may yield to a confirmed one), so the
    invitation names the centre; approved, the room is named (a change of place); its booking cancelled by MOPS, the
    room is not named any more."""
    from tests.events.factories import ADMIN

    seed(events_app)
    add_room(events_app, requires_approval=True)
    deliver(events_app, "meeting.planned", meeting(3, 7, room_id=1, **AT))
    address = "ul. Łukasińskiego 40, Częstochowa"
    assert published_places(events_app, 3) == [("event.published", address, f"OSL Raków, {address}")]
    with events_app.extensions["osl"].database.session() as session:
        booking = session.scalars(select(Booking).where(Booking.meeting_id == 3)).one()
    assert booking.state == "pending"
    client = events_app.test_client()
    assert client.post(f"/api/v1/bookings/{booking.id}/approve", headers=ADMIN).status_code == 200
    assert client.delete(f"/api/v1/bookings/{booking.id}", headers=ADMIN).status_code == 200
    assert published_places(events_app, 3)[1:] == [
        ("event.updated", f"Sala 1, {address}", f"OSL Raków, Sala 1, {address}"),
        ("event.updated", address, f"OSL Raków, {address}")]


def _booking_of(app, meeting_id: int) -> Booking:
    with app.extensions["osl"].database.session() as session:
        booking = session.scalars(select(Booking).where(Booking.meeting_id == meeting_id)
                                  .order_by(Booking.created_at.desc())).first()
        session.expunge(booking)
        return booking


def test_a_booking_waiting_for_approval_is_answered_pending_then_booked_once_approved(events_app,
                                                                                    fixed_clock):  # noqa: F811
    """Partners shows "awaiting approval" until MOPS approves: the answer says pending, and the approval books it."""
    from tests.events.factories import ADMIN

    seed(events_app)
    add_room(events_app, requires_approval=True)
    deliver(events_app, "meeting.planned", meeting(3, 7, room_id=1, **AT))
    [pending] = answers(events_app)
    assert (pending.type, pending.data["meeting_id"], pending.data["reason"]) == ("meeting_room.pending", 3, None)
    assert validate(pending.type, pending.data) == pending.data
    booking = _booking_of(events_app, 3)
    client = events_app.test_client()
    assert client.post(f"/api/v1/bookings/{booking.id}/approve", headers=ADMIN).status_code == 200
    approved = answers(events_app)[-1]
    assert (approved.type, approved.data["meeting_id"], approved.data["meeting_version"]) == (
        "meeting_room.booked", 3, 1)
    assert (approved.data["starts_at"], approved.data["ends_at"]) == (AT["starts_at"], AT["ends_at"])
    assert approved.data["booking_id"] == str(booking.id) and approved.data["organisation_id"] == 100
    assert validate(approved.type, approved.data) == approved.data


def test_a_meeting_booking_mops_cancels_is_told_to_partners_and_not_booked_again_by_a_late_snapshot(
        events_app, fixed_clock):  # noqa: F811
    """MOPS cancels a meeting's booking: partners is told (``meeting_room.cancelled``), the meeting's event names the
    centre; a snapshot written before partners heard of it (it still says booked) does not take the room back; one
    asking for the room afresh (room_status cleared: the coordinator chose it again) does."""
    from tests.events.factories import ADMIN

    seed(events_app)
    add_room(events_app)
    deliver(events_app, "meeting.planned", meeting(3, 7, room_id=1, **AT))
    booking = _booking_of(events_app, 3)
    client = events_app.test_client()
    assert client.delete(f"/api/v1/bookings/{booking.id}", headers=ADMIN).status_code == 200
    cancelled = answers(events_app)[-1]
    assert (cancelled.type, cancelled.data["meeting_id"], cancelled.data["reason"]) == (
        "meeting_room.cancelled", 3, None)
    assert validate(cancelled.type, cancelled.data) == cancelled.data
    address = "ul. Łukasińskiego 40, Częstochowa"
    assert published_places(events_app, 3)[-1] == ("event.updated", address, f"OSL Raków, {address}")
    deliver(events_app, "meeting.updated", meeting(3, 7, version=2, room_id=1, agenda="Nowy porządek",
                                                   room_status="booked", **AT))
    assert blocking(events_app) == [] and len(answers(events_app)) == 2
    deliver(events_app, "meeting.updated", meeting(3, 7, version=4, room_id=1, room_status=None, **AT))
    assert len(blocking(events_app)) == 1 and answers(events_app)[-1].type == "meeting_room.booked"


def test_a_room_deleted_ends_the_bookings_of_meetings_still_to_come_and_their_place_follows(
        events_app, fixed_clock):  # noqa: F811
    """Deleting a room ends its meetings' bookings still to come: each meeting's event names the centre, not the room
    that is gone, and partners is told why (``no_room``)."""
    from tests.events.rooms import room

    seed(events_app)
    add_room(events_app)
    deliver(events_app, "meeting.planned", meeting(3, 7, room_id=1, **AT))
    deliver(events_app, "room.deleted", room())
    assert blocking(events_app) == []
    assert _booking_of(events_app, 3).state == "cancelled"
    ended = answers(events_app)[-1]
    assert (ended.type, ended.data["meeting_id"], ended.data["reason"]) == ("meeting_room.cancelled", 3, "no_room")
    address = "ul. Łukasińskiego 40, Częstochowa"
    assert published_places(events_app, 3) == [
        ("event.published", f"Sala 1, {address}", f"OSL Raków, Sala 1, {address}"),
        ("event.updated", address, f"OSL Raków, {address}")]


def test_a_cancelled_meeting_holds_no_room_even_when_an_earlier_plan_arrives_late(events_app, fixed_clock):  # noqa: F811
    """Its cancellation first (the plan's delivery was retried): nothing is booked, nothing answered."""
    seed(events_app)
    add_room(events_app)
    deliver(events_app, "meeting.cancelled", meeting(3, 7, version=2, room_id=1, status="cancelled", **AT))
    deliver(events_app, "meeting.planned", meeting(3, 7, room_id=1, **AT))
    assert blocking(events_app) == [] and answers(events_app) == []


def test_a_pending_meeting_booking_that_yields_to_mops_is_answered_taken(events_app, fixed_clock):  # noqa: F811
    """MOPS books the time a meeting's booking waits for approval at: the meeting's booking gives way (yielded), so
    partners is told the room is taken, not left "awaiting approval"."""
    from tests.events.rooms import book

    seed(events_app)
    add_room(events_app, requires_approval=True)
    deliver(events_app, "meeting.planned", meeting(3, 7, room_id=1, **AT))
    assert book(events_app.test_client(), starts_at="2026-12-08T17:30:00").status_code == 201
    taken = answers(events_app)[-1]
    assert (taken.type, taken.data["meeting_id"], taken.data["reason"]) == ("meeting_room.taken", 3, "taken")
    assert validate(taken.type, taken.data) == taken.data
