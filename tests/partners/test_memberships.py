"""Memberships: an organisation or a person, a role, dates and potential; a member cannot be added twice."""

from tests.partners.helpers import ADMIN


def test_add_list_update_and_remove_each_publish_one_message(partners, partnership):
    client = partners.client
    organisation = partners.make_organisation()
    school = partners.make_organisation("Szkoła Podstawowa nr 7", kind="school")
    potential = [{"kind": "material_resources", "description": "Sala gimnastyczna"},
                 {"kind": "people", "description": "Dwóch wolontariuszy"}]
    member = partners.add_member(partnership["id"], organisation_id=school["id"], potential=potential,
                                 joined_on="2024-10-30")
    coordinator = partners.add_member(partnership["id"], organisation_id=organisation["id"], role="coordinator")
    assert member["role"] == "member" and member["potential"] == potential and member["member_kind"] == "organisation"
    listed = client.get(f"/api/v1/partnerships/{partnership['id']}/members/").json
    assert [m["id"] for m in listed] == [coordinator["id"], member["id"]]

    url = f"/api/v1/partnerships/{partnership['id']}/members/{member['id']}"
    changed = client.patch(url, json={"potential": potential[:1] + [{"kind": "ideas", "description": "Piknik"}]},
                           headers=partners.with_etag(url))
    assert changed.status_code == 200 and changed.json["version"] == 2
    same = client.patch(url, json={"role": "member"}, headers=partners.with_etag(url))
    assert same.json["version"] == 2
    assert client.delete(url, headers=partners.with_etag(url)).status_code == 204
    assert client.get(url).status_code == 404
    types = partners.outbox_types()
    # Each change is one public message, followed by the members' contacts, which only notify takes.
    assert types[-8:] == ["membership.added", "member_contacts.replaced"] * 2 + [
        "membership.updated", "member_contacts.replaced", "membership.removed", "member_contacts.replaced"]
    assert partners.outbox()[-4].data["potential"][1] == {"kind": "ideas", "description": "Piknik"}


def test_the_same_member_twice_is_a_conflict_until_it_has_left(partners, partnership):
    client = partners.client
    organisation = partners.make_organisation()
    url = f"/api/v1/partnerships/{partnership['id']}/members/"
    first = partners.add_member(partnership["id"], organisation_id=organisation["id"])
    twice = client.post(url, json={"organisation_id": organisation["id"]}, headers=ADMIN)
    assert twice.status_code == 409 and "already" in twice.json["message"]
    item = f"{url}{first['id']}"
    left = client.patch(item, json={"left_on": "2025-06-30"}, headers=partners.with_etag(item))
    assert left.status_code == 200
    again = client.post(url, json={"organisation_id": organisation["id"], "role": "observer"}, headers=ADMIN)
    assert again.status_code == 201
    back = client.patch(item, json={"left_on": None}, headers=partners.with_etag(item))
    assert back.status_code == 409


def test_bad_input_names_the_field(partners, partnership):
    client = partners.client
    organisation = partners.make_organisation()
    url = f"/api/v1/partnerships/{partnership['id']}/members/"
    for body, field in [({}, "organisation_id"), ({"organisation_id": 999}, "organisation_id"),
                        ({"person_id": 999}, "person_id"),
                        ({"organisation_id": organisation["id"], "role": "boss"}, "role"),
                        ({"organisation_id": organisation["id"], "potential": [{"kind": "money",
                                                                               "description": "x"}]}, "potential"),
                        ({"organisation_id": organisation["id"], "joined_on": "2025-02-01",
                          "left_on": "2025-01-01"}, "left_on")]:
        response = client.post(url, json=body, headers=ADMIN)
        assert response.status_code == 422, body
        assert field in response.json["errors"]["json"], response.json
    assert client.post("/api/v1/partnerships/999/members/", json={}, headers=ADMIN).status_code == 404
    member = partners.add_member(partnership["id"], organisation_id=organisation["id"])
    item = f"{url}{member['id']}"
    moved = client.patch(item, json={"organisation_id": 1}, headers=partners.with_etag(item))
    assert moved.status_code == 422 and "organisation_id" in moved.json["errors"]["json"]
