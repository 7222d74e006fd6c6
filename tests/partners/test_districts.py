"""Districts through the partners API, on SQLite and PostgreSQL: each change publishes exactly one valid message."""

import json
import logging

import pytest
from sqlalchemy import select

from services.messaging.correlation import CorrelationFilter, correlation, current_correlation_id
from services.messaging.envelope import parse
from services.messaging.testing import running, wait_until
from services.partners.models import OutboxMessage
from services.partners.operations import make_slug
from services.partners.seed import DISTRICTS, seed
from tests.messaging.helpers import events_worker, inbox_count

ADMIN = {"Authorization": "Bearer test-admin-token"}


def outbox(app) -> list:
    with app.extensions["osl"].database.session() as session:
        return [parse(row.body) for row in session.scalars(select(OutboxMessage).order_by(OutboxMessage.seq))]


@pytest.mark.parametrize(("name", "slug"), [
    ("Śródmieście", "srodmiescie"), ("Północ", "polnoc"), ("Łódź", "lodz"),
    ("Wyczerpy-Aniołów", "wyczerpy-aniolow"), ("Zawodzie-Dąbie", "zawodzie-dabie"),
])
def test_slugs_are_ascii_and_keep_the_name_readable(name, slug):
    assert make_slug(name) == slug


def test_create_read_update_delete_each_publish_one_message(partners_app):
    client = partners_app.test_client()
    created = client.post("/api/v1/districts/", json={"name": "Śródmieście"}, headers=ADMIN)
    assert created.status_code == 201, created.json
    assert created.json["slug"] == "srodmiescie"
    assert created.json["name"] == "Śródmieście"
    got = client.get("/api/v1/districts/srodmiescie")
    assert got.json["name"] == "Śródmieście"
    etag = got.headers["ETag"]

    stale = client.patch("/api/v1/districts/srodmiescie", json={"name": "X"}, headers={**ADMIN, "If-Match": '"0"'})
    assert stale.status_code == 412
    changed = client.patch("/api/v1/districts/srodmiescie", json={"name": "Śródmieście Północne"},
                           headers={**ADMIN, "If-Match": etag})
    assert changed.status_code == 200, changed.json
    deleted = client.delete("/api/v1/districts/srodmiescie", headers={**ADMIN, "If-Match": changed.headers["ETag"]})
    assert deleted.status_code == 204
    assert client.get("/api/v1/districts/srodmiescie").status_code == 404

    messages = outbox(partners_app)
    assert [m.type for m in messages] == ["district.created", "district.updated", "district.deleted"]
    assert [m.data["version"] for m in messages] == [1, 2, 2]
    assert messages[1].data["name"] == "Śródmieście Północne"


def test_writes_need_the_admin_token(partners_app):
    client = partners_app.test_client()
    anonymous = client.post("/api/v1/districts/", json={"name": "Raków"})
    assert anonymous.status_code == 401
    assert "admin token" in anonymous.json["message"]
    wrong = client.post("/api/v1/districts/", json={"name": "Raków"}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403
    assert outbox(partners_app) == []


def test_bad_input_gets_422_naming_the_field_and_a_duplicate_gets_409(partners_app):
    client = partners_app.test_client()
    missing = client.post("/api/v1/districts/", json={"slug": "x"}, headers=ADMIN)
    assert missing.status_code == 422
    assert "name" in missing.json["errors"]["json"]
    bad_slug = client.post("/api/v1/districts/", json={"name": "Raków", "slug": "Raków!"}, headers=ADMIN)
    assert bad_slug.status_code == 422
    assert "slug" in bad_slug.json["errors"]["json"]
    assert client.post("/api/v1/districts/", json={"name": "Raków"}, headers=ADMIN).status_code == 201
    duplicate = client.post("/api/v1/districts/", json={"name": "Raków"}, headers=ADMIN)
    assert duplicate.status_code == 409
    assert "rakow" in duplicate.json["message"] or "Raków" in duplicate.json["message"]
    assert len(outbox(partners_app)) == 1


def test_the_seed_loads_twenty_districts_once(partners_app):
    database = partners_app.extensions["osl"].database
    with database.session() as session:
        assert seed(session) == {"districts": 20}
    with database.session() as session:
        assert seed(session) == {"districts": 0}
    listed = partners_app.test_client().get("/api/v1/districts/?page_size=100")
    assert sorted(d["name"] for d in listed.json) == sorted(DISTRICTS)
    assert json.loads(listed.headers["X-Pagination"])["total"] == 20
    assert len(outbox(partners_app)) == 20


def test_a_request_id_travels_into_the_message_and_the_consumer(partners_app, events_app):
    seen = []
    handlers = {"partners-replica": lambda session, envelope: seen.append(current_correlation_id())}
    response = partners_app.test_client().post("/api/v1/districts/", json={"name": "Raków"},
                                               headers={**ADMIN, "X-Request-ID": "req-rakow-0001"})
    assert response.status_code == 201
    assert outbox(partners_app)[0].correlationid == "req-rakow-0001"
    with running(partners_app.extensions["osl"].relay()), running(events_worker(events_app, handlers)):
        wait_until(lambda: inbox_count(events_app) == 1, message="the message handled")
    assert seen == ["req-rakow-0001"]


def test_log_lines_carry_the_correlation_id():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
    with correlation("req-log-00001"):
        CorrelationFilter().filter(record)
    assert record.correlationid == "req-log-00001"
