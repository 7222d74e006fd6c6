"""Local Partnerships: model, operations and API, on both stacks."""

import pytest

from services.messaging.errors import Conflict
from services.partners.operations import create_district, create_partnership, update_partnership
from tests.partners.helpers import ADMIN


def test_operations_default_to_forming_publish_and_skip_a_no_op(partners):
    with partners.session() as session:
        district = create_district(session, "Trzech Wieszczów")
        partnership = create_partnership(session, {"name": "Partnerstwo Lokalne Trzech Wieszczów",
                                                   "district_slug": "trzech-wieszczow"})
        assert (partnership.status, partnership.description, partnership.district_id) == ("forming", "", district.id)
        update_partnership(session, partnership, {"status": "forming"})
        update_partnership(session, partnership, {"status": "active", "description": None})
        assert partnership.version == 2 and partnership.description == ""
        with pytest.raises(Conflict):
            create_partnership(session, {"name": "Partnerstwo Lokalne Trzech Wieszczów",
                                         "district_slug": "trzech-wieszczow"})
    assert partners.outbox_types() == ["district.created", "partnership.created", "partnership.updated"]
    assert partners.outbox()[-1].data["status"] == "active"


def test_create_filter_update_and_delete_through_the_api(partners):
    client = partners.client
    partners.make_district()
    partners.make_district("Trzech Wieszczów")
    partners.make_centre()
    grosz = partners.make_partnership(centre="osl-ostatni-grosz", status="active", description="Sąsiedzi razem")
    assert grosz["centre"] == "osl-ostatni-grosz" and grosz["district"] == "ostatni-grosz"
    partners.make_partnership("trzech-wieszczow", "Partnerstwo Lokalne Trzech Wieszczów")
    assert [p["name"] for p in client.get("/api/v1/partnerships/?status=active").json] == [grosz["name"]]
    assert len(client.get("/api/v1/partnerships/?district=trzech-wieszczow").json) == 1
    bad_status = client.get("/api/v1/partnerships/?status=asleep")
    assert bad_status.status_code == 422 and "status" in bad_status.json["errors"]["query"]

    url = f"/api/v1/partnerships/{grosz['id']}"
    changed = client.patch(url, json={"status": "ended", "centre": None}, headers=partners.with_etag(url))
    assert changed.status_code == 200 and changed.json["centre"] is None and changed.json["status"] == "ended"
    assert client.delete(url, headers=partners.with_etag(url)).status_code == 204
    assert client.get(url).status_code == 404
    assert partners.outbox_types()[-2:] == ["partnership.updated", "partnership.deleted"]


def test_bad_input_names_the_field(partners):
    client = partners.client
    partners.make_district()
    for body, field in [({"district": "ostatni-grosz"}, "name"), ({"name": "P", "district": "nowhere"}, "district"),
                        ({"name": "P", "district": "ostatni-grosz", "status": "asleep"}, "status"),
                        ({"name": "P", "district": "ostatni-grosz", "centre": "nowhere"}, "centre")]:
        response = client.post("/api/v1/partnerships/", json=body, headers=ADMIN)
        assert response.status_code == 422, body
        assert field in response.json["errors"]["json"], response.json


def test_a_partnership_with_members_is_ended_not_deleted(partners, partnership):
    client = partners.client
    partners.add_member(partnership["id"], organisation_id=partners.make_organisation()["id"])
    url = f"/api/v1/partnerships/{partnership['id']}"
    refused = client.delete(url, headers=partners.with_etag(url))
    assert refused.status_code == 409 and "members" in refused.json["message"]
    district_url = "/api/v1/districts/ostatni-grosz"
    refused = client.delete(district_url, headers=partners.with_etag(district_url))
    assert refused.status_code == 409 and "partnerships" in refused.json["message"]
