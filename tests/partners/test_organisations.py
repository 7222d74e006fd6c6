"""Organisations: model, operations and API, on both stacks."""

import pytest

from services.messaging.errors import Conflict
from services.partners.operations import create_organisation, update_organisation
from tests.partners.helpers import ADMIN


def test_operations_make_the_slug_publish_and_skip_a_no_op(partners):
    with partners.session() as session:
        organisation = create_organisation(session, {"name": "Fundacja Świętego Łukasza", "kind": "ngo",
                                                     "krs": "0000123456"})
        assert organisation.slug == "fundacja-swietego-lukasza"
        update_organisation(session, organisation, {"krs": "0000123456"})
        update_organisation(session, organisation, {"phone": "+48 34 000 00 00"})
        assert organisation.version == 2
        with pytest.raises(Conflict):
            create_organisation(session, {"name": "Fundacja Świętego Łukasza", "kind": "ngo"})
    assert partners.outbox_types() == ["organisation.created", "organisation.updated"]
    assert partners.outbox()[1].data["phone"] == "+48 34 000 00 00"


def test_polish_letters_survive_api_in_api_out_and_the_message(partners):
    client = partners.client
    name = "Stowarzyszenie „Źródło” Żółć Gęślą Jaźń"
    organisation = partners.make_organisation(name, email="biuro@zrodlo.example.org")
    assert organisation["name"] == name
    assert client.get(f"/api/v1/organisations/{organisation['id']}").json["name"] == name
    raw = client.get(f"/api/v1/organisations/{organisation['id']}").data.decode()
    assert name in raw  # sent as UTF-8, not as \u escapes
    assert partners.outbox()[0].data["name"] == name


def test_krs_email_website_and_kind_are_checked(partners):
    client = partners.client
    for fields, field in [({"krs": "12345"}, "krs"), ({"krs": "12345678901"}, "krs"), ({"krs": "00001234ab"}, "krs"),
                          ({"email": "not-an-email"}, "email"), ({"website": "example"}, "website"),
                          ({"kind": "club"}, "kind"), ({"phone": "xxxx"}, "phone"), ({"phone": "12"}, "phone")]:
        response = client.post("/api/v1/organisations/", json={"name": "Koło", "kind": "ngo", **fields},
                               headers=ADMIN)
        assert response.status_code == 422, fields
        assert field in response.json["errors"]["json"]
    response = client.post("/api/v1/organisations/", json={"name": "Koło", "kind": "ngo", "krs": "abc"}, headers=ADMIN)
    assert response.json["errors"]["json"]["krs"] == ["A KRS number is exactly 10 digits."]  # once, not per rule
    krs = client.get("/openapi.json").json["components"]["schemas"]["Organisation"]["properties"]["krs"]
    assert (krs["pattern"], krs["minLength"], krs["maxLength"]) == ("^[0-9]{10}$", 10, 10)
    assert partners.make_organisation("Koło", krs="0000654321")["krs"] == "0000654321"
    assert partners.outbox_types() == ["organisation.created"]


def test_update_list_and_delete_through_the_api(partners):
    client = partners.client
    zeta = partners.make_organisation("Żak")
    partners.make_organisation("Stowarzyszenie Ósemka")
    partners.make_organisation("Szkoła Podstawowa nr 1", kind="school")
    listed = client.get("/api/v1/organisations/")
    assert [o["name"] for o in listed.json] == ["Stowarzyszenie Ósemka", "Szkoła Podstawowa nr 1", "Żak"]
    url = f"/api/v1/organisations/{zeta['id']}"
    changed = client.patch(url, json={"website": "https://zak.example.org"}, headers=partners.with_etag(url))
    assert changed.status_code == 200 and changed.json["version"] == 2
    duplicate = client.patch(url, json={"name": "Szkoła Podstawowa nr 1"}, headers=partners.with_etag(url))
    assert duplicate.status_code == 409 and "Szkoła Podstawowa nr 1" in duplicate.json["message"]
    assert client.delete(url, headers=partners.with_etag(url)).status_code == 204
    assert client.get(url).status_code == 404
    assert partners.outbox_types().count("organisation.deleted") == 1


def test_a_member_organisation_cannot_be_deleted(partners, partnership):
    client = partners.client
    organisation = partners.make_organisation()
    partners.add_member(partnership["id"], organisation_id=organisation["id"])
    url = f"/api/v1/organisations/{organisation['id']}"
    refused = client.delete(url, headers=partners.with_etag(url))
    assert refused.status_code == 409 and "memberships" in refused.json["message"]
