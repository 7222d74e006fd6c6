"""Changing events: one message per change, sequence on significant changes, Idempotency-Key, ETag/If-Match."""

import uuid

import pytest
from sqlalchemy import func, select

from services.events.models import Event
from services.messaging.registry import validate
from tests.events.factories import (
    ADMIN,
    ANY_VERSION,
    event_body,
    outbox,
    outbox_types,
    seed,
    statements,
    writes_of_events,
)


def _post(app, headers, **overrides):
    return app.test_client().post("/api/v1/events", json=event_body(**overrides), headers=headers)


def _event_count(app) -> int:
    with app.extensions["osl"].database.session() as session:
        return session.scalar(select(func.count()).select_from(Event))


def test_each_change_publishes_exactly_one_valid_message_with_the_full_snapshot(events_app):
    world = seed(events_app)
    client = events_app.test_client()
    event_id = _post(events_app, world.own).json["id"]
    client.patch(f"/api/v1/events/{event_id}", json={"description": "Nowy opis"}, headers={**world.own, **ANY_VERSION})
    client.patch(f"/api/v1/events/{event_id}", json={"starts_at": "2026-07-04T11:00:00"},
                 headers={**world.own, **ANY_VERSION})
    client.delete(f"/api/v1/events/{event_id}", headers=world.own)
    messages = outbox(events_app)
    assert [m.type for m in messages] == ["event.published", "event.updated", "event.updated", "event.cancelled"]
    for message in messages:
        assert message.source == "/osl/events"
        assert validate(message.type, message.data) == message.data
        assert message.data["id"] == event_id
        assert (message.data["district_name"], message.data["centre_name"]) == ("Raków", "OSL Raków")
        assert message.data["organisation_name"] == "Fundacja Źródło"
    assert [m.data["version"] for m in messages] == [1, 2, 3, 4]
    assert messages[1].data["changed_fields"] == ["description"]
    assert messages[2].data["changed_fields"] == ["starts_at"]
    assert messages[3].data["status"] == "cancelled"


def test_a_posted_event_is_written_once_with_its_vevent(events_app):
    """One INSERT of the new event, VEVENT and all, and no UPDATE of it after (as a calendar import writes its
    events); what is stored is what was published."""
    world = seed(events_app)
    with statements(events_app) as sent:
        created = _post(events_app, world.own)
    assert created.status_code == 201, created.json
    assert writes_of_events(sent) == {"INSERT INTO": 1, "UPDATE": 0}
    with events_app.extensions["osl"].database.session() as session:
        stored = session.get(Event, uuid.UUID(created.json["id"])).vevent
    assert stored and outbox(events_app)[-1].data["ical"] == stored


def test_a_meeting_event_is_written_once_with_its_vevent(events_app):
    from tests.events.factories import deliver, meeting

    seed(events_app)
    with statements(events_app) as sent:
        deliver(events_app, "meeting.planned", meeting(3, 7))
    assert writes_of_events(sent) == {"INSERT INTO": 1, "UPDATE": 0}
    with events_app.extensions["osl"].database.session() as session:
        stored = session.scalars(select(Event.vevent)).one()
    assert stored and outbox(events_app)[-1].data["ical"] == stored


def test_a_patch_that_changes_nothing_publishes_nothing(events_app):
    world = seed(events_app)
    client = events_app.test_client()
    created = _post(events_app, world.own).json
    response = client.patch(f"/api/v1/events/{created['id']}", json={"title": created["title"], "centre": "osl-rakow",
                                                                      "starts_at": "2026-07-04T10:00:00+02:00"},
                            headers={**world.own, **ANY_VERSION})
    assert response.status_code == 200
    assert response.json["updated_at"] == created["updated_at"]
    assert outbox_types(events_app) == ["event.published"]


@pytest.mark.parametrize("change, significant", [
    ({"title": "Inny tytuł"}, True),
    ({"starts_at": "2026-07-04T09:00:00"}, True),
    ({"ends_at": "2026-07-04T13:00:00"}, True),
    ({"location": "Sala gimnastyczna"}, True),
    ({"centre": None}, True),
    ({"rrule": "FREQ=WEEKLY"}, True),
    ({"status": "cancelled"}, True),
    ({"description": "Inny opis"}, False),
    ({"audiences": ["children"]}, False),
    ({"category": "training"}, False),
    ({"contact": "tel. 34 000 00 00"}, False),
    ({"registration": {"url": "https://example.org/zapisy"}}, False),
])
def test_only_a_significant_change_raises_the_sequence(events_app, change, significant):
    world = seed(events_app)
    client = events_app.test_client()
    event_id = _post(events_app, world.own).json["id"]
    response = client.patch(f"/api/v1/events/{event_id}", json=change, headers={**world.own, **ANY_VERSION})
    assert response.status_code == 200, response.json
    assert response.json["sequence"] == (1 if significant else 0)
    assert len(outbox(events_app)) == 2


def test_cancelling_keeps_the_event_and_raises_the_sequence_once(events_app):
    world = seed(events_app)
    client = events_app.test_client()
    event_id = _post(events_app, world.own).json["id"]
    first = client.delete(f"/api/v1/events/{event_id}", headers=world.own)
    again = client.delete(f"/api/v1/events/{event_id}", headers=world.own)
    assert (first.status_code, again.status_code) == (200, 200)
    shown = client.get(f"/api/v1/events/{event_id}").json
    assert (shown["status"], shown["sequence"]) == ("cancelled", 1)
    assert outbox_types(events_app) == ["event.published", "event.cancelled"]
    restored = client.patch(f"/api/v1/events/{event_id}", json={"status": "scheduled"},
                            headers={**world.own, **ANY_VERSION})
    assert (restored.json["status"], restored.json["sequence"]) == ("scheduled", 2)
    assert outbox(events_app)[-1].data["changed_fields"] == ["status"]


def test_a_meeting_event_cannot_be_changed_through_the_api(events_app):
    from tests.events.factories import deliver, meeting

    seed(events_app)
    deliver(events_app, "meeting.planned", meeting(3, 7))
    with events_app.extensions["osl"].database.session() as session:
        event_id = str(session.scalars(select(Event.id)).one())
    response = events_app.test_client().patch(f"/api/v1/events/{event_id}", json={"title": "X"},
                                              headers={**ADMIN, **ANY_VERSION})
    assert response.status_code == 409
    assert "meeting 3" in response.json["message"]


# --- Idempotency-Key ---------------------------------------------------------------------------------------------


def test_a_repeated_post_with_the_same_key_gives_the_same_event_once(events_app):
    world = seed(events_app)
    headers = {**world.own, "Idempotency-Key": "zapis-2026-07-04"}
    first = _post(events_app, headers)
    second = _post(events_app, headers)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json["id"] == first.json["id"]
    assert second.headers["Idempotent-Replayed"] == "true"
    assert _event_count(events_app) == 1
    assert outbox_types(events_app) == ["event.published"]


def test_the_same_key_with_another_body_is_refused(events_app):
    world = seed(events_app)
    headers = {**world.own, "Idempotency-Key": "zapis-1"}
    _post(events_app, headers)
    response = _post(events_app, headers, title="Coś innego")
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json["errors"]["headers"]
    assert _event_count(events_app) == 1


def test_the_same_key_from_another_organisation_is_its_own(events_app):
    world = seed(events_app)
    mine = _post(events_app, {**world.own, "Idempotency-Key": "k"})
    theirs = _post(events_app, {**world.other, "Idempotency-Key": "k"})
    assert mine.json["id"] != theirs.json["id"]
    assert _event_count(events_app) == 2


def test_a_refused_post_does_not_use_up_the_key(events_app):
    world = seed(events_app)
    headers = {**world.own, "Idempotency-Key": "k2"}
    assert _post(events_app, headers, category="party").status_code == 422
    assert _post(events_app, headers).status_code == 201


# --- ETag and If-Match ---------------------------------------------------------------------------------------------


def test_a_patch_with_a_stale_etag_is_refused_and_a_fresh_one_succeeds(events_app):
    world = seed(events_app)
    client = events_app.test_client()
    event_id = _post(events_app, world.own).json["id"]
    etag = client.get(f"/api/v1/events/{event_id}").headers["ETag"]
    changed = client.patch(f"/api/v1/events/{event_id}", json={"title": "Pierwsza zmiana"},
                           headers={**world.own, "If-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    stale = client.patch(f"/api/v1/events/{event_id}", json={"title": "Druga zmiana"},
                         headers={**world.own, "If-Match": etag})
    assert stale.status_code == 412
    assert client.get(f"/api/v1/events/{event_id}").json["title"] == "Pierwsza zmiana"
    fresh = client.patch(f"/api/v1/events/{event_id}", json={"title": "Druga zmiana"},
                         headers={**world.own, "If-Match": changed.headers["ETag"]})
    assert fresh.status_code == 200
    assert outbox_types(events_app) == ["event.published", "event.updated", "event.updated"]


def test_the_field_table_makes_exactly_the_snapshot_the_message_type_declares(events_app):
    """The snapshot is made from the one field table (services/events/fields.py); a row whose keys the message type
    does not declare (or a declared key no row gives) fails here: a new key is a new message type."""
    from services.messaging.messages.events import EventSnapshot, EventUpdated

    world = seed(events_app)
    _post(events_app, world.own, rrule="FREQ=WEEKLY;COUNT=3", registration={"required": True, "capacity": 5})
    published = outbox(events_app)[0]
    assert set(published.data) == set(EventSnapshot().fields)
    assert set(EventUpdated().fields) - set(EventSnapshot().fields) == {"changed_fields"}
    assert published.data["registration"] == {"url": None, "required": True, "capacity": 5}
    assert published.data["exdates"] == [] and published.data["rrule"] == "FREQ=WEEKLY;COUNT=3"
