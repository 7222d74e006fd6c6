"""Changes to agreements and partner meetings."""

from datetime import UTC, datetime

from sqlalchemy import select

from services.calendar.rooms import MAX_BOOKING
from services.calendar.times import aware
from services.messaging.errors import Conflict, FieldError
from services.partners.models import Agreement, Meeting, Membership, Partnership, Room
from services.partners.models.base import utcnow
from services.partners.operations.common import apply_changes, log, publish, save_new, save_update, strip
from services.partners.operations.places import centre_by_slug


def _signatories(session, partnership_id: int, ids: list[int]) -> list[Membership]:
    found = list(session.scalars(select(Membership).where(Membership.id.in_(ids),
                                                          Membership.partnership_id == partnership_id)))
    missing = sorted(set(ids) - {membership.id for membership in found})
    if missing:
        raise FieldError("signatory_ids", f"No membership of this partnership with id {', '.join(map(str, missing))}.")
    return sorted(found, key=lambda membership: membership.id)


def _check_validity(valid_from, valid_until) -> None:
    if valid_from and valid_until and valid_until < valid_from:
        raise FieldError("valid_until", "The agreement cannot end before it starts.")


def sign_agreement(session, partnership: Partnership, data: dict) -> Agreement:
    values = {key: strip(value) for key, value in data.items()}
    signatories = _signatories(session, partnership.id, values.pop("signatory_ids", []))
    _check_validity(values.get("valid_from"), values.get("valid_until"))
    agreement = Agreement(partnership_id=partnership.id, signatories=signatories, **values)
    return save_new(session, agreement, "agreement.signed")


def update_agreement(session, agreement: Agreement, data: dict) -> Agreement:
    values = {key: strip(value) for key, value in data.items()}
    if "signatory_ids" in values:
        ids = values.pop("signatory_ids")
        if sorted(ids) != agreement.signatory_ids:
            values["signatories"] = _signatories(session, agreement.partnership_id, ids)
    _check_validity(values.get("valid_from", agreement.valid_from), values.get("valid_until", agreement.valid_until))
    save_update(session, agreement, values, "agreement.updated")
    return agreement


def withdraw_agreement(session, agreement: Agreement, reason: str) -> Agreement:
    """Mark an agreement entered by mistake as withdrawn, with the reason; it stays on record."""
    if agreement.withdrawn_at is not None:
        raise Conflict("this agreement is already withdrawn")
    save_update(session, agreement, {"withdrawn_at": utcnow(), "withdrawal_reason": reason.strip()},
                "agreement.withdrawn")
    return agreement


def _meeting_values(session, data: dict) -> dict:
    values = {key: strip(value) for key, value in data.items()}
    for name in ("starts_at", "ends_at"):
        if values.get(name) is not None:
            values[name] = aware(values[name])
    if "centre_slug" in values:
        centre = centre_by_slug(session, values.pop("centre_slug"))
        values["centre_id"] = centre.id if centre else None
        if centre is not None and "address" not in values:
            values["address"] = None  # a new place replaces the old one
    elif values.get("address"):
        values["centre_id"] = None
    if values.get("centre_id") is not None and values.get("address"):
        raise FieldError("address", "Give a centre or an address, not both.")
    if "agenda" in values and values["agenda"] is None:
        values["agenda"] = ""
    return values


def _check_room(session, values: dict, meeting: Meeting | None = None) -> None:
    """A room is one of the meeting's centre's (it gives the centre when none is given); a new room, time or place
    asks the events service for a booking again, so what it last answered no longer holds."""
    room_id = values.get("room_id", meeting.room_id if meeting else None)
    if room_id is not None:
        room = session.get(Room, room_id)
        if room is None:
            raise FieldError("room_id", f"No room {room_id}.")
        if "centre_id" not in values and (meeting is None or meeting.centre_id is None):
            values["centre_id"], values["address"] = room.centre_id, None
        if values.get("centre_id", meeting.centre_id if meeting else None) != room.centre_id:
            raise FieldError("room_id", "The room is not in the meeting's centre.")
        starts_at, ends_at = (values.get(name, getattr(meeting, name, None)) for name in ("starts_at", "ends_at"))
        if starts_at is not None and ends_at is not None and ends_at - starts_at > MAX_BOOKING:
            raise FieldError("ends_at", "A meeting at a room lasts at most 24 hours; plan a longer one as several.")
    asked = ("room_id", "starts_at", "ends_at", "centre_id")
    if meeting is None or any(name in values and values[name] != getattr(meeting, name) for name in asked):
        values["room_status"] = values["room_reason"] = None


#: What each of the events service's answers makes of the meeting's room (``room_status``).
ROOM_ANSWERS = {"meeting_room.booked": "booked", "meeting_room.pending": "pending", "meeting_room.taken": "conflict",
                "meeting_room.cancelled": "cancelled"}


def mark_room(session, meeting_id: int, outcome: dict, status: str) -> Meeting | None:
    """The events service's answer about the meeting's room (``status``: a value of ROOM_ANSWERS): the meeting is
    marked booked, pending (waiting for MOPS's approval) or "room conflict", when the answer is about the room and
    time it still asks for. A cancelled booking (by MOPS, or the room deleted) frees the meeting of the room: it names
    none any more (its place is the centre) and has a new version, so a form opened before cannot send the room back
    unnoticed. A change of the mark is published as ``meeting.room_status`` (so the history records a conflict and its
    clearing); the same answer again changes nothing, and so does any answer about a cancelled meeting (it holds no
    room: the events service gives its booking back when it hears of the cancellation)."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is not None and meeting.status == "cancelled":
        log.info("meeting #%s: a room answer about a cancelled meeting is left aside", meeting_id)
        return meeting
    if meeting is None or meeting.room_id != outcome["room_id"] or meeting.starts_at != outcome["starts_at"] \
            or meeting.ends_at != outcome["ends_at"]:
        log.info("meeting #%s: a room answer for an earlier plan is left aside", meeting_id)
        return meeting
    reason = outcome["reason"] if status in ("conflict", "cancelled") else None
    if (meeting.room_status, meeting.room_reason) == (status, reason):
        return meeting
    room_id = meeting.room_id
    meeting.room_status, meeting.room_reason = status, reason
    if status == "cancelled":
        meeting.room_id = None
        meeting.version += 1
        meeting.updated_at = datetime.now(UTC)
    session.flush()
    publish(session, "meeting.room_status", meeting.snapshot())
    log.info("meeting #%s: room %s %s%s", meeting.id, room_id, status, f" ({reason})" if reason else "")
    return meeting


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise FieldError("ends_at", "The meeting must end after it starts.")


def plan_meeting(session, partnership: Partnership, data: dict) -> Meeting:
    values = _meeting_values(session, data)
    _check_times(values["starts_at"], values["ends_at"])
    _check_room(session, values)
    values.setdefault("status", "planned")
    values.setdefault("agenda", "")
    meeting = Meeting(partnership_id=partnership.id, updated_at=datetime.now(UTC), **values)
    type_name = "meeting.cancelled" if meeting.status == "cancelled" else "meeting.planned"
    return save_new(session, meeting, type_name)


#: What the API (409) and the staff page (in the page's language) say of a change to a cancelled meeting.
CANCELLED_MEETING = "This meeting is cancelled; a cancelled meeting cannot be changed."


def update_meeting(session, meeting: Meeting, data: dict) -> Meeting:
    """Cancelling publishes ``meeting.cancelled``; any other change ``meeting.updated``; no change, nothing. A
    cancelled meeting is final: a change to it is a Conflict, while cancelling it again (or sending what it is)
    changes nothing."""
    values = _meeting_values(session, data)
    if meeting.status == "cancelled" and any(getattr(meeting, name) != value for name, value in values.items()):
        raise Conflict(CANCELLED_MEETING)
    _check_times(values.get("starts_at", meeting.starts_at), values.get("ends_at", meeting.ends_at))
    _check_room(session, values, meeting)
    cancelling = values.get("status") == "cancelled" and meeting.status != "cancelled"
    if cancelling:  # the events service gives the room back when it hears of it; it answers nothing more
        values["room_status"] = values["room_reason"] = None
    if not apply_changes(meeting, values):
        return meeting
    meeting.updated_at = datetime.now(UTC)
    meeting.version += 1
    session.flush()
    type_name = "meeting.cancelled" if cancelling else "meeting.updated"
    publish(session, type_name, meeting.snapshot())
    log.info("%s: meeting #%s version %s", type_name, meeting.id, meeting.version)
    return meeting


