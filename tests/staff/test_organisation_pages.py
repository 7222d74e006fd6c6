"""MOPS staff add and change organisations on the staff pages, by the API's schema and operations."""

from services.messaging.messages.partners import ORGANISATION_KINDS
from services.messaging.models import KRS_LENGTH
from services.ui.labels import ORGANISATION_KIND_LABELS
from tests.staff.conftest import csrf_of, signed_in_admin
from tests.ui.pagecheck import parse


def test_every_kind_has_a_label():
    assert set(ORGANISATION_KIND_LABELS) == set(ORGANISATION_KINDS)


def test_an_admin_adds_and_changes_an_organisation(staff):
    admin, _cookie = signed_in_admin(staff)
    token = csrf_of(admin, "/staff/organisations/new")
    form = {"name": "Parafia św. Józefa", "kind": "parish", "krs": "", "email": "", "phone": "34 111 11 11",
            "website": "", "csrf_token": token}
    assert admin.post("/staff/organisations/new", data={**form, "krs": "123"}).status_code == 422
    bad_email = admin.post("/staff/organisations/new", data={**form, "email": "parafia"})
    assert bad_email.status_code == 422  # said as every staff form says a field's error, in the page's language
    assert "Proszę sprawdzić pole Adres e-mail: To nie jest poprawny adres e-mail." in bad_email.get_data(as_text=True)
    assert admin.post("/staff/organisations/new", data=form).status_code == 303
    [organisation] = staff.client.get("/api/v1/organisations/").get_json()
    assert (organisation["name"], organisation["kind"], organisation["slug"]) == (
        "Parafia św. Józefa", "parish", "parafia-sw-jozefa")
    assert admin.post(f"/staff/organisations/{organisation['id']}", data={**form, "phone": "34 222 22 22",
                                                                         "version": "1"}).status_code == 303
    assert staff.client.get(f"/api/v1/organisations/{organisation['id']}").get_json()["phone"] == "34 222 22 22"
    again = admin.post("/staff/organisations/new", data=form)
    assert again.status_code == 409 and "Parafia" in again.get_data(as_text=True)
    # The clash named by the field's label, in Polish: never the API's English sentence on a Polish page.
    assert "Proszę sprawdzić pole Nazwa: inny wpis ma już taką wartość." in again.get_data(as_text=True)
    assert "already exists" not in again.get_data(as_text=True)
    staff.editor("ewa@sasiedzi.example", organisation["id"])
    assert staff.client.get("/staff/organisations/new").status_code == 403


def test_the_krs_field_takes_ten_digits_and_says_so_in_polish(staff):
    admin, _cookie = signed_in_admin(staff)
    page = parse(admin.get("/staff/organisations/new").get_data(as_text=True))
    [krs] = [element for element in page.fields if element.get("name") == "krs"]
    assert (krs.get("maxlength"), krs.get("inputmode")) == (str(KRS_LENGTH), "numeric")
    form = {"name": "Fundacja Nowa", "kind": "ngo", "email": "", "phone": "", "website": "",
            "csrf_token": csrf_of(admin, "/staff/organisations/new")}
    for wrong in ("123", "12345678901", "00001234ab"):
        refused = admin.post("/staff/organisations/new", data={**form, "krs": wrong})
        assert refused.status_code == 422
        assert "Proszę sprawdzić pole Numer KRS: Numer KRS to dokładnie 10 cyfr." in refused.get_data(as_text=True)
