"""PUT replaces a whole record: fields left out go back to their defaults; If-Match is required and checked."""

import pytest

from tests.partners.helpers import ADMIN


def _world(partners) -> dict:
    client = partners.client
    partners.make_district()
    partners.make_centre()
    partnership = partners.make_partnership(description="Opis", centre="osl-ostatni-grosz")
    organisation = partners.make_organisation(website="https://zuraw.example.org")
    member = partners.add_member(partnership["id"], organisation_id=organisation["id"], role="coordinator",
                        potential=[{"kind": "ideas", "description": "Festyn"}])
    p = f"/api/v1/partnerships/{partnership['id']}"
    agreement = client.post(f"{p}/agreements/", json={"signatory_ids": [member["id"]], "document_ref": "Umowa 1"},
                            headers=ADMIN).json
    meeting = client.post(f"{p}/meetings/", json={"title": "Spotkanie", "agenda": "Plan", "address": "ul. Ćmy 2",
                                                  "starts_at": "2025-10-30T17:00:00",
                                                  "ends_at": "2025-10-30T18:00:00"}, headers=ADMIN).json
    return {"organisation": f"/api/v1/organisations/{organisation['id']}", "partnership": p,
            "member": f"{p}/members/{member['id']}", "agreement": f"{p}/agreements/{agreement['id']}",
            "meeting": f"{p}/meetings/{meeting['id']}", "centre": "/api/v1/centres/osl-ostatni-grosz"}


CASES = [
    ("organisation", {"name": "Stowarzyszenie Żółty Żuraw", "kind": "ngo"}, "website", None),
    ("partnership", {"name": "Partnerstwo Lokalne Ostatni Grosz", "district": "ostatni-grosz"}, "description", ""),
    ("member", {"role": "coordinator"}, "potential", []),
    ("agreement", {"document_ref": "Umowa 1"}, "signatory_ids", []),
    ("meeting", {"title": "Spotkanie", "starts_at": "2025-10-30T17:00:00", "ends_at": "2025-10-30T18:00:00"},
     "address", None),
    ("centre", {"name": "OSL Ostatni Grosz", "kind": "dosl", "district": "ostatni-grosz"}, "kind", "dosl"),
]


@pytest.mark.parametrize(("record", "body", "field", "value"), CASES, ids=[case[0] for case in CASES])
def test_put_replaces_and_checks_if_match(partners, record, body, field, value):
    client = partners.client
    url = _world(partners)[record]
    before = partners.public_outbox_types()
    assert client.put(url, json=body, headers=ADMIN).status_code == 428
    assert client.put(url, json=body, headers={**ADMIN, "If-Match": '"stale"'}).status_code == 412
    headers = partners.with_etag(url)
    replaced = client.put(url, json=body, headers=headers)
    assert replaced.status_code == 200, replaced.json
    assert replaced.json[field] == value
    assert replaced.json["version"] == 2
    again = client.put(url, json=body, headers={**ADMIN, "If-Match": replaced.headers["ETag"]})
    assert again.status_code == 200 and again.json["version"] == 2
    assert len(partners.public_outbox_types()) == len(before) + 1


def test_put_needs_the_required_fields(partners):
    client = partners.client
    url = _world(partners)["organisation"]
    response = client.put(url, json={"kind": "ngo"}, headers=partners.with_etag(url))
    assert response.status_code == 422 and "name" in response.json["errors"]["json"]
