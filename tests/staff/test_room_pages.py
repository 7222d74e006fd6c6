"""MOPS staff see, add, change and delete a centre's rooms on the staff pages, by the API's schema, operations and
rule (admins only): a stale form is refused, not saved over a newer change; a room meetings are planned in stays."""

from html import unescape

from tests.partners.helpers import ADMIN, created, make_centre, make_district, make_partnership
from tests.staff.conftest import csrf_of, signed_in_admin

ROOM = {"centre": "osl-ostatni-grosz", "name": "Sala duża", "capacity": 40, "step_free": True,
        "equipment": ["projektor", "nagłośnienie"], "bookable_hours": {"MO": ["09:00-17:00"], "WE": ["16:00-20:00"]},
        "closures": [{"from": "2027-07-01", "to": "2027-07-31", "reason": "remont"}]}


def _text(response) -> str:
    return unescape(response.get_data(as_text=True))


def _form(token: str, **changes) -> dict:
    form = {"name": "Sala mała", "capacity": "12", "equipment": "czajnik\n  \nrzutnik ", "step_free": "1",
            "hours_TU_from": "10:00", "hours_TU_to": "14:00", "csrf_token": token}
    return {key: value for key, value in {**form, **changes}.items() if value is not None}


def test_an_admin_sees_adds_changes_and_deletes_a_centres_rooms(staff):
    make_district(staff.client)
    centre = make_centre(staff.client)
    room = created(staff.client.post("/api/v1/rooms/", json=ROOM, headers=ADMIN))
    admin, _cookie = signed_in_admin(staff)
    rooms_page = f"/staff/centres/{centre['id']}/rooms"
    assert f'href="{rooms_page}"' in admin.get("/staff/centres/").get_data(as_text=True)
    listed = _text(admin.get(rooms_page))
    for shown in ("Sala duża", "<dt>Liczba miejsc</dt><dd>40</dd>", "projektor, nagłośnienie", "Bez progów i schodów",
                  "poniedziałek: 09:00–17:00", "środa: 16:00–20:00", f'href="/staff/rooms/{room["id"]}"'):
        assert shown in listed, shown

    # Add: a capacity of 0 is refused naming the field, with the schema's bounds, and what was typed stays.
    new = f"{rooms_page}/new"
    token = csrf_of(admin, new)
    refused = admin.post(new, data=_form(token, capacity="0"))
    assert refused.status_code == 422
    page = _text(refused)
    assert "Proszę sprawdzić pole Liczba miejsc: Proszę podać liczbę całkowitą od 1 do 10000." in page
    assert 'value="Sala mała"' in page and 'name="hours_TU_from" type="time" value="10:00"' in page
    assert "czajnik\n  \nrzutnik" in page and 'max="10000"' in page and 'min="1"' in page
    unfinished = _text(admin.post(new, data=_form(token, hours_TU_to="")))
    assert "Proszę sprawdzić pole wtorek, do: Proszę podać godzinę, np. 17:00." in unfinished
    backwards = _text(admin.post(new, data=_form(token, hours_TU_to="09:00")))
    assert "Proszę sprawdzić pole wtorek, do: Koniec musi być po początku." in backwards
    taken = _text(admin.post(new, data=_form(token, name="Sala duża")))
    assert "Proszę sprawdzić pole Nazwa: inny wpis ma już taką wartość." in taken
    added = admin.post(new, data=_form(token))
    assert added.status_code == 303 and added.headers["Location"].endswith(f"{rooms_page}?saved=1")
    assert "Zapisano." in _text(admin.get(added.headers["Location"]))
    rooms = staff.client.get("/api/v1/rooms/?centre=osl-ostatni-grosz").get_json()
    small = next(r for r in rooms if r["name"] == "Sala mała")
    assert (small["capacity"], small["equipment"], small["step_free"], small["accessible_toilet"],
            small["bookable_hours"]) == (12, ["czajnik", "rzutnik"], True, False, {"TU": ["10:00-14:00"]})

    # Change, with the version the form was opened at; what the form does not show (closures) stays.
    edit = f"/staff/rooms/{room['id']}"
    form_page = _text(admin.get(edit))
    assert 'name="version" value="1"' in form_page and 'name="hours_MO_from" type="time" value="09:00"' in form_page
    changed = {"name": "Sala duża", "capacity": "", "equipment": "projektor", "accessible_toilet": "1",
               "hours_MO_from": "08:00", "hours_MO_to": "12:00", "version": "1", "csrf_token": csrf_of(admin, edit)}
    saved = admin.post(edit, data=changed)
    assert saved.status_code == 303, _text(saved)
    shown = staff.client.get(f"/api/v1/rooms/{room['id']}").get_json()
    assert (shown["capacity"], shown["equipment"], shown["step_free"], shown["accessible_toilet"],
            shown["bookable_hours"], shown["version"]) == (None, ["projektor"], False, True,
                                                           {"MO": ["08:00-12:00"]}, 2)
    assert shown["closures"] == [{"from": "2027-07-01", "to": "2027-07-31", "reason": "remont"}]

    # The same form sent again is stale: refused in Polish, nothing overwritten, and the page shows what is saved,
    # with its version (tests/staff/test_stale_forms.py: sending it again saves).
    stale = admin.post(edit, data={**changed, "equipment": "pianino"})
    assert stale.status_code == 409
    page = _text(stale)
    assert "Ktoś inny w międzyczasie zapisał te dane, więc nic nie zostało zmienione." in page
    assert ">projektor</textarea>" in page and "pianino" not in page and 'name="version" value="2"' in page
    assert staff.client.get(f"/api/v1/rooms/{room['id']}").get_json()["equipment"] == ["projektor"]
    assert [e.type for e in staff.forward() if e.type.startswith("room.")] == [
        "room.created", "room.created", "room.updated"]

    # Delete, through the shared confirmation page: a post without its confirmation deletes nothing.
    delete = f"/staff/rooms/{small['id']}/delete"
    assert f'href="{delete}?version=1"' in _text(admin.get(f"/staff/rooms/{small['id']}"))
    confirm = _text(admin.get(delete))
    assert "Usunąć salę „Sala mała”?" in confirm and "Tego nie można cofnąć." in confirm
    token = csrf_of(admin, delete)
    assert admin.post(delete, data={"csrf_token": token}).headers["Location"].endswith(delete)
    assert staff.client.get(f"/api/v1/rooms/{small['id']}").status_code == 200
    deleted = admin.post(delete, data={"csrf_token": token, "confirm": "1", "version": "1"})
    assert deleted.status_code == 303 and deleted.headers["Location"].endswith(f"{rooms_page}?deleted=1")
    assert staff.client.get(f"/api/v1/rooms/{small['id']}").status_code == 404
    assert "Sala mała" not in _text(admin.get(rooms_page))


def test_a_room_meetings_are_planned_in_is_not_deleted_and_the_page_says_why(staff):
    make_district(staff.client)
    make_centre(staff.client)
    room = created(staff.client.post("/api/v1/rooms/", json=ROOM, headers=ADMIN))
    partnership = make_partnership(staff.client)
    created(staff.client.post(f"/api/v1/partnerships/{partnership['id']}/meetings/", headers=ADMIN, json={
        "title": "Spotkanie partnerskie", "starts_at": "2030-03-12T17:00:00", "ends_at": "2030-03-12T19:00:00",
        "room_id": room["id"]}))
    admin, _cookie = signed_in_admin(staff)
    delete = f"/staff/rooms/{room['id']}/delete"
    refused = admin.post(delete, data={"csrf_token": csrf_of(admin, delete), "confirm": "1", "version": "1"})
    assert refused.status_code == 409
    assert ("W tej sali zaplanowano spotkanie partnerstwa, które jeszcze się nie odbyło; najpierw proszę przenieść je "
            "do innej sali." in _text(refused))
    assert staff.client.get(f"/api/v1/rooms/{room['id']}").status_code == 200


def test_only_admins_see_or_change_rooms_as_in_the_api(staff):
    make_district(staff.client)
    centre = make_centre(staff.client)
    room = created(staff.client.post("/api/v1/rooms/", json=ROOM, headers=ADMIN))
    staff.editor()
    token = csrf_of(staff.client, "/staff/reset")
    for method, path in (("get", f"/staff/centres/{centre['id']}/rooms"),
                         ("get", f"/staff/centres/{centre['id']}/rooms/new"),
                         ("post", f"/staff/centres/{centre['id']}/rooms/new"), ("get", f"/staff/rooms/{room['id']}"),
                         ("post", f"/staff/rooms/{room['id']}"), ("get", f"/staff/rooms/{room['id']}/delete"),
                         ("post", f"/staff/rooms/{room['id']}/delete")):
        answer = getattr(staff.client, method)(path, data={**_form(token), "version": "1", "confirm": "1"})
        assert answer.status_code == 403, path
        assert "To może zrobić tylko pracownik MOPS (administrator)." in _text(answer), path
    shown = staff.client.get(f"/api/v1/rooms/{room['id']}").get_json()
    assert (shown["name"], shown["version"]) == ("Sala duża", 1)


def test_unknown_centres_and_rooms_are_the_problem_page(staff):
    admin, _cookie = signed_in_admin(staff)
    for path in ("/staff/centres/9999/rooms", "/staff/centres/9999/rooms/new", "/staff/rooms/9999",
                 "/staff/rooms/9999/delete"):
        answer = admin.get(path)
        assert answer.status_code == 404, path
        assert "Nie ma takiego ośrodka." in _text(answer) or "Nie ma takiej sali." in _text(answer)


def test_hours_the_form_cannot_show_are_shown_as_they_are_and_kept(staff):
    make_district(staff.client)
    make_centre(staff.client)
    hours = {"MO": ["09:00-12:00", "14:00-16:00"], "FR": ["18:00-24:00"]}
    room = created(staff.client.post("/api/v1/rooms/", json={**ROOM, "bookable_hours": hours}, headers=ADMIN))
    admin, _cookie = signed_in_admin(staff)
    edit = f"/staff/rooms/{room['id']}"
    page = _text(admin.get(edit))
    assert "formularz nie może ich zmienić" in page and 'name="hours_MO_from"' not in page
    assert "poniedziałek: 09:00–12:00, 14:00–16:00" in page and "piątek: 18:00–24:00" in page
    saved = admin.post(edit, data={"name": "Sala duża", "capacity": "30", "hours_TU_from": "10:00",
                                   "hours_TU_to": "12:00", "version": "1", "csrf_token": csrf_of(admin, edit)})
    assert saved.status_code == 303, _text(saved)
    shown = staff.client.get(f"/api/v1/rooms/{room['id']}").get_json()
    assert (shown["capacity"], shown["bookable_hours"]) == (30, hours)
