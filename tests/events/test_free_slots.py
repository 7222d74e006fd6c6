"""``GET /api/v1/rooms/free-slots``: one room, any of several, all of them, a whole centre; on both databases."""

import pytest

from tests.events.factories import seed
from tests.events.rooms import add_room, book, fixed_clock  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("fixed_clock")
URL = "/api/v1/rooms/free-slots"


@pytest.fixture
def client(events_app):
    seed(events_app)
    add_room(events_app, id=1, bookable_hours={"WE": ["16:00-20:00"]})
    add_room(events_app, id=2, bookable_hours={"WE": ["17:00-19:00"]}, buffer_minutes=0)
    add_room(events_app, id=3, centre_id=20, bookable_hours={"WE": ["10:00-12:00"]})
    return events_app.test_client()


def _starts(response) -> list[tuple[str, list[int]]]:
    assert response.status_code == 200, response.json
    return [(slot["starts_at"][11:16], slot["rooms"]) for slot in response.json]


def test_free_slots_of_one_room_leave_out_its_bookings_and_their_buffers(client):
    assert book(client, starts_at="2026-12-09T17:00:00", ends_at="2026-12-09T18:00:00").status_code == 201
    slots = _starts(client.get(f"{URL}?room=1&duration=60&from=2026-12-09&to=2026-12-09"))
    # 16:00-20:00 less 17:00-18:00 widened by 15 minutes on both sides for the booking and the new slot.
    assert slots == [("18:30", [1]), ("19:00", [1])]


def test_any_of_several_rooms_or_all_of_them_at_once(client):
    assert book(client, starts_at="2026-12-09T16:00:00", ends_at="2026-12-09T17:00:00").status_code == 201
    any_room = _starts(client.get(f"{URL}?room=1&room=2&duration=60&from=2026-12-09&to=2026-12-09"))
    assert any_room == [("17:00", [2]), ("17:30", [1, 2]), ("18:00", [1, 2]), ("18:30", [1]), ("19:00", [1])]
    both = _starts(client.get(f"{URL}?room=1&room=2&duration=60&from=2026-12-09&to=2026-12-09&all=true"))
    assert both == [("17:30", [1, 2]), ("18:00", [1, 2])]
    centre = _starts(client.get(f"{URL}?centre=osl-rakow&duration=120&from=2026-12-09&to=2026-12-09"))
    assert centre == [("17:00", [2]), ("17:30", [1]), ("18:00", [1])]


def test_a_holiday_week_and_the_change_of_the_clocks(client):
    # 10 November 2027 is a Wednesday, the 11th a holiday (Thursday): slots on Wednesday only, at 10:00 CET.
    slots = client.get(f"{URL}?room=3&duration=120&from=2027-11-08&to=2027-11-14").json
    assert [slot["starts_at"] for slot in slots] == ["2027-11-10T10:00:00+01:00"]
    summer = client.get(f"{URL}?room=3&duration=120&from=2027-03-22&to=2027-04-04").json
    assert [slot["starts_at"] for slot in summer] == ["2027-03-24T10:00:00+01:00", "2027-03-31T10:00:00+02:00"]


def test_bad_queries_are_422_naming_the_parameter(client):
    for query, name in (("room=1&duration=60&from=2026-12-09&to=2027-06-09", "to"),
                        ("room=1&duration=5&from=2026-12-09&to=2026-12-10", "duration"),
                        ("duration=60&from=2026-12-09&to=2026-12-10", "room"),
                        ("centre=nowhere&duration=60&from=2026-12-09&to=2026-12-10", "centre")):
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 422 and name in str(response.json["errors"]), (query, response.json)
    assert client.get(f"{URL}?room=99&duration=60&from=2026-12-09&to=2026-12-10").status_code == 404


def test_a_slot_can_also_be_free_for_the_partnerships_members(client):
    from tests.events.factories import bearer, event_body

    # Fundacja Źródło, the coordinator of partnership 7, holds its own weekly event on Wednesdays 17:00-18:00.
    posted = client.post("/api/v1/events", json=event_body(starts_at="2026-12-09T17:00:00",
                                                           ends_at="2026-12-09T18:00:00", rrule="FREQ=WEEKLY"),
                         headers=bearer("osl_own_key_0000000001"))
    assert posted.status_code == 201, posted.json
    query = "room=1&duration=60&from=2026-12-16&to=2026-12-16"
    assert [s for s, _ in _starts(client.get(f"{URL}?{query}"))] == ["16:00", "16:30", "17:00", "17:30", "18:00",
                                                                       "18:30", "19:00"]
    assert [s for s, _ in _starts(client.get(f"{URL}?{query}&partnership=7"))] == ["16:00", "18:00", "18:30", "19:00"]
    missing = client.get(f"{URL}?{query}&partnership=99")
    assert missing.status_code == 422 and "partnership" in str(missing.json["errors"])
