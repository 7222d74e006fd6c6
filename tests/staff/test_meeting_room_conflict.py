"""The meetings staff page shows a meeting whose room could not be booked as "konflikt sali" (issue #13), with why,
in Polish, for every reason the events service sends."""

import pytest

from services.messaging.envelope import Envelope
from services.messaging.messages.events import MEETING_ROOM_REASONS
from tests.partners.helpers import ADMIN, created
from tests.partners.test_rooms import ROOM
from tests.staff.conftest import registry_with_a_member

#: Why, as the page says it in Polish.
POLISH = {"taken": "sala jest w tym czasie zajęta przez inną rezerwację",
          "bookable_hours": "sali nie można zarezerwować w tych godzinach",
          "closure": "sala jest tego dnia zamknięta", "holiday": "ten dzień jest świętem",
          "horizon": "ten dzień jest zbyt odległy, by zarezerwować salę", "past": "ten termin już minął",
          "no_room": "sala już nie istnieje"}


def test_every_reason_has_polish_words():
    assert set(POLISH) == set(MEETING_ROOM_REASONS)


def _meeting_answered(staff, type_name: str, reason: str | None) -> str:
    """A coordinator's meeting at a room, the events service's answer ``type_name`` about it, and the coordinator's
    meetings page then."""
    coordinator, partnership = registry_with_a_member(staff)
    room = created(staff.client.post("/api/v1/rooms/", json=ROOM, headers=ADMIN))
    meeting = created(staff.client.post(f"/api/v1/partnerships/{partnership['id']}/meetings/", json={
        "title": "Spotkanie w sali dużej", "starts_at": "2030-05-14T17:00:00", "ends_at": "2030-05-14T19:00:00",
        "room_id": room["id"]}, headers=ADMIN))
    staff.editor("ewa@sasiedzi.example", coordinator)
    assert "konflikt sali" not in staff.client.get("/staff/meetings/").get_data(as_text=True)
    taken = Envelope.new(type_name, {
        "meeting_id": meeting["id"], "meeting_version": 1, "partnership_id": partnership["id"],
        "title": meeting["title"], "organisation_id": coordinator, "room_id": room["id"], "room_name": room["name"],
        "starts_at": meeting["starts_at"], "ends_at": meeting["ends_at"], "reason": reason, "booking_id": None})
    with staff.partners.extensions["osl"].database.session() as session:
        staff.partners.extensions["osl"].handlers["meeting-rooms"](session, taken)
    return staff.client.get("/staff/meetings/").get_data(as_text=True)


@pytest.mark.parametrize("reason", ["taken", "closure"])
def test_the_coordinators_page_marks_a_room_conflict_in_polish(staff, reason):
    page = _meeting_answered(staff, "meeting_room.taken", reason)
    assert "Spotkanie w sali dużej" in page and "konflikt sali" in page
    assert f"konflikt sali</strong> ({POLISH[reason]})" in page


@pytest.mark.parametrize(("type_name", "shown"), [
    ("meeting_room.pending", "Spotkanie w sali dużej</a> · Partnerstwo Lokalne Ostatni Grosz · wtorek, 14 maja 2030, "
                             "17:00 · Sala duża · sala czeka na zatwierdzenie przez MOPS</li>"),
    ("meeting_room.booked", "· Sala duża · sala zarezerwowana"),
    ("meeting_room.cancelled", "14 maja 2030, 17:00 · rezerwacja sali odwołana</li>")])
def test_the_coordinators_page_says_a_room_awaits_approval_is_booked_or_its_booking_was_cancelled(staff, type_name,
                                                                                                  shown):
    """Pending is not "booked" until MOPS approves; a cancelled booking names the room no more."""
    page = _meeting_answered(staff, type_name, None)
    assert shown in page
