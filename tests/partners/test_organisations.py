"""Organisations: model, operations and API, on both stacks."""

import pytest

from services.messaging.errors import Conflict
from services.partners.operations import create_organisation, update_organisation
from tests.partners.helpers import (
    ADMIN,
    add_member,
    make_district,
    make_organisation,
    make_partnership,
    outbox,
    outbox_types,
    with_etag,
)


def test_operations_make_the_slug_publish_and_skip_a_no_op(partners_app):
    with partners_app.extensions["osl"].database.session() as session:
        organisation = create_organisation(session, {"name": "Fundacja Świętego Łukasza", "kind": "ngo",
                                                     "krs": "0000123456"})
        assert organisation.slug == "fundacja-swietego-lukasza"
        update_organisation(session, organisation, {"krs": "0000123456"})
        update_organisation(session, organisation, {"phone": "+48 34 000 00 00"})
        assert organisation.version == 2
        with pytest.raises(Conflict):
            create_organisation(session, {"name": "Fundacja Świętego Łukasza", "kind": "ngo"})
    assert outbox_types(partners_app) == ["organisation.created", "organisation.updated"]
    assert outbox(partners_app)[1].data["phone"] == "+48 34 000 00 00"


def test_polish_letters_survive_api_in_api_out_and_the_message(partners_app):
    client = partners_app.test_client()
    name = "Stowarzyszenie „Źródło” Żółć Gęślą Jaźń"
    organisation = make_organisation(client, name, email="biuro@zrodlo.example.org")
    assert organisation["name"] == name
    assert client.get(f"/api/v1/organisations/{organisation['id']}").json["name"] == name
    raw = client.get(f"/api/v1/organisations/{organisation['id']}").data.decode()
    assert name in raw  # sent as UTF-8, not as \u escapes
    assert outbox(partners_app)[0].data["name"] == name


def test_krs_email_website_and_kind_are_checked(partners_app):
    client = partners_app.test_client()
    for fields, field in [({"krs": "12345"}, "krs"), ({"krs": "12345678901"}, "krs"), ({"krs": "00001234ab"}, "krs"),
                          ({"email": "not-an-email"}, "email"), ({"website": "example"}, "website"),
                          ({"kind": "club"}, "kind")]:
        response = client.post("/api/v1/organisations/", json={"name": "Koło", "kind": "ngo", **fields},
                               headers=ADMIN)
        assert response.status_code == 422, fields
        assert field in response.json["errors"]["json"]
    assert make_organisation(client, "Koło", krs="0000654321")["krs"] == "0000654321"
    assert outbox_types(partners_app) == ["organisation.created"]


def test_update_list_and_delete_through_the_api(partners_app):
    client = partners_app.test_client()
    zeta = make_organisation(client, "Żak")
    make_organisation(client, "Stowarzyszenie Ósemka")
    make_organisation(client, "Szkoła Podstawowa nr 1", kind="school")
    listed = client.get("/api/v1/organisations/")
    assert [o["name"] for o in listed.json] == ["Stowarzyszenie Ósemka", "Szkoła Podstawowa nr 1", "Żak"]
    url = f"/api/v1/organisations/{zeta['id']}"
    changed = client.patch(url, json={"website": "https://zak.example.org"}, headers=with_etag(client, url))
    assert changed.status_code == 200 and changed.json["version"] == 2
    duplicate = client.patch(url, json={"name": "Szkoła Podstawowa nr 1"}, headers=with_etag(client, url))
    assert duplicate.status_code == 409 and "Szkoła Podstawowa nr 1" in duplicate.json["message"]
    assert client.delete(url, headers=with_etag(client, url)).status_code == 204
    assert client.get(url).status_code == 404
    assert outbox_types(partners_app).count("organisation.deleted") == 1


def test_a_member_organisation_cannot_be_deleted(partners_app):
    client = partners_app.test_client()
    make_district(client)
    partnership = make_partnership(client)
    organisation = make_organisation(client)
    add_member(client, partnership["id"], organisation_id=organisation["id"])
    url = f"/api/v1/organisations/{organisation['id']}"
    refused = client.delete(url, headers=with_etag(client, url))
    assert refused.status_code == 409 and "memberships" in refused.json["message"]
