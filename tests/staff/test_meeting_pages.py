"""Coordinators plan a partner meeting on the staff pages, by the API's rule: the editor of the organisation that
currently coordinates the partnership may; another editor may not."""

from sqlalchemy import select

from services.partners.models import Meeting
from tests.partners.helpers import add_member, make_centre, make_district, make_partnership
from tests.staff.conftest import csrf_of, signed_in_admin

YEAR = 2030


def test_a_coordinators_editor_plans_a_meeting_and_another_editor_may_not(staff):
    make_district(staff.client)
    make_centre(staff.client)
    partnership = make_partnership(staff.client)
    coordinator = staff.organisation("Stowarzyszenie Sąsiedzi")
    add_member(staff.client, partnership["id"], organisation_id=coordinator, role="coordinator")
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


def test_a_coordinator_finds_the_private_feed_link_signed_in_and_another_editor_may_not(staff):
    from services.messaging.staff import COOKIE
    from tests.staff.conftest import ADMIN

    make_district(staff.client)
    make_centre(staff.client)
    partnership = make_partnership(staff.client)
    coordinator = staff.organisation("Stowarzyszenie Sąsiedzi")
    add_member(staff.client, partnership["id"], organisation_id=coordinator, role="coordinator")
    other_organisation = staff.organisation("Fundacja Inni")
    _account, cookie = staff.editor("ewa@sasiedzi.example", coordinator)
    path = f"/staff/events/partnerships/{partnership['id']}/calendar"
    page = staff.client.get("/staff/meetings/").get_data(as_text=True)
    assert f"{path}\"" in page and f"Prywatny kalendarz: {partnership['name']}" in page
    _other, other_cookie = staff.editor("jan@inni.example", other_organisation)
    staff.forward()
    editor = staff.events.test_client()
    editor.set_cookie(COOKIE, cookie)
    answer = editor.get(path)
    assert answer.status_code == 303 and answer.headers["Cache-Control"] == "no-store"
    # The same token as the API gives an admin's key: one private feed, one place that makes it.
    api = staff.events.test_client().get(f"/api/v1/partnerships/{partnership['id']}/feed-token", headers=ADMIN)
    assert answer.headers["Location"] == api.get_json()["page"]
    members = editor.get(answer.headers["Location"]).get_data(as_text=True)
    links = api.get_json()["links"]
    for kind in ("webcal", "google", "outlook", "https"):
        assert links[kind].replace("&", "&amp;") in members, kind
    other = staff.events.test_client()
    other.set_cookie(COOKIE, other_cookie)
    assert other.get(path).status_code == 403
    assert staff.events.test_client().get(path).status_code == 302  # nobody signed in: to the sign-in page


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
