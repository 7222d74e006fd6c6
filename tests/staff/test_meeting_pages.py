"""Coordinators plan a partner meeting on the staff pages, by the API's rule: the editor of the organisation that
currently coordinates the partnership may; another editor may not."""

import re
from datetime import date, timedelta
from html import unescape

from sqlalchemy import select

from services.partners.models import Meeting
from tests.partners.helpers import ADMIN, add_member, created, make_centre, make_district, make_partnership
from tests.staff.conftest import csrf_of, registry_with_a_member, signed_in_admin

YEAR = 2030


def test_a_coordinators_editor_plans_a_meeting_and_another_editor_may_not(staff):
    coordinator, partnership = registry_with_a_member(staff)
    staff.editor("ewa@sasiedzi.example", coordinator)
    page = staff.client.get("/staff/meetings/").get_data(as_text=True)
    assert partnership["name"] in page
    form = {"partnership": str(partnership["id"]), "title": "Spotkanie partnerskie: plan pikniku",
            "day": f"{YEAR}-05-12", "starts": "17:00", "ends": "19:00", "centre": "osl-ostatni-grosz",
            "agenda": "1. Piknik.", "csrf_token": csrf_of(staff.client, "/staff/meetings/")}
    refused = staff.client.post("/staff/meetings/", data={**form, "ends": "16:00"})
    assert refused.status_code == 422
    kept = refused.get_data(as_text=True)  # the form is shown again with what was typed
    # The field by its label on the form, with why, in Polish; never the API's field name.
    assert "Proszę sprawdzić pole Do: Spotkanie musi się skończyć po swoim rozpoczęciu." in kept
    assert "ends_at" not in kept
    untitled = staff.client.post("/staff/meetings/", data={**form, "title": ""}).get_data(as_text=True)
    assert "Proszę sprawdzić pole Tytuł" in untitled  # the schema's refusal, worded the same way
    assert f'id="day" name="day" type="date" required value="{YEAR}-05-12"' in kept
    assert 'id="ends" name="ends" type="time" required value="16:00"' in kept
    assert 'id="starts" name="starts" type="time" required value="17:00"' in page  # the default
    planned = staff.client.post("/staff/meetings/", data=form)
    assert planned.status_code == 303, planned.get_data(as_text=True)
    with staff.partners.extensions["osl"].database.session() as session:
        meeting = session.scalars(select(Meeting)).one()
        assert (meeting.title, meeting.centre_id is not None) == ("Spotkanie partnerskie: plan pikniku", True)
    messages = [(e.type, e.actor) for e in staff.forward() if e.type.startswith("meeting.")]
    assert messages == [("meeting.planned", "account:1")]

    other = staff.partners.test_client()
    staff.invite("jan@inni.example", staff.organisation("Fundacja Inni"))
    staff.set_password(staff.mailed_token())
    assert staff.sign_in("jan@inni.example", client=other).status_code == 303
    assert partnership["name"] not in other.get("/staff/meetings/").get_data(as_text=True)
    refused = other.post("/staff/meetings/", data={**form, "csrf_token": csrf_of(other, "/staff/reset")})
    assert refused.status_code == 403


def test_the_meeting_form_names_the_day_or_the_time_that_is_wrong_in_polish(staff):
    make_district(staff.client)
    partnership = make_partnership(staff.client)
    admin, _cookie = signed_in_admin(staff)
    form = {"partnership": str(partnership["id"]), "title": "Spotkanie", "day": f"{YEAR}-05-12", "starts": "17:00",
            "ends": "19:00", "agenda": "", "csrf_token": csrf_of(admin, "/staff/meetings/")}
    for changes, said in [
            ({"day": "2027-02-29"}, "Proszę sprawdzić pole Dzień: Proszę podać datę."),
            ({"day": ""}, "Proszę sprawdzić pole Dzień: Proszę podać datę."),
            ({"starts": "25:00"}, "Proszę sprawdzić pole Od: Proszę podać godzinę, np. 17:00."),
            ({"day": "2027-03-28", "starts": "02:30", "ends": "03:30"},
             "Proszę sprawdzić pole Od: Tej godziny nie ma w czasie polskim: tej nocy zegarki przestawia się o "
             "godzinę do przodu.")]:
        refused = admin.post("/staff/meetings/", data={**form, **changes})
        assert refused.status_code == 422, changes
        assert said in refused.get_data(as_text=True), changes


def _day(days: int = 30) -> str:
    """A day ``days`` from today: the suite runs at any later date."""
    return (date.today() + timedelta(days=days)).isoformat()


def _coordinators_editor(staff) -> tuple[dict, dict]:
    """A partnership and a room of its district's centre (and a room of another centre); staff.client is signed in
    as the editor of the coordinating organisation."""
    make_district(staff.client)
    make_centre(staff.client)
    make_centre(staff.client, name="Klub Sąsiedzki Na Rogu")
    partnership = make_partnership(staff.client)
    coordinator = staff.organisation("Stowarzyszenie Sąsiedzi")
    add_member(staff.client, partnership["id"], organisation_id=coordinator, role="coordinator")
    rooms = {name: created(staff.client.post("/api/v1/rooms/", json={"centre": centre, "name": name},
                                             headers=ADMIN))
             for centre, name in (("osl-ostatni-grosz", "Sala duża"), ("klub-sasiedzki-na-rogu", "Sala na rogu"))}
    staff.editor("ewa@sasiedzi.example", coordinator)
    return partnership, rooms


def _planned(staff, partnership: dict, room: dict | None = None) -> dict:
    day = _day()
    return created(staff.client.post(f"/api/v1/partnerships/{partnership['id']}/meetings/", headers=ADMIN, json={
        "title": "Spotkanie partnerskie", "starts_at": f"{day}T17:00:00", "ends_at": f"{day}T19:00:00",
        "centre": "osl-ostatni-grosz", "agenda": "1. Piknik.", **({"room_id": room["id"]} if room else {})}))


def _meeting_form(**changes) -> dict:
    return {"title": "Spotkanie partnerskie", "day": _day(), "starts": "17:00", "ends": "19:00",
            "centre": "osl-ostatni-grosz", "room": "", "agenda": "1. Piknik.", **changes}


def _meeting(staff, meeting_id: int) -> Meeting:
    with staff.partners.extensions["osl"].database.session() as session:
        meeting = session.get(Meeting, meeting_id)
        session.expunge(meeting)
        return meeting


def test_a_coordinator_plans_a_meeting_in_a_room_of_its_centre(staff):
    partnership, rooms = _coordinators_editor(staff)
    page = staff.client.get("/staff/meetings/").get_data(as_text=True)
    # The rooms grouped by their centre, so the room goes with the centre chosen; no JavaScript needed.
    assert '<optgroup label="OSL Ostatni Grosz">' in page
    assert f'<option value="{rooms["Sala duża"]["id"]}">Sala duża</option>' in page
    form = {**_meeting_form(), "partnership": str(partnership["id"]),
            "csrf_token": csrf_of(staff.client, "/staff/meetings/")}
    elsewhere = staff.client.post("/staff/meetings/", data={**form, "room": str(rooms["Sala na rogu"]["id"])})
    assert elsewhere.status_code == 422
    kept = elsewhere.get_data(as_text=True)
    assert "Proszę sprawdzić pole Sala: Sala nie należy do ośrodka spotkania." in kept
    assert f'<option value="{rooms["Sala na rogu"]["id"]}" selected>Sala na rogu</option>' in kept
    planned = staff.client.post("/staff/meetings/", data={**form, "room": str(rooms["Sala duża"]["id"])})
    assert planned.status_code == 303, planned.get_data(as_text=True)
    with staff.partners.extensions["osl"].database.session() as session:
        meeting = session.scalars(select(Meeting)).one()
        assert (meeting.room_id, meeting.room_status) == (rooms["Sala duża"]["id"], None)
    assert "Sala duża" in staff.client.get("/staff/meetings/").get_data(as_text=True).split("<h2>Spotkania</h2>")[1]
    assert [e.type for e in staff.forward() if e.type.startswith("meeting.")] == ["meeting.planned"]


#: What the meeting's page says when the form (or the cancel) was based on an older version of the meeting.
STALE = ("Ktoś inny w międzyczasie zapisał to spotkanie, więc nic nie zostało zmienione. Formularz pokazuje teraz "
         "zapisane dane: proszę je sprawdzić i spróbować ponownie.")


def test_a_coordinator_changes_a_meeting_and_a_stale_form_gets_409_showing_the_newer_values(staff):
    """Someone else saved first: the page shows what they saved, with its version, so sending the form again cannot
    overwrite their change with what was typed (as it could when the page kept the typed values and the new
    version)."""
    partnership, rooms = _coordinators_editor(staff)
    meeting = _planned(staff, partnership)
    staff.forward()
    path = f"/staff/meetings/{meeting['id']}"
    assert f'href="{path}"' in staff.client.get("/staff/meetings/").get_data(as_text=True)
    page = staff.client.get(path)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert 'value="Spotkanie partnerskie"' in html and f'required value="{meeting["starts_at"][:10]}"' in html
    assert '<input type="hidden" name="version" value="1">' in html
    token = csrf_of(staff.client, path)
    later = _day(31)
    changed = staff.client.post(path, data={**_meeting_form(title="Spotkanie o pikniku", day=later, starts="18:00",
                                                            room=str(rooms["Sala duża"]["id"])),
                                            "version": "1", "csrf_token": token})
    assert changed.status_code == 303, changed.get_data(as_text=True)
    saved = _meeting(staff, meeting["id"])
    assert (saved.title, saved.version, saved.room_id) == ("Spotkanie o pikniku", 2, rooms["Sala duża"]["id"])
    assert saved.starts_at.isoformat().startswith(later)
    assert [e.type for e in staff.forward() if e.type.startswith("meeting.")] == ["meeting.updated"]
    stale = staff.client.post(path, data={**_meeting_form(title="Spotkanie o festynie"), "version": "1",
                                          "csrf_token": token})
    assert stale.status_code == 409
    shown = stale.get_data(as_text=True)
    assert STALE in shown
    # What is recorded now, and its version: not what was typed over the older one.
    assert 'value="Spotkanie o pikniku"' in shown and 'value="Spotkanie o festynie"' not in shown
    assert f'required value="{later}"' in shown and 'required value="18:00"' in shown
    assert '<input type="hidden" name="version" value="2">' in shown
    assert f'<option value="{rooms["Sala duża"]["id"]}" selected>Sala duża</option>' in shown
    assert _meeting(staff, meeting["id"]).title == "Spotkanie o pikniku"
    assert not [e for e in staff.forward() if e.type.startswith("meeting.")]
    refused = staff.client.post(path, data={**_meeting_form(ends="16:00"), "version": "2", "csrf_token": token})
    assert refused.status_code == 422
    assert "Proszę sprawdzić pole Do: Spotkanie musi się skończyć po swoim rozpoczęciu." in refused.get_data(
        as_text=True)


def test_a_cancel_from_a_stale_page_is_refused_with_the_stale_message(staff):
    """The cancel carries the version the coordinator saw (the link, then the question's form): when someone else
    saved the meeting meanwhile, nothing is cancelled and the page shows what they saved."""
    partnership, _rooms = _coordinators_editor(staff)
    meeting = _planned(staff, partnership)
    staff.forward()
    path = f"/staff/meetings/{meeting['id']}"
    assert f'href="{path}/cancel?version=1"' in staff.client.get(path).get_data(as_text=True)
    question = staff.client.get(f"{path}/cancel?version=1").get_data(as_text=True)
    assert '<input type="hidden" name="version" value="1">' in question
    item = f"/api/v1/partnerships/{partnership['id']}/meetings/{meeting['id']}"
    etag = staff.client.get(item, headers=ADMIN).headers["ETag"]
    moved = staff.client.patch(item, json={"title": "Spotkanie przeniesione"}, headers={**ADMIN, "If-Match": etag})
    assert moved.status_code == 200, moved.get_json()
    staff.forward()
    token = csrf_of(staff.client, path)
    stale = staff.client.post(f"{path}/cancel", data={"csrf_token": token, "confirm": "1", "version": "1"})
    assert stale.status_code == 409
    shown = stale.get_data(as_text=True)
    assert STALE in shown and 'value="Spotkanie przeniesione"' in shown
    assert f'href="{path}/cancel?version=2"' in shown
    unversioned = staff.client.post(f"{path}/cancel", data={"csrf_token": token, "confirm": "1"})
    assert unversioned.status_code == 409 and STALE in unversioned.get_data(as_text=True)
    assert _meeting(staff, meeting["id"]).status == "planned"
    assert not [e for e in staff.forward() if e.type.startswith("meeting.")]
    cancelled = staff.client.post(f"{path}/cancel", data={"csrf_token": token, "confirm": "1", "version": "2"})
    assert cancelled.status_code == 303
    assert _meeting(staff, meeting["id"]).status == "cancelled"


def test_a_change_sent_to_a_cancelled_meeting_is_refused_in_polish(staff):
    """The page offers no form for a cancelled meeting; a change posted anyway (an old tab, with the version it has
    now) is refused as the API refuses it, in Polish, and changes nothing."""
    partnership, _rooms = _coordinators_editor(staff)
    meeting = _planned(staff, partnership)
    path = f"/staff/meetings/{meeting['id']}"
    token = csrf_of(staff.client, path)
    staff.client.post(f"{path}/cancel", data={"csrf_token": token, "confirm": "1", "version": "1"})
    staff.forward()
    refused = staff.client.post(path, data={**_meeting_form(title="Spotkanie wznowione"), "version": "2",
                                            "csrf_token": token})
    assert refused.status_code == 409
    shown = refused.get_data(as_text=True)
    assert "To spotkanie jest odwołane; odwołanego spotkania nie można zmienić." in shown
    assert 'value="Spotkanie partnerskie"' in shown and "Spotkanie wznowione" not in shown
    assert (_meeting(staff, meeting["id"]).title, _meeting(staff, meeting["id"]).status) == (
        "Spotkanie partnerskie", "cancelled")
    assert not [e for e in staff.forward() if e.type.startswith("meeting.")]


def test_the_list_shows_the_meetings_ahead_soonest_first_then_the_past_ones(staff):
    """A coordinator looks for the next meeting: the ones ahead come first, soonest first; held ones after them,
    latest first."""
    partnership, _rooms = _coordinators_editor(staff)
    for title, days in (("Za miesiąc", 30), ("Dawno", -60), ("Za tydzień", 7), ("Niedawno", -3)):
        day = _day(days)
        created(staff.client.post(f"/api/v1/partnerships/{partnership['id']}/meetings/", headers=ADMIN, json={
            "title": title, "starts_at": f"{day}T17:00:00", "ends_at": f"{day}T19:00:00",
            "centre": "osl-ostatni-grosz"}))
    listed = staff.client.get("/staff/meetings/").get_data(as_text=True).split("<h2>Spotkania</h2>")[1]
    order = sorted(("Za miesiąc", "Dawno", "Za tydzień", "Niedawno"), key=listed.index)
    assert order == ["Za tydzień", "Za miesiąc", "Niedawno", "Dawno"]


def test_the_change_page_gives_the_agenda_back_as_it_is_recorded(staff):
    """A browser sends a textarea's text back as it shows it: the page must show the agenda as recorded, or each save
    changes it (it gained two spaces a line, from the template's indent)."""
    partnership, _rooms = _coordinators_editor(staff)
    day = _day()
    meeting = created(staff.client.post(f"/api/v1/partnerships/{partnership['id']}/meetings/", headers=ADMIN, json={
        "title": "Spotkanie partnerskie", "starts_at": f"{day}T17:00:00", "ends_at": f"{day}T19:00:00",
        "centre": "osl-ostatni-grosz", "agenda": "1. Piknik.\n2. Wolne wnioski.\n  3. Wcięte."}))
    html = staff.client.get(f"/staff/meetings/{meeting['id']}").get_data(as_text=True)
    shown = re.search(r'<textarea[^>]*name="agenda"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    # HTML drops one newline right after <textarea>; the rest is the text.
    assert unescape(shown.removeprefix("\n")) == "1. Piknik.\n2. Wolne wnioski.\n  3. Wcięte."


def test_a_coordinator_cancels_a_meeting_after_a_confirmation_page(staff):
    partnership, _rooms = _coordinators_editor(staff)
    meeting = _planned(staff, partnership)
    staff.forward()
    path = f"/staff/meetings/{meeting['id']}"
    html = staff.client.get(path).get_data(as_text=True)
    # The button is a plain link to the question (a GET), not a form that cancels.
    assert f'href="{path}/cancel?version=1"' in html and "Odwołaj to spotkanie" in html
    assert f'action="{path}/cancel"' not in html
    asked = staff.client.get(f"{path}/cancel?version=1")
    assert asked.status_code == 200 and asked.headers["Cache-Control"] == "no-store"
    page = asked.get_data(as_text=True)
    assert "Odwołać spotkanie „Spotkanie partnerskie”?" in page
    assert "Członkowie zobaczą je jako odwołane w kalendarzu partnerstwa." in page
    assert "Tego nie można cofnąć." in page
    assert f'<form method="post" action="{path}/cancel">' in page and 'name="confirm" value="1"' in page
    assert '<input type="hidden" name="version" value="1">' in page
    assert 'name="csrf_token"' in page and "Tak, odwołaj" in page and f'<a href="{path}">Wróć</a>' in page
    assert staff.client.post(f"{path}/cancel", data={"confirm": "1"}).status_code == 400  # no CSRF token: refused
    # A post without the confirmation's field (an old page's one-click form) cancels nothing: back to the question.
    unasked = staff.client.post(f"{path}/cancel", data={"csrf_token": csrf_of(staff.client, path)})
    assert (unasked.status_code, unasked.headers["Location"]) == (303, f"{path}/cancel")
    assert _meeting(staff, meeting["id"]).status == "planned"
    cancelled = staff.client.post(f"{path}/cancel", data={"csrf_token": csrf_of(staff.client, path), "confirm": "1",
                                                          "version": "1"})
    assert cancelled.status_code == 303
    assert _meeting(staff, meeting["id"]).status == "cancelled"
    assert [e.type for e in staff.forward() if e.type.startswith("meeting.")] == ["meeting.cancelled"]
    listed = staff.client.get(cancelled.headers["Location"]).get_data(as_text=True)
    assert "Spotkanie jest odwołane" in listed and "Spotkanie partnerskie" in listed
    assert "Odwołaj to spotkanie" not in staff.client.get(path).get_data(as_text=True)
    assert staff.client.get(f"{path}/cancel").headers["Location"] == path  # cancelled already: nothing to ask


def test_a_cancelled_meetings_page_says_so_and_offers_no_save(staff):
    partnership, _rooms = _coordinators_editor(staff)
    meeting = _planned(staff, partnership)
    path = f"/staff/meetings/{meeting['id']}"
    staff.client.post(f"{path}/cancel", data={"csrf_token": csrf_of(staff.client, path), "confirm": "1",
                                              "version": "1"})
    page = staff.client.get(path).get_data(as_text=True)
    assert "To spotkanie jest odwołane: nie można go już zmienić." in page
    assert f'action="{path}"' not in page and "Zapisz" not in page
    assert "Spotkanie partnerskie" in page  # what it was, still shown


def test_another_coordinators_meeting_is_refused_as_the_api_refuses_it(staff):
    partnership, _rooms = _coordinators_editor(staff)
    meeting = _planned(staff, partnership)
    path = f"/staff/meetings/{meeting['id']}"
    other = staff.partners.test_client()
    staff.invite("jan@inni.example", staff.organisation("Fundacja Inni"))
    staff.set_password(staff.mailed_token())
    assert staff.sign_in("jan@inni.example", client=other).status_code == 303
    token = csrf_of(other, "/staff/reset")
    # The API's rule and answer: the meeting is found, then 403 for whoever does not coordinate its partnership.
    assert other.get(path).status_code == 403
    assert other.post(path, data={**_meeting_form(title="Przejęte"), "version": "1", "csrf_token": token}
                      ).status_code == 403
    assert other.get(f"{path}/cancel").status_code == 403
    assert other.post(f"{path}/cancel", data={"csrf_token": token, "confirm": "1"}).status_code == 403
    assert other.get(f"/staff/meetings/{meeting['id'] + 1000}").status_code == 404
    assert other.get("/staff/meetings/99999999999999999999").status_code == 404
    assert (_meeting(staff, meeting["id"]).title, _meeting(staff, meeting["id"]).status) == (
        "Spotkanie partnerskie", "planned")


def test_a_new_meeting_cannot_be_planned_in_the_past(staff):
    """The form plans: a day passed is refused, saying why (a meeting held is recorded, with its minutes, through
    the API)."""
    partnership, _rooms = _coordinators_editor(staff)
    form = {**_meeting_form(day="01.01.2020"), "partnership": str(partnership["id"]),
            "csrf_token": csrf_of(staff.client, "/staff/meetings/")}
    refused = staff.client.post("/staff/meetings/", data=form)
    assert refused.status_code == 422
    assert ("Proszę sprawdzić pole Dzień: Ten termin już minął. Nowe spotkanie można zaplanować tylko na "
            "przyszłość." in refused.get_data(as_text=True))
    assert staff.client.post("/staff/meetings/", data={**form, "day": _day(-1)}).status_code == 422
    assert staff.client.post("/staff/meetings/", data={**form, "day": _day()}).status_code == 303
