"""Who may post, change and cancel events: the admin token, an admin key, or an organisation key for itself."""

import pytest
from kombu import Producer

from services.events.consumers import HANDLERS
from services.events.models import InboxMessage
from services.messaging.connection import connect
from services.messaging.consumer import Worker
from services.messaging.envelope import Envelope
from services.messaging.testing import running, wait_until
from services.messaging.topology import Topology
from tests.events.factories import ADMIN, ANY_VERSION, event_body, key, outbox_types, seed

CALLERS = ("anonymous", "unknown", "revoked", "no_scope", "other", "own", "admin_key", "admin_token")
# What each caller gets when acting on an event of the organisation "fundacja-zrodlo" (the "own" key's).
EXPECTED = {
    "anonymous": 401, "unknown": 401, "revoked": 401, "no_scope": 403, "other": 403, "own": None,
    "admin_key": None, "admin_token": None,
}


def _headers(world, caller: str) -> dict:
    if caller == "anonymous":
        return {}
    if caller == "admin_token":
        return ADMIN
    return getattr(world, caller)


@pytest.mark.parametrize("caller", CALLERS)
def test_post(events_app, caller):
    world = seed(events_app)
    # Everyone names the organisation, as an administrator must; "other" thereby names one it does not act for.
    response = events_app.test_client().post("/api/v1/events", json=event_body(organisation="fundacja-zrodlo"),
                                             headers=_headers(world, caller))
    assert response.status_code == (EXPECTED[caller] or 201), response.json
    if response.status_code == 201:
        assert response.json["organiser"] == {"slug": "fundacja-zrodlo", "name": "Fundacja Źródło"}
        assert outbox_types(events_app) == ["event.published"]
    else:
        assert response.json["message"]
        assert outbox_types(events_app) == []
    if response.status_code == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("method", ["patch", "delete"])
@pytest.mark.parametrize("caller", CALLERS)
def test_change_and_cancel(events_app, caller, method):
    world = seed(events_app)
    client = events_app.test_client()
    event_id = client.post("/api/v1/events", json=event_body(organisation="fundacja-zrodlo"), headers=ADMIN).json["id"]
    call = getattr(client, method)
    kwargs = {"json": {"title": "Nowy tytuł"}} if method == "patch" else {}
    headers = {**_headers(world, caller), **(ANY_VERSION if method == "patch" else {})}
    response = call(f"/api/v1/events/{event_id}", headers=headers, **kwargs)
    assert response.status_code == (EXPECTED[caller] or 200), response.json
    after = client.get(f"/api/v1/events/{event_id}").json
    if response.status_code == 200:
        assert (after["title"], after["status"]) == (("Nowy tytuł", "scheduled") if method == "patch" else
                                                     ("Warsztaty budżetu domowego", "cancelled"))
    else:
        assert response.json["message"]
        assert (after["title"], after["status"]) == ("Warsztaty budżetu domowego", "scheduled")
        assert outbox_types(events_app) == ["event.published"]


def test_a_key_acts_for_its_own_organisation_without_naming_it(events_app):
    world = seed(events_app)
    response = events_app.test_client().post("/api/v1/events", json=event_body(), headers=world.other)
    assert response.status_code == 201
    assert response.json["organiser"]["slug"] == "stowarzyszenie-sasiedzi"


def test_naming_another_organisation_is_forbidden_with_a_message(events_app):
    world = seed(events_app)
    response = events_app.test_client().post("/api/v1/events", json=event_body(organisation="fundacja-zrodlo"),
                                             headers=world.other)
    assert response.status_code == 403
    assert "stowarzyszenie-sasiedzi" in response.json["message"]


def test_an_administrator_must_name_the_organisation(events_app):
    seed(events_app)
    response = events_app.test_client().post("/api/v1/events", json=event_body(), headers=ADMIN)
    assert response.status_code == 422
    assert "organisation" in response.json["errors"]["json"]


def _publish(settings, envelope: Envelope) -> None:
    topology = Topology(settings)
    with connect(settings) as connection:
        channel = connection.channel()
        topology.declare_all(channel)
        Producer(channel).publish(envelope.to_json().encode(), exchange=topology.exchange_name("partners"),
                                  routing_key=envelope.type, content_type="application/cloudevents+json",
                                  content_encoding="utf-8")


def test_a_key_stops_working_once_its_revocation_message_is_consumed(events_app):
    world = seed(events_app)
    client = events_app.test_client()
    assert client.post("/api/v1/events", json=event_body(), headers=world.own).status_code == 201
    service = events_app.extensions["osl"]
    secret = world.own["Authorization"].split(" ", 1)[1]
    revocation = Envelope.new("organisation.api_key.revoked",
                              key(1, secret, 100, revoked_at="2026-11-23T12:00:00+00:00"))
    worker = Worker("events", HANDLERS, service.database, InboxMessage, service.bus)

    def handled():
        with service.database.session() as session:
            return session.get(InboxMessage, (revocation.id, "partners-replica")) is not None

    with running(worker):
        _publish(service.bus, revocation)
        wait_until(handled, message="the revocation handled")
    refused = client.post("/api/v1/events", json=event_body(), headers=world.own)
    assert refused.status_code == 401
    assert refused.json["message"] == "This API key is unknown or revoked."
    assert outbox_types(events_app) == ["event.published"]


@pytest.mark.parametrize("method", ["post", "patch", "delete"])
def test_credentials_are_checked_before_the_body(events_app, method):
    world = seed(events_app)
    client = events_app.test_client()
    event_id = client.post("/api/v1/events", json=event_body(), headers=world.own).json["id"]
    path = "/api/v1/events" if method == "post" else f"/api/v1/events/{event_id}"
    response = getattr(client, method)(path, json={"title": ["not", "text"]})
    assert response.status_code == 401, response.json
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_patch_without_if_match_is_428(events_app):
    world = seed(events_app)
    client = events_app.test_client()
    event_id = client.post("/api/v1/events", json=event_body(), headers=world.own).json["id"]
    response = client.patch(f"/api/v1/events/{event_id}", json={"title": "Bez wersji"}, headers=world.own)
    assert response.status_code == 428, response.json
    assert "If-Match" in response.json["message"]
    assert client.get(f"/api/v1/events/{event_id}").json["title"] == "Warsztaty budżetu domowego"


def test_another_organisations_event_is_403_whatever_its_version(events_app):
    world = seed(events_app)
    client = events_app.test_client()
    created = client.post("/api/v1/events", json=event_body(), headers=world.own)
    event_id, etag = created.json["id"], created.headers["ETag"]
    client.patch(f"/api/v1/events/{event_id}", json={"title": "Zmiana"}, headers={**world.own, "If-Match": etag})
    response = client.patch(f"/api/v1/events/{event_id}", json={"title": "Cudza zmiana"},
                            headers={**world.other, "If-Match": etag})
    assert response.status_code == 403, response.json
