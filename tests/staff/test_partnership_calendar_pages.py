"""A partnership's private calendar from the staff pages: its coordinator (or an admin) reaches the members' page
signed in, with no key, and gives the calendar a new address after a question; another editor may not."""

from tests.partners.helpers import add_member, make_district, make_partnership
from tests.staff.conftest import csrf_of, registry_with_a_member


def test_a_coordinator_finds_the_private_feed_link_signed_in_and_another_editor_may_not(staff):
    from services.messaging.staff import COOKIE
    from tests.staff.conftest import ADMIN

    coordinator, partnership = registry_with_a_member(staff)
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


def test_a_coordinator_changes_the_private_calendar_address_from_the_pages_after_a_question(staff):
    """The members' page says the coordinator can change the address: they can, signed in, with no API key; the old
    address stops working at once. Another editor may not."""
    from services.messaging.staff import COOKIE
    from tests.staff.conftest import ADMIN

    make_district(staff.client)
    partnership = make_partnership(staff.client)
    coordinator = staff.organisation("Stowarzyszenie Sąsiedzi")
    add_member(staff.client, partnership["id"], organisation_id=coordinator, role="coordinator")
    _account, cookie = staff.editor("ewa@sasiedzi.example", coordinator)
    _other, other_cookie = staff.editor("jan@inni.example", staff.organisation("Fundacja Inni"))
    staff.forward()
    editor = staff.events.test_client()
    editor.set_cookie(COOKIE, cookie)
    before = editor.get(f"/staff/events/partnerships/{partnership['id']}/calendar").headers["Location"]
    members = editor.get(before).get_data(as_text=True)
    path = f"/staff/events/partnerships/{partnership['id']}/calendar/new-address"
    assert f'href="{path}"' in members
    asked = editor.get(path)
    assert asked.status_code == 200 and "Zmienić adres kalendarza" in asked.get_data(as_text=True)
    token = csrf_of(editor, path)
    unasked = editor.post(path, data={"csrf_token": token})
    assert unasked.status_code == 303 and editor.get(before).status_code == 200  # nothing changed yet
    changed = editor.post(path, data={"csrf_token": token, "confirm": "1"})
    assert changed.status_code == 303 and changed.headers["Location"] != before
    assert editor.get(before).status_code == 404 and editor.get(changed.headers["Location"]).status_code == 200
    api = staff.events.test_client().get(f"/api/v1/partnerships/{partnership['id']}/feed-token", headers=ADMIN)
    assert changed.headers["Location"] == api.get_json()["page"]
    other = staff.events.test_client()
    other.set_cookie(COOKIE, other_cookie)
    assert other.get(path).status_code == 403
    assert other.post(path, data={"csrf_token": csrf_of(editor, path), "confirm": "1"}).status_code in (400, 403)
