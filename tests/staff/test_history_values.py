"""The staff history pages say a room's weekdays, a key's scopes, a centre's kind, a member's kind and a room
booking's kind and state in Polish words (services/ui/labels.py), never as the codes the messages carry."""

from datetime import timedelta

from services.calendar.times import today
from services.messaging.staff import COOKIE
from tests.partners.helpers import created, make_centre, make_district
from tests.staff.conftest import ADMIN, history_table, registry_with_a_member, signed_in_admin

ROOM = {"centre": "osl-ostatni-grosz", "name": "Sala duża", "capacity": 30, "step_free": True, "equipment": [],
        "bookable_hours": {day: ["08:00-21:00"] for day in ("MO", "TU", "WE", "TH", "FR", "SA", "SU")},
        "closures": [], "open_on": [], "buffer_minutes": 15, "horizon_days": 180, "requires_approval": False}


def test_partners_history_says_weekdays_scopes_and_kinds_in_polish(staff):
    organisation, _partnership = registry_with_a_member(staff)
    created(staff.client.post(f"/api/v1/organisations/{organisation}/api-keys", json={}, headers=ADMIN))
    created(staff.client.post("/api/v1/rooms/", json=ROOM, headers=ADMIN))
    admin, _cookie = signed_in_admin(staff)
    table = history_table(admin, "/staff/history")
    assert ("Godziny, w których można rezerwować: poniedziałek: 08:00-21:00, wtorek: 08:00-21:00" in table
            and "niedziela: 08:00-21:00" in table)
    assert "Uprawnienia: Wydarzenia, Spotkania partnerstw" in table
    assert "Rodzaj: Ośrodek Społeczności Lokalnej (OSL)" in table
    assert "Rodzaj członka: Organizacja" in table
    for raw in ("MO:", "SU:", "events, meetings", "Rodzaj: osl", ": organisation"):
        assert raw not in table, raw


def test_events_history_says_a_booking_s_kind_and_state_in_polish(staff):
    make_district(staff.client)
    make_centre(staff.client)
    room = created(staff.client.post("/api/v1/rooms/", json=ROOM, headers=ADMIN))
    _partners, cookie = signed_in_admin(staff)
    staff.forward()
    day = today() + timedelta(days=7)
    booked = staff.events.test_client().post(f"/api/v1/rooms/{room['id']}/bookings", headers=ADMIN, json={
        "title": "Klub seniora", "starts_at": f"{day}T17:00:00", "ends_at": f"{day}T18:00:00"})
    assert booked.status_code == 201, booked.get_json()
    admin = staff.events.test_client()
    admin.set_cookie(COOKIE, cookie)
    table = history_table(admin, "/staff/events/history")
    assert "Rodzaj: Rezerwacja sali" in table and "Stan: Rezerwacja potwierdzona" in table
    assert "Stan: Termin zarezerwowany" in table
    for raw in ("reservation", "confirmed", "active"):
        assert raw not in table, raw
