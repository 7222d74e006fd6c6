"""/api/v1/import-sources: an organisation's key manages its own calendars, an administrator all; bad addresses get
a 422 naming url; the health of a source is readable."""

import pytest

from tests.events.factories import ADMIN, seed

BODY = {"url": "https://calendar.google.com/calendar/ical/fundacja%40gmail.com/public/basic.ics",
        "district": "rakow", "centre": "osl-rakow", "audiences": ["children", "families"], "category": "workshop"}


@pytest.fixture
def api(events_app):
    world = seed(events_app)
    return events_app.test_client(), world


def test_an_organisation_registers_and_manages_its_own_calendar(api):
    client, world = api
    made = client.post("/api/v1/import-sources", json=BODY, headers=world.own)
    assert made.status_code == 201, made.json
    source = made.json
    assert source["organisation"] == "fundacja-zrodlo" and source["status"] == "new" and source["enabled"] is True
    assert source["counts"] == {"new": 0, "changed": 0, "cancelled": 0, "unchanged": 0} and source["warnings"] == []
    assert source["etag"] is None and source["last_fetch_at"] is None and source["next_due_at"]
    url = f"/api/v1/import-sources/{source['id']}"
    assert client.get(url, headers=world.own).json["url"] == BODY["url"]
    assert [s["id"] for s in client.get("/api/v1/import-sources", headers=world.own).json] == [source["id"]]
    # Another organisation neither sees nor changes it; an administrator does both.
    assert client.get(url, headers=world.other).status_code == 404
    assert client.patch(url, json={"enabled": False}, headers=world.other).status_code == 404
    assert client.get("/api/v1/import-sources", headers=world.other).json == []
    assert [s["id"] for s in client.get("/api/v1/import-sources", headers=ADMIN).json] == [source["id"]]
    off = client.patch(url, json={"enabled": False, "category": "culture"}, headers=world.own)
    assert off.status_code == 200 and off.json["enabled"] is False and off.json["category"] == "culture"
    webcal = client.patch(url, json={"url": "webcal://example.org/kalendarz.ics"}, headers=ADMIN)
    assert webcal.status_code == 200 and webcal.json["url"] == "webcal://example.org/kalendarz.ics"
    assert client.post(f"{url}/pull", headers=world.own).status_code == 202
    assert client.delete(url, headers=world.own).status_code == 204
    assert client.get(url, headers=world.own).status_code == 404


def test_writes_need_a_key_and_an_administrator_names_the_organisation(api):
    client, world = api
    assert client.post("/api/v1/import-sources", json=BODY).status_code == 401
    assert client.get("/api/v1/import-sources").status_code == 401
    nameless = client.post("/api/v1/import-sources", json=BODY, headers=ADMIN)
    assert nameless.status_code == 422 and "organisation" in nameless.json["message"]
    named = client.post("/api/v1/import-sources", json={**BODY, "organisation": "klub-seniora"}, headers=ADMIN)
    assert named.status_code == 201 and named.json["organisation"] == "klub-seniora"
    foreign = client.post("/api/v1/import-sources", json={**BODY, "organisation": "klub-seniora"}, headers=world.own)
    assert foreign.status_code == 403


@pytest.mark.parametrize("url", [
    "http://example.org/feed.ics", "ftp://example.org/feed.ics", "file:///etc/passwd", "feed.ics",
    "https://127.0.0.1/feed.ics", "https://10.0.0.1/feed.ics", "https://169.254.169.254/latest/meta-data/",
    "https://100.64.0.1/feed.ics", "https://[::ffff:127.0.0.1]/feed.ics", "webcal://192.168.1.1/feed.ics",
    "https://example.org:8443/feed.ics", "https://user:secret@example.org/feed.ics",
])
def test_addresses_that_may_not_be_fetched_get_a_422_naming_url(api, url):
    client, world = api
    answer = client.post("/api/v1/import-sources", json={**BODY, "url": url}, headers=world.own)
    assert answer.status_code == 422 and "url" in answer.json["errors"]["json"], answer.json


@pytest.mark.parametrize("field, value", [("district", "nowhere"), ("centre", "dosl-ostatni-grosz"),
                                          ("category", "party"), ("audiences", ["cats"])])
def test_bad_defaults_get_a_422_naming_the_field(api, field, value):
    client, world = api
    answer = client.post("/api/v1/import-sources", json={**BODY, field: value}, headers=world.own)
    assert answer.status_code == 422 and field in str(answer.json["errors"]), answer.json
