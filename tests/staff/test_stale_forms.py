"""Two staff tabs on one record: tab B saves, then tab A (opened before) sends its form. Every staff form carries the
version it was opened at; a stale one is a 409 that changes nothing and shows what is saved now, with its version
and the one message, so that sending the shown form again saves normally and cannot overwrite tab B's change."""

from html import unescape

from sqlalchemy import select

from services.events.models import Event
from services.partners.models import Agreement, Membership, Person
from tests.partners.helpers import ADMIN, add_member, created, make_centre, make_district, make_partnership
from tests.staff.conftest import csrf_of, signed_in_admin
from tests.staff.test_event_pages import _editor_with_an_event
from tests.staff.test_event_pages import _form as _event_form

#: What every staff form's page says when it was based on an older version of its record.
STALE = ("Ktoś inny w międzyczasie zapisał te dane, więc nic nie zostało zmienione. Formularz pokazuje teraz "
         "zapisane dane: proszę je sprawdzić i spróbować ponownie.")


def _version(number: int) -> str:
    return f'<input type="hidden" name="version" value="{number}">'


def _text(response) -> str:
    return unescape(response.get_data(as_text=True))


def _stale_after_another_save(client, path: str, form: dict, theirs: dict, ours: dict, version: int = 1) -> str:
    """Tab B sends ``form`` at ``version`` with ``theirs`` and saves; tab A, opened at the same version, then sends it
    with ``ours``: a 409 with the message and the record's next version, none of ``ours`` shown. The page's text."""
    assert client.post(path, data={**form, **theirs}).status_code == 303
    stale = client.post(path, data={**form, **ours})
    assert stale.status_code == 409
    shown = _text(stale)
    assert STALE in shown and _version(version + 1) in shown
    assert all(value not in shown for value in ours.values())
    return shown


def test_a_stale_organisation_form_keeps_the_other_tabs_phone(staff):
    admin, _cookie = signed_in_admin(staff)
    organisation = staff.organisation("Fundacja Nowa")
    path = f"/staff/organisations/{organisation}"
    assert _version(1) in _text(admin.get(path))
    form = {"name": "Fundacja Nowa", "kind": "ngo", "krs": "", "email": "", "phone": "", "website": "",
            "version": "1", "csrf_token": csrf_of(admin, path)}
    shown = _stale_after_another_save(admin, path, form, {"phone": "34 222 22 22"},
                                      {"website": "https://nowa.example"})
    assert 'value="34 222 22 22"' in shown
    assert admin.post(path, data={k: v for k, v in form.items() if k != "version"}).status_code == 409
    recorded = staff.client.get(f"/api/v1/organisations/{organisation}").get_json()
    assert (recorded["phone"], recorded["website"], recorded["version"]) == ("34 222 22 22", None, 2)
    again = admin.post(path, data={**form, "phone": "34 222 22 22", "website": "https://nowa.example",
                                   "version": "2"})
    assert again.status_code == 303
    recorded = staff.client.get(f"/api/v1/organisations/{organisation}").get_json()
    assert (recorded["phone"], recorded["website"]) == ("34 222 22 22", "https://nowa.example")


def test_a_stale_centre_form_keeps_the_other_tabs_phone(staff):
    make_district(staff.client)
    centre = make_centre(staff.client)
    admin, _cookie = signed_in_admin(staff)
    version = staff.client.get(f"/api/v1/centres/{centre['slug']}").get_json()["version"]
    assert _version(version) in _text(admin.get("/staff/centres/"))
    path = f"/staff/centres/{centre['id']}"
    form = {"address": "ul. Łukasińskiego 40", "opening_hours": "", "email": "", "phone": "", "website": "",
            "version": str(version), "csrf_token": csrf_of(admin, "/staff/centres/")}
    shown = _stale_after_another_save(admin, path, form, {"phone": "34 000 00 00"},
                                      {"website": "https://centrum-grosz.example.org"}, version)
    assert 'value="34 000 00 00"' in shown
    recorded = staff.client.get(f"/api/v1/centres/{centre['slug']}").get_json()
    assert (recorded["phone"], recorded["website"]) == ("34 000 00 00", None)
    again = admin.post(path, data={**form, "phone": "34 000 00 00", "website": "https://centrum-grosz.example.org",
                                   "version": str(version + 1)})
    assert again.status_code == 303
    recorded = staff.client.get(f"/api/v1/centres/{centre['slug']}").get_json()
    assert (recorded["phone"], recorded["website"]) == ("34 000 00 00", "https://centrum-grosz.example.org")


def test_a_stale_person_form_keeps_the_other_tabs_phone(staff):
    admin, _cookie = signed_in_admin(staff)
    token = csrf_of(admin, "/staff/people/")
    assert admin.post("/staff/people/", data={"name": "Maria Nowak", "csrf_token": token}).status_code == 303
    with staff.partners.extensions["osl"].database.session() as session:
        person_id = session.scalar(select(Person.id))
    assert _version(1) in _text(admin.get("/staff/people/"))
    path = f"/staff/people/{person_id}"
    form = {"name": "Maria Nowak", "email": "", "phone": "", "organisation_id": "", "version": "1",
            "csrf_token": token}
    shown = _stale_after_another_save(admin, path, form, {"phone": "600 100 200"}, {"email": "maria@example.org"})
    assert 'value="600 100 200"' in shown
    with staff.partners.extensions["osl"].database.session() as session:
        assert (session.get(Person, person_id).phone, session.get(Person, person_id).email) == ("600 100 200", None)
    again = admin.post(path, data={**form, "phone": "600 100 200", "email": "maria@example.org", "version": "2"})
    assert again.status_code == 303
    with staff.partners.extensions["osl"].database.session() as session:
        person = session.get(Person, person_id)
        assert (person.phone, person.email) == ("600 100 200", "maria@example.org")


def test_stale_member_and_agreement_forms_keep_the_other_tabs_change(staff):
    make_district(staff.client)
    partnership = make_partnership(staff.client)
    school = staff.organisation("Szkoła Podstawowa nr 5")
    member = add_member(staff.client, partnership["id"], organisation_id=school, role="member")
    admin, _cookie = signed_in_admin(staff)
    page = f"/staff/partnerships/{partnership['id']}"
    token = csrf_of(admin, page)
    with staff.partners.extensions["osl"].database.session() as session:
        member_id = session.scalar(select(Membership.id))
    assert member_id == member["id"]
    member_path = f"{page}/members/{member_id}"
    form = {"role": "member", "joined_on": "", "left_on": "", "version": "1", "csrf_token": token}
    _stale_after_another_save(admin, member_path, form, {"role": "coordinator"}, {"joined_on": "2026-09-01"})
    with staff.partners.extensions["osl"].database.session() as session:
        membership = session.get(Membership, member_id)
        assert (membership.role, membership.joined_on, membership.version) == ("coordinator", None, 2)
    again = admin.post(member_path, data={**form, "role": "coordinator", "joined_on": "2026-09-01", "version": "2"})
    assert again.status_code == 303
    with staff.partners.extensions["osl"].database.session() as session:
        membership = session.get(Membership, member_id)
        assert (membership.role, str(membership.joined_on)) == ("coordinator", "2026-09-01")

    assert admin.post(f"{page}/agreements", data={"signed_on": "2026-09-15", "csrf_token": token}).status_code == 303
    with staff.partners.extensions["osl"].database.session() as session:
        agreement_id = session.scalar(select(Agreement.id))
    agreement_path = f"{page}/agreements/{agreement_id}"
    assert f'action="{agreement_path}"' in _text(admin.get(page))
    form = {"signed_on": "2026-09-15", "valid_from": "", "valid_until": "", "document_ref": "", "version": "1",
            "csrf_token": token}
    shown = _stale_after_another_save(admin, agreement_path, form, {"document_ref": "teczka MOPS 12/2026"},
                                      {"valid_from": "2026-10-01"})
    assert 'value="teczka MOPS 12/2026"' in shown
    with staff.partners.extensions["osl"].database.session() as session:
        agreement = session.get(Agreement, agreement_id)
        assert (agreement.document_ref, agreement.valid_from) == ("teczka MOPS 12/2026", None)
    again = admin.post(agreement_path, data={**form, "document_ref": "teczka MOPS 12/2026",
                                             "valid_from": "2026-10-01", "version": "2"})
    assert again.status_code == 303
    with staff.partners.extensions["osl"].database.session() as session:
        agreement = session.get(Agreement, agreement_id)
        assert (agreement.document_ref, str(agreement.valid_from)) == ("teczka MOPS 12/2026", "2026-10-01")


ROOM = {"centre": "osl-ostatni-grosz", "name": "Sala duża", "capacity": 40}


def test_a_stale_room_form_shows_what_is_saved_so_a_second_send_cannot_overwrite(staff):
    make_district(staff.client)
    make_centre(staff.client)
    room = created(staff.client.post("/api/v1/rooms/", json=ROOM, headers=ADMIN))
    admin, _cookie = signed_in_admin(staff)
    path = f"/staff/rooms/{room['id']}"
    form = {"name": "Sala duża", "capacity": "40", "equipment": "", "version": "1", "csrf_token": csrf_of(admin, path)}
    shown = _stale_after_another_save(admin, path, form, {"capacity": "45"}, {"equipment": "rzutnik"})
    assert 'value="45"' in shown
    recorded = staff.client.get(f"/api/v1/rooms/{room['id']}").get_json()
    assert (recorded["capacity"], recorded["equipment"]) == (45, [])
    again = admin.post(path, data={**form, "capacity": "45", "equipment": "rzutnik", "version": "2"})
    assert again.status_code == 303
    recorded = staff.client.get(f"/api/v1/rooms/{room['id']}").get_json()
    assert (recorded["capacity"], recorded["equipment"]) == (45, ["rzutnik"])


def _event(staff, event_id) -> Event:
    with staff.events.extensions["osl"].database.session() as session:
        event = session.get(Event, event_id)
        session.expunge(event)
        return event


def test_a_stale_event_form_shows_what_is_saved_so_a_second_send_cannot_overwrite(staff):
    client, token, event_id = _editor_with_an_event(staff)
    path = f"/staff/events/{event_id}"
    assert _version(1) in _text(client.get(path))
    form = {**_event_form(), "version": "1", "save": "1", "csrf_token": token}
    shown = _stale_after_another_save(client, path, form, {"title": "Klub szachowy dla wszystkich"},
                                      {"contact": "Ewa Zielińska"})  # tab A: the old title, a contact added
    assert 'value="Klub szachowy dla wszystkich"' in shown
    assert (_event(staff, event_id).title, _event(staff, event_id).contact) == ("Klub szachowy dla wszystkich", None)
    again = client.post(path, data={**_event_form(title="Klub szachowy dla wszystkich", contact="Ewa Zielińska"),
                                    "version": "2", "save": "1", "csrf_token": token})
    assert again.status_code == 303
    event = _event(staff, event_id)
    assert (event.title, event.contact, event.version) == ("Klub szachowy dla wszystkich", "Ewa Zielińska", 3)


def test_a_cancel_from_a_stale_event_page_changes_nothing_and_shows_what_is_saved(staff):
    client, token, event_id = _editor_with_an_event(staff)
    path = f"/staff/events/{event_id}"
    assert f'href="{path}/cancel?version=1"' in _text(client.get(path))
    assert _version(1) in _text(client.get(f"{path}/cancel?version=1"))
    assert client.post(path, data={**_event_form(title="Klub szachowy dla wszystkich"), "version": "1",
                                   "save": "1", "csrf_token": token}).status_code == 303
    stale = client.post(f"{path}/cancel", data={"csrf_token": token, "confirm": "1", "version": "1"})
    assert stale.status_code == 409
    shown = _text(stale)
    assert STALE in shown and 'value="Klub szachowy dla wszystkich"' in shown
    assert f'href="{path}/cancel?version=2"' in shown
    unversioned = client.post(f"{path}/cancel", data={"csrf_token": token, "confirm": "1"})
    assert unversioned.status_code == 409
    assert _event(staff, event_id).status == "scheduled"
    cancelled = client.post(f"{path}/cancel", data={"csrf_token": token, "confirm": "1", "version": "2"})
    assert cancelled.status_code == 303
    assert _event(staff, event_id).status == "cancelled"


def test_a_preview_of_a_stale_event_form_keeps_the_version_it_was_opened_at(staff):
    """Showing the dates saves nothing and keeps what was typed, under the version the form was opened at: saving
    from the preview after another save is then a 409, not an overwrite."""
    client, token, event_id = _editor_with_an_event(staff)
    path = f"/staff/events/{event_id}"
    form = {**_event_form(), "version": "1", "csrf_token": token}
    assert client.post(path, data={**form, "title": "Klub szachowy dla wszystkich", "save": "1"}).status_code == 303
    preview = client.post(path, data={**form, "contact": "Ewa Zielińska", "preview": "1"})
    assert preview.status_code == 200
    shown = _text(preview)
    assert 'value="Ewa Zielińska"' in shown and _version(1) in shown and _version(2) not in shown
    stale = client.post(path, data={**form, "contact": "Ewa Zielińska", "save": "1"})
    assert stale.status_code == 409
    assert _event(staff, event_id).title == "Klub szachowy dla wszystkich"


def test_a_delete_from_a_stale_room_page_changes_nothing_and_shows_what_is_saved(staff):
    """The room's page links its delete with the version it shows; the question carries it; a delete based on an
    older version (or on none) is a 409 with what is saved now, and deletes nothing."""
    make_district(staff.client)
    make_centre(staff.client)
    room = created(staff.client.post("/api/v1/rooms/", json=ROOM, headers=ADMIN))
    admin, _cookie = signed_in_admin(staff)
    path = f"/staff/rooms/{room['id']}"
    delete = f"{path}/delete"
    assert f'href="{delete}?version=1"' in _text(admin.get(path))
    assert _version(1) in _text(admin.get(f"{delete}?version=1"))
    form = {"name": "Sala duża", "capacity": "45", "equipment": "", "version": "1", "csrf_token": csrf_of(admin, path)}
    assert admin.post(path, data=form).status_code == 303  # another tab changes the room meanwhile
    stale = admin.post(delete, data={"csrf_token": form["csrf_token"], "confirm": "1", "version": "1"})
    assert stale.status_code == 409
    shown = _text(stale)
    assert STALE in shown and 'value="45"' in shown and f'href="{delete}?version=2"' in shown
    unversioned = admin.post(delete, data={"csrf_token": form["csrf_token"], "confirm": "1"})
    assert unversioned.status_code == 409
    assert staff.client.get(f"/api/v1/rooms/{room['id']}").status_code == 200
    deleted = admin.post(delete, data={"csrf_token": form["csrf_token"], "confirm": "1", "version": "2"})
    assert deleted.status_code == 303
    assert staff.client.get(f"/api/v1/rooms/{room['id']}").status_code == 404
