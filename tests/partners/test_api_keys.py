"""Organisation and admin API keys: shown once, stored and published only as a hash, listed, revoked."""

import hashlib
import logging

from sqlalchemy import select

from services.partners.models import ApiKey
from tests.partners.helpers import ADMIN, bearer


def test_an_organisation_key_is_shown_once_and_kept_only_as_its_hash(partners, caplog):
    client = partners.client
    organisation = partners.make_organisation()
    with caplog.at_level(logging.DEBUG):
        issued = partners.issue_key(organisation["id"])
    key = issued["key"]
    assert key.startswith("osl_") and len(key) > 40
    assert issued["prefix"] == key[:12] and issued["scopes"] == ["events", "meetings"]
    assert key not in caplog.text

    with partners.session() as session:
        row = session.scalars(select(ApiKey)).one()
        assert row.hash == hashlib.sha256(key.encode()).hexdigest()
        assert key not in (row.prefix, row.hash)

    listed = client.get(f"/api/v1/organisations/{organisation['id']}/api-keys", headers=ADMIN)
    assert listed.status_code == 200
    assert [set(item) for item in listed.json] == [{"id", "organisation_id", "prefix", "scopes", "issued_at",
                                                    "revoked_at"}]
    message = partners.outbox()[-1]
    assert message.type == "organisation.api_key.issued"
    assert message.data["hash"] == row.hash and message.data["organisation_id"] == organisation["id"]
    assert key not in str(message.data)


def test_a_revoked_key_is_kept_listed_and_refused(partners):
    client = partners.client
    organisation = partners.make_organisation()
    issued = partners.issue_key(organisation["id"])
    url = f"/api/v1/organisations/{organisation['id']}/api-keys/{issued['id']}"
    revoked = client.delete(url, headers=ADMIN)
    assert revoked.status_code == 200 and revoked.json["revoked_at"]
    again = client.delete(url, headers=ADMIN)
    assert again.status_code == 200 and again.json["revoked_at"] == revoked.json["revoked_at"]
    listed = client.get(f"/api/v1/organisations/{organisation['id']}/api-keys", headers=ADMIN).json
    assert listed[0]["revoked_at"] == revoked.json["revoked_at"]
    refused = client.get("/api/v1/admin-keys/", headers=bearer(issued["key"]))
    assert refused.status_code == 401 and "revoked" in refused.json["message"]
    assert issued["key"] not in refused.json["message"]
    assert partners.outbox_types() == ["organisation.created", "organisation.api_key.issued",
                                       "organisation.api_key.revoked"]
    assert partners.outbox()[-1].data["revoked_at"]
    assert client.delete(f"/api/v1/organisations/{organisation['id']}/api-keys/999", headers=ADMIN).status_code == 404


def test_scopes_can_be_narrowed_but_not_invented(partners):
    client = partners.client
    organisation = partners.make_organisation()
    url = f"/api/v1/organisations/{organisation['id']}/api-keys"
    assert client.post(url, json={"scopes": ["events"]}, headers=ADMIN).json["scopes"] == ["events"]
    bad = client.post(url, json={"scopes": ["admin"]}, headers=ADMIN)
    assert bad.status_code == 422 and "scopes" in bad.json["errors"]["json"]
    assert client.post("/api/v1/organisations/999/api-keys", json={}, headers=ADMIN).status_code == 404


def test_an_admin_key_acts_as_admin_until_revoked(partners):
    client = partners.client
    issued = client.post("/api/v1/admin-keys/", headers=ADMIN)
    assert issued.status_code == 201 and issued.json["scopes"] == ["admin"]
    admin_key = bearer(issued.json["key"])
    assert client.post("/api/v1/districts/", json={"name": "Mirów"}, headers=admin_key).status_code == 201
    assert [k["prefix"] for k in client.get("/api/v1/admin-keys/", headers=admin_key).json] == [issued.json["prefix"]]
    assert client.delete(f"/api/v1/admin-keys/{issued.json['id']}", headers=ADMIN).status_code == 200
    assert client.post("/api/v1/districts/", json={"name": "Kiedrzyn"}, headers=admin_key).status_code == 401
    assert partners.outbox_types() == ["admin_key.issued", "district.created", "admin_key.revoked"]


def test_deleting_an_organisation_revokes_its_live_keys(partners):
    client = partners.client
    organisation = partners.make_organisation()
    key = partners.issue_key(organisation["id"])["key"]
    url = f"/api/v1/organisations/{organisation['id']}"
    etag = client.get(url).headers["ETag"]
    assert client.delete(url, headers={**ADMIN, "If-Match": etag}).status_code == 204
    assert partners.outbox_types()[-2:] == ["organisation.api_key.revoked", "organisation.deleted"]
    assert client.get("/api/v1/admin-keys/", headers=bearer(key)).status_code == 401
