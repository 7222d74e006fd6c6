"""Districts through the partners API, on SQLite and PostgreSQL: each change publishes exactly one valid message."""

import logging

import pytest

from services.messaging.correlation import CorrelationFilter, correlation, current_correlation_id
from services.messaging.testing import running, wait_until
from services.partners.operations import make_slug
from services.ui.naming import polish_key
from tests.messaging.helpers import events_worker, inbox_count
from tests.partners.helpers import ADMIN


@pytest.mark.parametrize(("name", "slug"), [
    ("Śródmieście", "srodmiescie"), ("Północ", "polnoc"), ("Łódź", "lodz"),
    ("Wyczerpy-Aniołów", "wyczerpy-aniolow"), ("Zawodzie-Dąbie", "zawodzie-dabie"),
])
def test_slugs_are_ascii_and_keep_the_name_readable(name, slug):
    assert make_slug(name) == slug


def test_polish_order_puts_s_acute_after_s_and_l_stroke_after_l():
    names = ["Śródmieście", "Łódź", "Stradom", "Lisiniec", "Zawodzie", "Tysiąclecie", "Ćma", "Czarny"]
    assert sorted(names, key=polish_key) == ["Czarny", "Ćma", "Lisiniec", "Łódź", "Stradom", "Śródmieście",
                                             "Tysiąclecie", "Zawodzie"]


def test_create_read_update_delete_each_publish_one_message(partners):
    client = partners.client
    created = client.post("/api/v1/districts/", json={"name": "Śródmieście"}, headers=ADMIN)
    assert created.status_code == 201, created.json
    assert created.json["slug"] == "srodmiescie"
    assert created.json["name"] == "Śródmieście"
    got = client.get("/api/v1/districts/srodmiescie")
    assert got.json["name"] == "Śródmieście"
    etag = got.headers["ETag"]

    stale = client.patch("/api/v1/districts/srodmiescie", json={"name": "X"}, headers={**ADMIN, "If-Match": '"0"'})
    assert stale.status_code == 412
    assert stale.json["message"]
    changed = client.patch("/api/v1/districts/srodmiescie", json={"name": "Śródmieście Północne"},
                           headers={**ADMIN, "If-Match": etag})
    assert changed.status_code == 200, changed.json
    assert changed.headers["ETag"] != etag
    same = client.patch("/api/v1/districts/srodmiescie", json={"name": "Śródmieście Północne"},
                        headers={**ADMIN, "If-Match": changed.headers["ETag"]})
    assert same.status_code == 200 and same.json["version"] == 2
    deleted = client.delete("/api/v1/districts/srodmiescie", headers={**ADMIN, "If-Match": changed.headers["ETag"]})
    assert deleted.status_code == 204
    missing = client.get("/api/v1/districts/srodmiescie")
    assert missing.status_code == 404
    assert "srodmiescie" in missing.json["message"]

    messages = partners.outbox()
    assert [m.type for m in messages] == ["district.created", "district.updated", "district.deleted"]
    assert [m.data["version"] for m in messages] == [1, 2, 2]
    assert messages[1].data["name"] == "Śródmieście Północne"


def test_writes_need_an_admin(partners):
    client = partners.client
    anonymous = client.post("/api/v1/districts/", json={"name": "Raków"})
    assert anonymous.status_code == 401
    assert "admin token" in anonymous.json["message"]
    wrong = client.post("/api/v1/districts/", json={"name": "Raków"}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert "not known" in wrong.json["message"] and "nope" not in wrong.json["message"]
    assert partners.outbox() == []


def test_bad_input_gets_422_naming_the_field_and_a_duplicate_gets_409(partners):
    client = partners.client
    missing = client.post("/api/v1/districts/", json={"slug": "x"}, headers=ADMIN)
    assert missing.status_code == 422
    assert "name" in missing.json["errors"]["json"]
    bad_slug = client.post("/api/v1/districts/", json={"name": "Raków", "slug": "Raków!"}, headers=ADMIN)
    assert bad_slug.status_code == 422
    assert "slug" in bad_slug.json["errors"]["json"]
    assert client.post("/api/v1/districts/", json={"name": "Raków"}, headers=ADMIN).status_code == 201
    duplicate = client.post("/api/v1/districts/", json={"name": "Raków"}, headers=ADMIN)
    assert duplicate.status_code == 409
    assert "Raków" in duplicate.json["message"]
    assert len(partners.outbox()) == 1


def test_a_district_with_a_centre_cannot_be_deleted(partners):
    client = partners.client
    partners.make_district()
    partners.make_centre()
    url = "/api/v1/districts/ostatni-grosz"
    refused = client.delete(url, headers=partners.with_etag(url))
    assert refused.status_code == 409
    assert "centres" in refused.json["message"]
    assert partners.outbox_types() == ["district.created", "centre.created"]


def test_the_list_is_in_polish_order_and_paginated(partners):
    client = partners.client
    for name in ("Śródmieście", "Stradom", "Łódź", "Lisiniec", "Zawodzie-Dąbie"):
        partners.make_district(name)
    first = client.get("/api/v1/districts/?page_size=3")
    second = client.get("/api/v1/districts/?page_size=3&page=2")
    assert [d["name"] for d in first.json + second.json] == ["Lisiniec", "Łódź", "Stradom", "Śródmieście",
                                                             "Zawodzie-Dąbie"]
    assert '"total": 5' in first.headers["X-Pagination"] or '"total":5' in first.headers["X-Pagination"]


def test_a_request_id_travels_into_the_message_and_the_consumer(partners, events_app):
    seen = []
    # The events worker's queues, each with a handler that notes the correlation id it runs under.
    handlers = {queue: lambda session, envelope: seen.append(current_correlation_id())
                for queue in events_app.extensions["osl"].handlers}
    response = partners.app.test_client().post("/api/v1/districts/", json={"name": "Raków"},
                                               headers={**ADMIN, "X-Request-ID": "req-rakow-0001"})
    assert response.status_code == 201
    assert partners.outbox()[0].correlationid == "req-rakow-0001"
    with running(partners.app.extensions["osl"].relay()), running(events_worker(events_app, handlers)):
        wait_until(lambda: inbox_count(events_app) == 1, message="the message handled")
    assert seen == ["req-rakow-0001"]


def test_log_lines_carry_the_correlation_id():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
    with correlation("req-log-00001"):
        CorrelationFilter().filter(record)
    assert record.correlationid == "req-log-00001"
