"""MOPS staff change a centre's address, opening hours and contacts on the staff pages, by the API's schema."""

from tests.partners.helpers import make_centre, make_district
from tests.staff.conftest import csrf_of, signed_in_admin


def test_an_admin_changes_a_centres_hours_and_contacts_and_events_hears_of_it(staff):
    make_district(staff.client)
    centre = make_centre(staff.client)
    admin, _cookie = signed_in_admin(staff)
    token = csrf_of(admin, "/staff/centres/")
    form = {"address": "ul. Łukasińskiego 40", "opening_hours": "pon.–pt. 9:00–17:00", "email": "osl@example.org",
            "phone": "34 000 00 00", "website": "", "version": str(centre["version"]), "csrf_token": token}
    refused = admin.post(f"/staff/centres/{centre['id']}", data={**form, "email": "not an address"})
    assert refused.status_code == 422  # named by its label on the page, never by the API's field name
    assert "Proszę sprawdzić pole Adres e-mail: To nie jest poprawny adres e-mail." in refused.get_data(as_text=True)
    assert admin.post(f"/staff/centres/{centre['id']}", data=form).status_code == 303
    shown = staff.client.get(f"/api/v1/centres/{centre['slug']}").get_json()
    assert (shown["opening_hours"], shown["phone"], shown["website"]) == ("pon.–pt. 9:00–17:00", "34 000 00 00", None)
    updated = [e for e in staff.forward() if e.type == "centre.updated"]
    assert updated[-1].actor == "account:1" and updated[-1].data["address"] == "ul. Łukasińskiego 40"


def test_an_editor_may_not_change_centres(staff):
    staff.editor()
    assert staff.client.get("/staff/centres/").status_code == 403
