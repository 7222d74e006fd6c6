"""Rooms of the centres: admins write, anyone reads, every change publishes its room.* message."""

from tests.partners.helpers import ADMIN, created

ROOM = {"centre": "osl-ostatni-grosz", "name": "Sala duża", "capacity": 30, "step_free": True,
        "equipment": ["projektor"], "bookable_hours": {"TU": ["16:00-20:00"], "MO": ["14:00-16:00", "09:00-12:00"]},
        "closures": [{"from": "2027-07-01", "to": "2027-07-31", "reason": "remont"}], "open_on": ["2027-11-11"],
        "buffer_minutes": 15, "horizon_days": 180, "requires_approval": True}


def _centre(partners):
    partners.make_district()
    partners.make_centre()


def test_an_admin_adds_a_room_and_its_message_carries_the_rules(partners):
    _centre(partners)
    room = created(partners.client.post("/api/v1/rooms/", json=ROOM, headers=ADMIN))
    assert room["bookable_hours"] == {"MO": ["09:00-12:00", "14:00-16:00"], "TU": ["16:00-20:00"]}
    assert room["closures"] == [{"from": "2027-07-01", "to": "2027-07-31", "reason": "remont"}]
    assert room["centre"] == "osl-ostatni-grosz" and room["version"] == 1
    message = partners.outbox()[-1]
    assert message.type == "room.created"
    assert message.data["centre_id"] == room["centre_id"] and message.data["buffer_minutes"] == 15
    assert message.data["bookable_hours"]["MO"] == ["09:00-12:00", "14:00-16:00"]
    assert message.data["open_on"] == ["2027-11-11"]

    listed = partners.client.get("/api/v1/rooms/?centre=osl-ostatni-grosz").json
    assert [r["name"] for r in listed] == ["Sala duża"]
    one = partners.client.get(f"/api/v1/rooms/{room['id']}")
    changed = partners.client.patch(f"/api/v1/rooms/{room['id']}", json={"buffer_minutes": 30},
                                    headers={**ADMIN, "If-Match": one.headers["ETag"]})
    assert changed.status_code == 200 and changed.json["version"] == 2
    assert partners.outbox_types()[-1] == "room.updated"
    deleted = partners.client.delete(f"/api/v1/rooms/{room['id']}",
                                     headers={**ADMIN, "If-Match": changed.headers["ETag"]})
    assert deleted.status_code == 204 and partners.outbox_types()[-1] == "room.deleted"


def test_only_an_admin_writes_rooms(partners):
    _centre(partners)
    assert partners.client.post("/api/v1/rooms/", json=ROOM).status_code == 401


def test_bad_hours_and_closures_are_422_naming_the_field(partners):
    _centre(partners)
    for field, value in (("bookable_hours", {"MO": ["17:00-09:00"]}), ("bookable_hours", {"XX": ["09:00-10:00"]}),
                         ("bookable_hours", {"MO": ["09:00-12:00", "11:00-13:00"]}),
                         ("bookable_hours", {"MO": ["9-17"]}),
                         ("closures", [{"from": "2027-07-31", "to": "2027-07-01"}]),
                         ("buffer_minutes", 1000), ("horizon_days", 0)):
        response = partners.client.post("/api/v1/rooms/", json={**ROOM, field: value}, headers=ADMIN)
        assert response.status_code == 422, (field, value)
        assert field in str(response.json), response.json


def test_two_rooms_of_one_centre_need_two_names_and_the_centre_must_exist(partners):
    _centre(partners)
    created(partners.client.post("/api/v1/rooms/", json=ROOM, headers=ADMIN))
    again = partners.client.post("/api/v1/rooms/", json=ROOM, headers=ADMIN)
    assert again.status_code == 422 and "name" in again.json["errors"]["json"]
    nowhere = partners.client.post("/api/v1/rooms/", json={**ROOM, "centre": "nowhere"}, headers=ADMIN)
    assert nowhere.status_code == 422 and "centre" in str(nowhere.json)


def test_a_centre_with_rooms_is_not_deleted(partners):
    _centre(partners)
    created(partners.client.post("/api/v1/rooms/", json=ROOM, headers=ADMIN))
    etag = partners.with_etag("/api/v1/centres/osl-ostatni-grosz")
    assert partners.client.delete("/api/v1/centres/osl-ostatni-grosz", headers=etag).status_code == 409
