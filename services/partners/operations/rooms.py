"""Changes to the rooms of the centres."""

from sqlalchemy import select

from services.calendar.rooms import HoursError, check_closures, check_hours
from services.messaging.errors import Conflict, FieldError
from services.partners.models import Meeting, Room
from services.partners.models.base import utcnow
from services.partners.operations.common import delete_record, publish, save_new, save_update, strip
from services.partners.operations.places import centre_by_slug


def _values(session, data: dict, room: Room | None = None) -> dict:
    """API input → column values: the centre slug becomes its id, dates become ISO text, hours are put in order."""
    values = {key: strip(value) for key, value in data.items()}
    if "centre_slug" in values:
        values["centre_id"] = centre_by_slug(session, values.pop("centre_slug")).id
    if "bookable_hours" in values:
        values["bookable_hours"] = _checked("bookable_hours", check_hours, values["bookable_hours"] or {})
    if "closures" in values:
        values["closures"] = [{"from": c["from"].isoformat(), "to": c["to"].isoformat(), "reason": c.get("reason")}
                              for c in _checked("closures", check_closures, values["closures"] or [])]
    if "open_on" in values:
        values["open_on"] = sorted({day.isoformat() for day in values["open_on"] or []})
    if "equipment" in values:
        values["equipment"] = list(values["equipment"] or [])
    centre_id = values.get("centre_id", room.centre_id if room else None)
    name = values.get("name", room.name if room else None)
    clash = select(Room.id).where(Room.centre_id == centre_id, Room.name == name)
    if room is not None:
        clash = clash.where(Room.id != room.id)
    if session.scalar(clash) is not None:
        raise FieldError("name", f"The centre has a room named {name!r} already.")
    return values


def _checked(field: str, check, value):
    try:
        return check(value)
    except HoursError as exc:
        raise FieldError(field, str(exc)) from exc


def create_room(session, data: dict) -> Room:
    values = {"bookable_hours": {}, "closures": [], "open_on": [], "equipment": [], **_values(session, data)}
    return save_new(session, Room(**values), "room.created")


def update_room(session, room: Room, data: dict) -> Room:
    """Accepted even when booked dates break the new hours, closures or buffer: the bookings live in the events
    service, which widens its stored dates by a new buffer and lists the dates that now break a rule
    (``GET /api/v1/rooms/{id}/breaches`` there)."""
    save_update(session, room, _values(session, data, room), "room.updated")
    return room


#: Why a room is not deleted (409): the API says it, the staff page in Polish (services/ui/errors.py).
ROOM_IN_USE = "A partner meeting still to come is planned in this room; move it to another room first."


def delete_room(session, room: Room) -> None:
    """The events service keeps the room's bookings, which then name a deleted room. A room a meeting still to come
    (not over, not cancelled) names stays until the meeting is moved (409). Past and cancelled meetings let go of it:
    each names no room any more (``meeting.room_status``, so their history keeps which room it was), with no new
    version (a cancelled one cannot change, and a past one cannot be given a deleted room again)."""
    naming = list(session.scalars(select(Meeting).where(Meeting.room_id == room.id)))
    now = utcnow()
    if any(meeting.status != "cancelled" and meeting.ends_at > now for meeting in naming):
        raise Conflict(ROOM_IN_USE)
    for meeting in naming:
        meeting.room_id = None
        session.flush()
        publish(session, "meeting.room_status", meeting.snapshot())
    delete_record(session, room, "room.deleted")
