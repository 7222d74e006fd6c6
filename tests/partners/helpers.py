"""What the partners tests share: credentials, reading the outbox, and creating records through the API."""

from sqlalchemy import select

from services.messaging.envelope import parse
from services.messaging.registry import message_type, validate
from services.partners.models import OutboxMessage

ADMIN = {"Authorization": "Bearer test-admin-token"}


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def outbox(app) -> list:
    """Every outbox message in order, parsed and checked against its schema."""
    with app.extensions["osl"].database.session() as session:
        envelopes = [parse(row.body) for row in session.scalars(select(OutboxMessage).order_by(OutboxMessage.seq))]
    for envelope in envelopes:
        assert validate(envelope.type, envelope.data) == envelope.data
    return envelopes


def outbox_types(app) -> list[str]:
    return [envelope.type for envelope in outbox(app)]


def public_outbox_types(app) -> list[str]:
    """The types every consumer may take: without the member contacts sent to notify alone (test_member_contacts)."""
    return [name for name in outbox_types(app) if not message_type(name).private_to]


def created(response) -> dict:
    assert response.status_code == 201, response.json
    return response.json


def with_etag(client, url: str, headers: dict | None = None) -> dict:
    """Headers with If-Match set to the item's current ETag."""
    response = client.get(url, headers=ADMIN)
    assert response.status_code == 200, response.json
    return {**(headers if headers is not None else ADMIN), "If-Match": response.headers["ETag"]}


def make_district(client, name: str = "Ostatni Grosz") -> dict:
    return created(client.post("/api/v1/districts/", json={"name": name}, headers=ADMIN))


def make_organisation(client, name: str = "Stowarzyszenie Żółty Żuraw", **fields) -> dict:
    return created(client.post("/api/v1/organisations/", json={"name": name, "kind": "ngo", **fields}, headers=ADMIN))


def make_centre(client, district: str = "ostatni-grosz", name: str = "OSL Ostatni Grosz", **fields) -> dict:
    body = {"name": name, "kind": "osl", "district": district, **fields}
    return created(client.post("/api/v1/centres/", json=body, headers=ADMIN))


def make_partnership(client, district: str = "ostatni-grosz", name: str = "Partnerstwo Lokalne Ostatni Grosz",
                     **fields) -> dict:
    body = {"name": name, "district": district, **fields}
    return created(client.post("/api/v1/partnerships/", json=body, headers=ADMIN))


def add_member(client, partnership_id: int, **fields) -> dict:
    return created(client.post(f"/api/v1/partnerships/{partnership_id}/members/", json=fields, headers=ADMIN))


def issue_key(client, organisation_id: int) -> dict:
    return created(client.post(f"/api/v1/organisations/{organisation_id}/api-keys", json={}, headers=ADMIN))


def partnership_with_coordinator(client) -> tuple[dict, dict, str]:
    """A partnership in Ostatni Grosz whose coordinator organisation holds a key: (partnership, organisation, key)."""
    make_district(client)
    partnership = make_partnership(client)
    organisation = make_organisation(client)
    add_member(client, partnership["id"], organisation_id=organisation["id"], role="coordinator")
    return partnership, organisation, issue_key(client, organisation["id"])["key"]
