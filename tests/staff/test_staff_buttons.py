"""The staff home's buttons that change what others see ask first and say what they do, each with its way back; and
the refusals of the staff forms say why."""

from datetime import date

from services.messaging.staff import COOKIE
from tests.partners.helpers import make_centre, make_district
from tests.staff.conftest import ADMIN, csrf_of, signed_in_admin

YEAR = date.today().year + 1


def _review_form(admin, organisation: int) -> str:
    """The home page's button about ``organisation``'s review, as the admin sees it."""
    html = admin.get("/staff/").get_data(as_text=True)
    return html.split(f"/staff/organisations/{organisation}/review", 1)[1].split("</li>", 1)[0]


def _needs_review(staff, organisation: int) -> bool:
    return staff.client.get(f"/api/v1/organisations/{organisation}", headers=ADMIN).get_json()["needs_review"]


def test_requiring_review_of_an_organisations_events_says_so_and_asks_first(staff):
    organisation = staff.organisation()
    admin, _cookie = signed_in_admin(staff)
    assert "Wymagaj przeglądu wydarzeń" in _review_form(admin, organisation)
    assert "Przeglądaj jej wydarzenia" not in admin.get("/staff/").get_data(as_text=True)
    path = f"/staff/organisations/{organisation}/review"
    token = csrf_of(admin, "/staff/")
    one_click = admin.post(path, data={"needs_review": "1", "csrf_token": token})
    assert one_click.status_code == 303 and one_click.headers["Location"].endswith(path)
    assert _needs_review(staff, organisation) is False  # nothing changed yet
    asked = admin.get(path).get_data(as_text=True)
    assert "Wymagać przeglądu wydarzeń organizacji Stowarzyszenie Sąsiedzi?" in asked
    assert "czekają na zatwierdzenie przez MOPS" in asked and "Tak, wymagaj przeglądu" in asked
    assert "Tego nie można cofnąć." not in asked  # it can: "Uznaj za zaufaną" on the staff home
    confirmed = admin.post(path, data={"needs_review": "1", "confirm": "1", "csrf_token": token})
    assert confirmed.status_code == 303 and _needs_review(staff, organisation) is True
    # The way back, in one click.
    assert "Uznaj za zaufaną" in _review_form(admin, organisation)
    assert admin.post(path, data={"needs_review": "0", "csrf_token": token}).status_code == 303
    assert _needs_review(staff, organisation) is False


def test_disabling_an_account_asks_first_and_an_admin_can_enable_it_again(staff):
    account, _cookie = staff.editor()
    admin, _cookie = signed_in_admin(staff)
    token = csrf_of(admin, "/staff/")
    path = f"/staff/accounts/{account['id']}/disable"
    one_click = admin.post(path, data={"csrf_token": token})
    assert one_click.status_code == 303 and one_click.headers["Location"].endswith(path)
    assert staff.client.get(f"/api/v1/accounts/{account['id']}", headers=ADMIN).get_json()["disabled_at"] is None
    asked = admin.get(path).get_data(as_text=True)
    assert "Wyłączyć konto ewa@sasiedzi.example?" in asked and "Tak, wyłącz" in asked
    assert "Tego nie można cofnąć." not in asked
    assert admin.post(path, data={"confirm": "1", "csrf_token": token}).status_code == 303
    assert staff.client.get(f"/api/v1/accounts/{account['id']}", headers=ADMIN).get_json()["disabled_at"]
    home = admin.get("/staff/").get_data(as_text=True)
    assert f"/staff/accounts/{account['id']}/enable" in home and "Włącz konto ewa@sasiedzi.example" in home
    enabled = admin.post(f"/staff/accounts/{account['id']}/enable", data={"csrf_token": token})
    assert enabled.status_code == 303
    assert staff.client.get(f"/api/v1/accounts/{account['id']}", headers=ADMIN).get_json()["disabled_at"] is None
    assert "Konto jest znowu włączone" in admin.get(enabled.headers["Location"]).get_data(as_text=True)
    # Only admins.
    assert staff.sign_in("ewa@sasiedzi.example").status_code == 303
    editor_token = csrf_of(staff.client, "/staff/")
    refused = staff.client.post(f"/staff/accounts/{account['id']}/enable", data={"csrf_token": editor_token})
    assert refused.status_code == 403


def test_a_centre_of_another_district_is_refused_with_why_in_the_preview_too(staff):
    make_district(staff.client)
    make_centre(staff.client)
    make_district(staff.client, "Raków")
    make_centre(staff.client, "rakow", "OSL Raków")
    _account, cookie = staff.editor()
    staff.forward()
    client = staff.events.test_client()
    client.set_cookie(COOKIE, cookie)
    form = {"title": "Klub szachowy", "description": "Dla każdego.", "category": "culture", "district": "rakow",
            "centre": "osl-ostatni-grosz", "audiences": ["seniors"], "day": f"{YEAR}-03-02", "starts": "17:00",
            "ends": "19:00", "csrf_token": csrf_of(client, "/staff/events/new")}
    why = ("Proszę sprawdzić pole Ośrodek: Ten ośrodek nie leży w wybranej dzielnicy: proszę wybrać jeden z jej "
           "ośrodków albo żaden.")
    for action in ("preview", "save"):
        answer = client.post("/staff/events/new", data={**form, action: "1"})
        assert answer.status_code == 422, action
        assert why in answer.get_data(as_text=True), action
    api = staff.events.test_client().post("/api/v1/events", headers=ADMIN, json={
        "organisation": "stowarzyszenie-sasiedzi", "title": "Klub", "category": "culture", "district": "rakow",
        "centre": "osl-ostatni-grosz", "starts_at": f"{YEAR}-03-02T17:00:00", "ends_at": f"{YEAR}-03-02T19:00:00"})
    assert api.status_code == 422 and api.get_json()["message"].startswith("centre: This centre is not in the")


def test_a_website_without_https_is_taken_as_meant(staff):
    admin, _cookie = signed_in_admin(staff)
    form = {"name": "Fundacja Nowa", "kind": "ngo", "krs": "", "email": "", "phone": "",
            "website": "www.fundacja.pl", "csrf_token": csrf_of(admin, "/staff/organisations/new")}
    assert admin.post("/staff/organisations/new", data=form).status_code == 303
    [organisation] = staff.client.get("/api/v1/organisations/").get_json()
    assert organisation["website"] == "https://www.fundacja.pl"
    bare = staff.client.post("/api/v1/organisations/", headers=ADMIN, json={
        "name": "Fundacja Druga", "kind": "ngo", "website": "fundacja-druga.org.pl/o-nas"})
    assert bare.status_code == 201 and bare.get_json()["website"] == "https://fundacja-druga.org.pl/o-nas"
    for wrong in ("fundacja", "ftp://fundacja.pl", "javascript:alert(1)"):
        refused = admin.post("/staff/organisations/new", data={**form, "name": "Inna", "website": wrong})
        assert refused.status_code == 422, wrong
    centre = make_centre(staff.client, make_district(staff.client)["slug"], website="osl.czestochowa.pl")
    assert centre["website"] == "https://osl.czestochowa.pl"
