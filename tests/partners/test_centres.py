"""Centres: model, operations and API, on both stacks."""

from services.messaging.errors import Conflict, FieldError
from services.partners.models import Centre
from services.partners.operations import create_centre, create_district, update_centre
from tests.partners.helpers import ADMIN, make_centre, make_district, make_organisation, outbox, with_etag


def test_the_model_snapshot_is_a_valid_message(partners):
    with partners.session() as session:
        district = create_district(session, "Błeszno")
        centre = create_centre(session, {"name": "DOSL Błeszno", "kind": "dosl", "district_slug": "bleszno",
                                         "started_year": 2018})
        assert centre.slug == "dosl-bleszno"
        assert centre.district_id == district.id
        assert session.get(Centre, centre.id).district_slug == "bleszno"
    assert partners.outbox()[-1].data == {**{name: None for name in Centre.FIELDS}, "id": centre.id, "version": 1,
                                          "name": "DOSL Błeszno", "slug": "dosl-bleszno", "kind": "dosl",
                                          "district_id": district.id, "started_year": 2018}


def test_operations_refuse_a_duplicate_and_an_unknown_district(partners):
    with partners.session() as session:
        create_district(session, "Raków")
        centre = create_centre(session, {"name": "OSL Raków", "kind": "osl", "district_slug": "rakow"})
        try:
            create_centre(session, {"name": "OSL Raków", "kind": "osl", "district_slug": "rakow"})
        except Conflict as exc:
            assert "OSL Raków" in str(exc)
        else:
            raise AssertionError("a duplicate name was accepted")
        try:
            update_centre(session, centre, {"district_slug": "nowhere"})
        except FieldError as exc:
            assert exc.field == "district"
        else:
            raise AssertionError("an unknown district was accepted")
        assert update_centre(session, centre, {"name": "OSL Raków"}).version == 1


def test_create_filter_update_and_delete_through_the_api(partners):
    client = partners.client
    partners.make_district("Raków")
    partners.make_district("Północ")
    mops = partners.make_organisation("Miejski Ośrodek Pomocy Społecznej w Częstochowie", kind="municipal")
    partners.make_centre("rakow", "OSL Raków", started_year=2012)
    centre = partners.make_centre("polnoc", "DOSL Północ", kind="dosl", operator_id=mops["id"],
                                  email="dosl.polnoc@example.org", website="https://example.org/dosl")
    assert centre["slug"] == "dosl-polnoc" and centre["district"] == "polnoc"

    in_polnoc = client.get("/api/v1/centres/?district=polnoc")
    assert [c["name"] for c in in_polnoc.json] == ["DOSL Północ"]
    assert [c["name"] for c in client.get("/api/v1/centres/").json] == ["DOSL Północ", "OSL Raków"]
    unknown = client.get("/api/v1/centres/?district=nowhere")
    assert unknown.status_code == 422 and "district" in unknown.json["errors"]["query"]

    url = "/api/v1/centres/dosl-polnoc"
    changed = client.patch(url, json={"address": "ul. Łukasza 5", "district": "rakow"}, headers=partners.with_etag(url))
    assert changed.status_code == 200, changed.json
    assert changed.json["district"] == "rakow" and changed.json["address"] == "ul. Łukasza 5"
    assert client.delete(url, headers=partners.with_etag(url)).status_code == 204
    assert partners.outbox_types()[-3:] == ["centre.created", "centre.updated", "centre.deleted"]
    assert partners.outbox()[-2].data["address"] == "ul. Łukasza 5"


def test_bad_input_names_the_field(partners):
    client = partners.client
    partners.make_district()
    for body, field in [({"name": "X", "kind": "club", "district": "ostatni-grosz"}, "kind"),
                        ({"name": "X", "kind": "osl", "district": "ostatni-grosz", "email": "nope"}, "email"),
                        ({"name": "X", "kind": "osl", "district": "ostatni-grosz", "website": "nope"}, "website"),
                        ({"name": "X", "kind": "osl"}, "district"),
                        ({"name": "X", "kind": "osl", "district": "nowhere"}, "district"),
                        ({"name": "X", "kind": "osl", "district": "ostatni-grosz", "operator_id": 99}, "operator_id")]:
        response = client.post("/api/v1/centres/", json=body, headers=ADMIN)
        assert response.status_code == 422, body
        assert field in response.json["errors"]["json"], response.json
    assert partners.outbox_types() == ["district.created"]


def test_a_centre_that_coordinates_a_partnership_cannot_be_deleted(partners):
    client = partners.client
    partners.make_district()
    partners.make_centre()
    partners.make_partnership(centre="osl-ostatni-grosz")
    url = "/api/v1/centres/osl-ostatni-grosz"
    refused = client.delete(url, headers=partners.with_etag(url))
    assert refused.status_code == 409 and "partnerships" in refused.json["message"]
    assert client.get("/api/v1/centres/nowhere").status_code == 404


def test_a_centre_carries_what_people_need_to_get_there(partners_app):
    client = partners_app.test_client()
    make_district(client, "Raków")
    mops = make_organisation(client, "Miejski Ośrodek Pomocy Społecznej w Częstochowie")
    facts = {"address": "ul. Łukasińskiego 40, 42-207 Częstochowa", "opening_hours": "pon.–pt. 9:00–17:00",
             "phone": "34 000 00 00", "email": "osl.rakow@example.org", "operator_id": mops["id"]}
    centre = make_centre(client, district="rakow", name="OSL Raków", **facts)
    assert {name: centre[name] for name in facts} == facts
    assert {name: outbox(partners_app)[-1].data[name] for name in facts} == facts
    url = f"/api/v1/centres/{centre['slug']}"
    too_long = client.patch(url, json={"opening_hours": "x" * 501}, headers=with_etag(client, url))
    assert too_long.status_code == 422 and "opening_hours" in too_long.get_data(as_text=True)
