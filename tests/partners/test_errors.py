"""Bad input never gets a 500: every error is a 4xx with a message, and a 422 names the field."""

import pytest

from services.partners.operations import common
from tests.partners.helpers import ADMIN


def test_ids_beyond_the_database_range_are_404_or_422(partners, partnership):
    client = partners.client
    assert client.get("/api/v1/organisations/99999999999").status_code == 404
    assert client.get(f"/api/v1/partnerships/{partnership['id']}/members/99999999999").status_code == 404
    response = client.post(f"/api/v1/partnerships/{partnership['id']}/members/",
                           json={"organisation_id": 99999999999}, headers=ADMIN)
    assert response.status_code == 422 and "organisation_id" in response.json["errors"]["json"]


def test_nul_characters_and_out_of_range_times_name_the_field(partners):
    client = partners.client
    response = client.post("/api/v1/organisations/", json={"name": "Zła\x00nazwa", "kind": "ngo"}, headers=ADMIN)
    assert response.status_code == 422 and "name" in response.json["errors"]["json"]
    partners.make_district()
    partnership = partners.make_partnership()
    response = client.post(f"/api/v1/partnerships/{partnership['id']}/meetings/",
                           json={"title": "Dawno", "starts_at": "0001-01-01T00:00:00",
                                 "ends_at": "0001-01-01T01:00:00"}, headers=ADMIN)
    assert response.status_code == 422 and "starts_at" in response.json["errors"]["json"]


def test_a_change_without_if_match_is_428_with_a_message(partners):
    client = partners.client
    partners.make_district()
    response = client.patch("/api/v1/districts/ostatni-grosz", json={"name": "Grosz"}, headers=ADMIN)
    assert response.status_code == 428 and "If-Match" in response.json["message"]


def test_malformed_json_and_unknown_fields_are_refused(partners):
    client = partners.client
    broken = client.post("/api/v1/organisations/", data="{", content_type="application/json", headers=ADMIN)
    assert 400 <= broken.status_code < 500
    unknown = client.post("/api/v1/organisations/", json={"name": "X", "kind": "ngo", "secret": 1}, headers=ADMIN)
    assert unknown.status_code == 422 and "secret" in unknown.json["errors"]["json"]


def test_a_duplicate_that_slips_past_the_checks_is_still_409(partners, monkeypatch):
    client = partners.client
    partners.make_organisation("Fundacja Ąę")
    monkeypatch.setattr(common, "ensure_unique", lambda *args, **kwargs: None)  # the check create_named makes
    response = client.post("/api/v1/organisations/", json={"name": "Fundacja Ąę", "kind": "ngo"}, headers=ADMIN)
    assert response.status_code == 409 and response.json["message"]
    assert partners.outbox_types() == ["organisation.created"]


@pytest.mark.parametrize("url", ["/api/v1/people/", "/api/v1/admin-keys/", "/api/v1/organisations/1/api-keys"])
def test_admin_reads_need_credentials(partners, url):
    response = partners.app.test_client().get(url)
    assert response.status_code == 401 and response.json["message"]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-key"}])
def test_credentials_are_checked_before_the_body_and_the_etag(partners, headers):
    client = partners.client
    created = client.post("/api/v1/centres/", json={}, headers=headers)
    changed = client.patch("/api/v1/districts/rakow", json={"name": ""}, headers=headers)
    assert (created.status_code, changed.status_code) == (401, 401)
    assert "Bearer" in created.get_json()["message"] or "not known" in created.get_json()["message"]
