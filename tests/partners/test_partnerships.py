"""Local Partnerships: model, operations and API, on both stacks."""

import pytest

from services.messaging.errors import Conflict
from services.partners.operations import create_district, create_partnership, update_partnership
from tests.partners.helpers import (
    ADMIN,
    add_member,
    make_centre,
    make_district,
    make_organisation,
    make_partnership,
    outbox,
    outbox_types,
    with_etag,
)


def test_operations_default_to_forming_publish_and_skip_a_no_op(partners_app):
    with partners_app.extensions["osl"].database.session() as session:
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
    assert outbox_types(partners_app) == ["district.created", "partnership.created", "partnership.updated"]
    assert outbox(partners_app)[-1].data["status"] == "active"


def test_create_filter_update_and_delete_through_the_api(partners_app):
    client = partners_app.test_client()
    make_district(client)
    make_district(client, "Trzech Wieszczów")
    make_centre(client)
    grosz = make_partnership(client, centre="osl-ostatni-grosz", status="active", description="Sąsiedzi razem")
    assert grosz["centre"] == "osl-ostatni-grosz" and grosz["district"] == "ostatni-grosz"
    make_partnership(client, "trzech-wieszczow", "Partnerstwo Lokalne Trzech Wieszczów")
    assert [p["name"] for p in client.get("/api/v1/partnerships/?status=active").json] == [grosz["name"]]
    assert len(client.get("/api/v1/partnerships/?district=trzech-wieszczow").json) == 1
    bad_status = client.get("/api/v1/partnerships/?status=asleep")
    assert bad_status.status_code == 422 and "status" in bad_status.json["errors"]["query"]

    url = f"/api/v1/partnerships/{grosz['id']}"
    changed = client.patch(url, json={"status": "ended", "centre": None}, headers=with_etag(client, url))
    assert changed.status_code == 200 and changed.json["centre"] is None and changed.json["status"] == "ended"
    assert client.delete(url, headers=with_etag(client, url)).status_code == 204
    assert client.get(url).status_code == 404
    assert outbox_types(partners_app)[-2:] == ["partnership.updated", "partnership.deleted"]


def test_bad_input_names_the_field(partners_app):
    client = partners_app.test_client()
    make_district(client)
    for body, field in [({"district": "ostatni-grosz"}, "name"), ({"name": "P", "district": "nowhere"}, "district"),
                        ({"name": "P", "district": "ostatni-grosz", "status": "asleep"}, "status"),
                        ({"name": "P", "district": "ostatni-grosz", "centre": "nowhere"}, "centre")]:
        response = client.post("/api/v1/partnerships/", json=body, headers=ADMIN)
        assert response.status_code == 422, body
        assert field in response.json["errors"]["json"], response.json


def test_a_partnership_with_members_is_ended_not_deleted(partners_app):
    client = partners_app.test_client()
    make_district(client)
    partnership = make_partnership(client)
    add_member(client, partnership["id"], organisation_id=make_organisation(client)["id"])
    url = f"/api/v1/partnerships/{partnership['id']}"
    refused = client.delete(url, headers=with_etag(client, url))
    assert refused.status_code == 409 and "members" in refused.json["message"]
    district_url = "/api/v1/districts/ostatni-grosz"
    refused = client.delete(district_url, headers=with_etag(client, district_url))
    assert refused.status_code == 409 and "partnerships" in refused.json["message"]
