"""A partner meeting at a room (issue #13), the partners side: the room is one of its centre's; the events service's
answer marks the meeting booked or "room conflict" (API and the staff page, in Polish), each change of the mark is
recorded once, and an answer about an earlier plan of the meeting is left aside."""

from services.messaging.envelope import Envelope
from tests.partners.helpers import ADMIN, created
from tests.partners.test_rooms import ROOM


def _meeting_at_a_room(partners) -> tuple[str, dict, dict]:
    partnership, _, _ = partners.partnership_with_coordinator()
    partners.make_centre()
    room = created(partners.client.post("/api/v1/rooms/", json=ROOM, headers=ADMIN))
    url = f"/api/v1/partnerships/{partnership['id']}/meetings/"
    meeting = created(partners.client.post(url, json={
        "title": "Spotkanie partnerskie", "starts_at": "2027-03-09T17:00:00", "ends_at": "2027-03-09T19:00:00",
        "room_id": room["id"]}, headers=ADMIN))
    return f"{url}{meeting['id']}", meeting, room


def answer(partners, type_name: str, meeting: dict, room: dict, **extra) -> None:
    """The events service's answer, handed to the partners consumer's handler in its own transaction."""
    data = {"meeting_id": meeting["id"], "meeting_version": meeting["version"],
            "partnership_id": meeting["partnership_id"], "title": meeting["title"], "organisation_id": None,
            "room_id": room["id"], "room_name": room["name"], "starts_at": meeting["starts_at"],
            "ends_at": meeting["ends_at"], "reason": "taken" if type_name.endswith("taken") else None,
            "booking_id": None, **extra}
    with partners.session() as session:
        partners.app.extensions["osl"].handlers["meeting-rooms"](session, Envelope.new(type_name, data))


def test_a_meeting_names_a_room_of_its_centre_and_the_message_carries_it(partners):
    item, meeting, room = _meeting_at_a_room(partners)
    assert (meeting["room_id"], meeting["room_status"], meeting["centre"]) == (room["id"], None, "osl-ostatni-grosz")
    planned = partners.outbox()[-1]
    assert planned.type == "meeting.planned" and planned.data["room_id"] == room["id"]
    moved = partners.client.patch(item, json={"centre": None, "address": "ul. Łódzka 1"},
                                  headers=partners.with_etag(item))
    assert moved.status_code == 422 and "room_id" in moved.json["errors"]["json"]
    missing = partners.client.patch(item, json={"room_id": 999}, headers=partners.with_etag(item))
    assert missing.status_code == 422 and "room_id" in missing.json["errors"]["json"]
    room_url = f"/api/v1/rooms/{room['id']}"
    refused = partners.client.delete(room_url, headers=partners.with_etag(room_url))
    assert refused.status_code == 409


def test_a_taken_room_marks_the_meeting_and_booking_it_later_clears_the_mark(partners):
    item, meeting, room = _meeting_at_a_room(partners)
    answer(partners, "meeting_room.taken", meeting, room)
    answer(partners, "meeting_room.taken", meeting, room)  # the same answer again: nothing new
    shown = partners.client.get(item, headers=ADMIN).json
    assert (shown["room_status"], shown["room_reason"], shown["version"]) == ("conflict", "taken", 1)
    marks = [m for m in partners.outbox() if m.type == "meeting.room_status"]
    assert [m.data["room_status"] for m in marks] == ["conflict"]

    # The meeting moves: what the events service last said no longer holds, until it answers about the new time.
    moved = partners.client.patch(item, json={"starts_at": "2027-03-09T19:30:00", "ends_at": "2027-03-09T21:00:00"},
                                  headers=partners.with_etag(item)).json
    assert moved["room_status"] is None
    answer(partners, "meeting_room.taken", meeting, room)  # late: about the old time, left aside
    assert partners.client.get(item, headers=ADMIN).json["room_status"] is None
    answer(partners, "meeting_room.booked", moved, room)
    assert partners.client.get(item, headers=ADMIN).json["room_status"] == "booked"
    marks = [m for m in partners.outbox() if m.type == "meeting.room_status"]
    assert [m.data["room_status"] for m in marks] == ["conflict", "booked"]  # the clearing is recorded


def test_the_history_shows_the_conflict_and_its_clearing(partners):
    item, meeting, room = _meeting_at_a_room(partners)
    answer(partners, "meeting_room.taken", meeting, room)
    answer(partners, "meeting_room.booked", meeting, room)
    entries = partners.client.get("/api/v1/history/?limit=10", headers=ADMIN).json
    changes = [e["changes"].get("room_status") for e in entries if e["type"] == "meeting.room_status"]
    assert {"from": "conflict", "to": "booked"} in changes and {"from": None, "to": "conflict"} in changes


def test_a_meeting_at_a_room_longer_than_a_booking_may_last_is_refused_when_planned(partners):
    """services/calendar/rooms.py MAX_BOOKING, the events service's limit on one booked date, told to the coordinator
    at once (422 naming ends_at), not later as a room conflict; without a room a long meeting is fine."""
    item, meeting, room = _meeting_at_a_room(partners)
    two_days = partners.client.patch(item, json={"ends_at": "2027-03-10T19:00:00"}, headers=partners.with_etag(item))
    assert two_days.status_code == 422 and "ends_at" in two_days.json["errors"]["json"], two_days.json
    url = item.rsplit("/", 1)[0] + "/"
    body = {"title": "Wyjazd integracyjny", "starts_at": "2027-03-09T09:00:00", "ends_at": "2027-03-10T17:00:00"}
    assert partners.client.post(url, json={**body, "room_id": room["id"]}, headers=ADMIN).status_code == 422
    assert partners.client.post(url, json=body, headers=ADMIN).status_code == 201
    exactly_a_day = partners.client.patch(item, json={"ends_at": "2027-03-10T17:00:00"},
                                          headers=partners.with_etag(item))
    assert exactly_a_day.status_code == 200, exactly_a_day.json


def _marks(partners, meeting_id: int) -> list:
    return [(m.data["room_id"], m.data["room_status"]) for m in partners.outbox()
            if m.type == "meeting.room_status" and m.data["id"] == meeting_id]


def test_a_booking_waiting_for_mops_is_pending_until_approved(partners):
    """A room that needs MOPS's approval: booked but not yet approved is "awaiting approval", not "booked"."""
    item, meeting, room = _meeting_at_a_room(partners)
    answer(partners, "meeting_room.pending", meeting, room)
    assert partners.client.get(item, headers=ADMIN).json["room_status"] == "pending"
    answer(partners, "meeting_room.booked", meeting, room)  # MOPS approves
    assert partners.client.get(item, headers=ADMIN).json["room_status"] == "booked"
    assert _marks(partners, meeting["id"]) == [(room["id"], "pending"), (room["id"], "booked")]


def test_a_booking_mops_cancels_frees_the_meeting_of_its_room(partners):
    """MOPS cancels the meeting's booking: the meeting shows it, names no room any more (so its place is the centre;
    a coordinator may ask for a room again), with a new version, so a form opened before cannot send the room back
    unnoticed; the room may then be deleted."""
    item, meeting, room = _meeting_at_a_room(partners)
    answer(partners, "meeting_room.booked", meeting, room)
    answer(partners, "meeting_room.cancelled", meeting, room)
    shown = partners.client.get(item, headers=ADMIN).json
    assert (shown["room_id"], shown["room_status"], shown["room_reason"]) == (None, "cancelled", None)
    assert shown["centre"] == "osl-ostatni-grosz" and shown["version"] == 2
    answer(partners, "meeting_room.cancelled", meeting, room)  # again: nothing new
    assert _marks(partners, meeting["id"]) == [(room["id"], "booked"), (None, "cancelled")]
    # Asked for again, the events service is asked again: what it said of the old booking no longer holds.
    again = partners.client.patch(item, json={"room_id": room["id"]}, headers=partners.with_etag(item))
    assert again.status_code == 200 and (again.json["room_id"], again.json["room_status"]) == (room["id"], None)
    assert partners.outbox_types()[-1] == "meeting.updated"


def test_a_booking_ended_by_deleting_its_room_frees_the_meeting_saying_why(partners):
    item, meeting, room = _meeting_at_a_room(partners)
    answer(partners, "meeting_room.cancelled", meeting, room, reason="no_room")
    shown = partners.client.get(item, headers=ADMIN).json
    assert (shown["room_id"], shown["room_status"], shown["room_reason"]) == (None, "cancelled", "no_room")


def test_room_answers_about_a_cancelled_meeting_are_left_aside(partners):
    """A cancelled meeting holds no room (the events service gives its booking back when it hears of the
    cancellation): it says nothing of a room, and a late answer about its room changes nothing."""
    item, meeting, room = _meeting_at_a_room(partners)
    answer(partners, "meeting_room.booked", meeting, room)
    cancelled = partners.client.patch(item, json={"status": "cancelled"}, headers=partners.with_etag(item))
    assert cancelled.status_code == 200 and cancelled.json["room_status"] is None
    for type_name in ("meeting_room.booked", "meeting_room.pending", "meeting_room.taken", "meeting_room.cancelled"):
        answer(partners, type_name, meeting, room)
    shown = partners.client.get(item, headers=ADMIN).json
    assert (shown["status"], shown["room_id"], shown["room_status"], shown["version"]) == (
        "cancelled", room["id"], None, 2)
    assert _marks(partners, meeting["id"]) == [(room["id"], "booked")]


def test_a_room_is_deleted_unless_a_meeting_still_to_come_names_it(partners):
    """Past and cancelled meetings do not keep a room from being deleted: they let go of it (their history keeps
    it); a planned meeting still to come does (409 saying so), until it is moved."""
    item, meeting, room = _meeting_at_a_room(partners)
    url = item.rsplit("/", 1)[0] + "/"
    held = created(partners.client.post(url, json={
        "title": "Spotkanie w zeszłym roku", "starts_at": "2025-03-11T17:00:00", "ends_at": "2025-03-11T19:00:00",
        "room_id": room["id"], "status": "held"}, headers=ADMIN))
    cancelled = created(partners.client.post(url, json={
        "title": "Spotkanie odwołane", "starts_at": "2027-03-16T17:00:00", "ends_at": "2027-03-16T19:00:00",
        "room_id": room["id"]}, headers=ADMIN))
    cancelled_url = f"{url}{cancelled['id']}"
    partners.client.patch(cancelled_url, json={"status": "cancelled"}, headers=partners.with_etag(cancelled_url))
    room_url = f"/api/v1/rooms/{room['id']}"
    refused = partners.client.delete(room_url, headers=partners.with_etag(room_url))
    assert refused.status_code == 409
    assert refused.json["message"] == ("A partner meeting still to come is planned in this room; move it to another "
                                       "room first.")
    partners.client.patch(item, json={"room_id": None}, headers=partners.with_etag(item))
    deleted = partners.client.delete(room_url, headers=partners.with_etag(room_url))
    assert deleted.status_code == 204, deleted.json
    for one in (held, cancelled):
        shown = partners.client.get(f"{url}{one['id']}", headers=ADMIN).json
        assert (shown["room_id"], shown["version"], shown["status"]) == (None, one["version"] + (one is cancelled),
                                                                         one["status"] if one is held else "cancelled")
