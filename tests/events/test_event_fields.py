"""The fields of an event: each rule refuses bad input with 422 naming the field; times are Warsaw local."""

from datetime import UTC, datetime

import pytest

from services.events.models import Event
from tests.events.factories import ADMIN, ANY_VERSION, event_body, outbox, seed

INVALID = [
    ("title", {"title": ...}),
    ("title", {"title": "x" * 201}),
    ("starts_at", {"starts_at": "jutro o dziesiątej"}),
    ("ends_at", {"ends_at": "2026-07-04T09:00:00"}),
    ("ends_at", {"ends_at": "2026-07-04T10:00:00"}),
    ("starts_at", {"starts_at": "2026-07-04"}),
    ("starts_at", {"all_day": True}),
    ("ends_at", {"all_day": True, "starts_at": "2026-07-04", "ends_at": "2026-07-03"}),
    ("rrule", {"rrule": "FREQ=SOMETIMES"}),
    ("rrule", {"rrule": "FREQ=WEEKLY;BYDAY=XX"}),
    ("rrule", {"rrule": "DTSTART:20260101T100000\nRRULE:FREQ=DAILY"}),
    ("exdates", {"exdates": ["not a date"]}),
    ("district", {"district": ...}),
    ("district", {"district": "atlantyda", "centre": None}),
    ("centre", {"centre": "nieistniejace"}),
    ("centre", {"centre": "dosl-ostatni-grosz"}),
    ("partnership", {"partnership": 999}),
    ("partnership", {"partnership": "siedem"}),
    ("audiences", {"audiences": ["aliens"]}),
    ("category", {"category": "party"}),
    ("category", {"category": ...}),
    ("url", {"url": "not a url"}),
    ("registration", {"registration": {"capacity": 20}}),
    ("registration", {"registration": {"required": True, "capacity": 0}}),
    ("status", {"status": "postponed"}),
    ("organisation", {"organisation": "nobody"}),
    ("starts_at", {"starts_at": "2026-03-29T02:30:00"}),
]


@pytest.mark.parametrize("field, change", INVALID, ids=[f"{field}-{index}" for index, (field, _) in enumerate(INVALID)])
def test_a_broken_rule_is_refused_naming_the_field(events_app, field, change):
    seed(events_app)
    body = event_body(**{"organisation": "fundacja-zrodlo", **change})
    response = events_app.test_client().post("/api/v1/events", json=body, headers=ADMIN)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"], response.json
    assert outbox(events_app) == []


def test_the_organiser_must_be_a_member_of_the_partnership(events_app):
    world = seed(events_app)
    response = events_app.test_client().post("/api/v1/events", json=event_body(partnership=7), headers=world.other)
    assert response.status_code == 422
    assert "partnership" in response.json["errors"]["json"]
    member = events_app.test_client().post("/api/v1/events", json=event_body(partnership=7), headers=world.own)
    assert member.status_code == 201
    assert member.json["partnership"] == 7


def _stored(app, event_id: str) -> Event:
    from uuid import UUID

    with app.extensions["osl"].database.session() as session:
        return session.get(Event, UUID(event_id))


@pytest.mark.parametrize("day, utc_hour, offset", [("2026-01-15", 9, "+01:00"), ("2026-07-15", 8, "+02:00")])
def test_a_time_without_offset_is_warsaw_local_time_in_winter_and_summer(events_app, day, utc_hour, offset):
    seed(events_app)
    body = event_body(organisation="fundacja-zrodlo", starts_at=f"{day}T10:00:00", ends_at=f"{day}T12:00:00")
    response = events_app.test_client().post("/api/v1/events", json=body, headers=ADMIN)
    assert response.status_code == 201
    assert response.json["starts_at"] == f"{day}T10:00:00{offset}"
    stored = _stored(events_app, response.json["id"])
    assert stored.starts_at == datetime.fromisoformat(f"{day}T{utc_hour:02d}:00:00+00:00")
    assert stored.starts_at.tzinfo is not None
    assert outbox(events_app)[0].data["starts_at"] == f"{day}T10:00:00{offset}"


def test_a_time_with_an_offset_keeps_its_moment(events_app):
    seed(events_app)
    body = event_body(organisation="fundacja-zrodlo", starts_at="2026-07-15T10:00:00Z",
                      ends_at="2026-07-15T11:00:00+00:00")
    response = events_app.test_client().post("/api/v1/events", json=body, headers=ADMIN)
    assert response.json["starts_at"] == "2026-07-15T12:00:00+02:00"
    assert _stored(events_app, response.json["id"]).starts_at == datetime(2026, 7, 15, 10, tzinfo=UTC)


def test_an_all_day_event_runs_from_local_midnight_to_the_midnight_after_its_last_day(events_app):
    seed(events_app)
    body = event_body(organisation="fundacja-zrodlo", all_day=True, starts_at="2026-03-28", ends_at="2026-03-29")
    response = events_app.test_client().post("/api/v1/events", json=body, headers=ADMIN)
    assert response.status_code == 201, response.json
    assert (response.json["starts_at"], response.json["ends_at"]) == ("2026-03-28", "2026-03-29")
    stored = _stored(events_app, response.json["id"])
    # The clocks go forward in the night of 28-29 March 2026: the first midnight is CET, the end one CEST.
    assert stored.starts_at == datetime(2026, 3, 27, 23, tzinfo=UTC)
    assert stored.ends_at == datetime(2026, 3, 29, 22, tzinfo=UTC)
    assert stored.all_day is True


def test_rrule_exdates_location_and_registration_are_stored_as_the_shared_shape_says(events_app):
    seed(events_app)
    body = event_body(organisation="fundacja-zrodlo", rrule="RRULE:FREQ=WEEKLY;BYDAY=TU",
                      exdates=["2026-07-14T10:00:00", "2026-07-21T10:00:00+02:00"],
                      registration={"required": True, "capacity": 25})
    response = events_app.test_client().post("/api/v1/events", json=body, headers=ADMIN)
    assert response.status_code == 201, response.json
    assert response.json["location"] == "ul. Łukasińskiego 40, Częstochowa"
    assert response.json["registration"] == {"url": None, "required": True, "capacity": 25}
    stored = _stored(events_app, response.json["id"])
    assert stored.rrule == "FREQ=WEEKLY;BYDAY=TU"
    assert stored.exdates == ["2026-07-14T10:00:00", "2026-07-21T10:00:00"]
    assert (stored.registration_required, stored.capacity, stored.registration_url) == (True, 25, None)
    assert (stored.latitude, stored.longitude) == (50.79, 19.14)
    assert (stored.visibility, stored.sequence, stored.status) == ("public", 0, "scheduled")
    # Rendered with the change, as its message carries it: the feeds serve these bytes without rendering again.
    assert stored.vevent.startswith("BEGIN:VEVENT\r\n") and "RRULE:FREQ=WEEKLY;BYDAY=TU\r\n" in stored.vevent


def test_a_given_location_wins_over_the_centre_address(events_app):
    seed(events_app)
    body = event_body(organisation="fundacja-zrodlo", location="Park Lisiniec, przy stawie",
                      registration={"url": "https://example.org/zapisy"})
    response = events_app.test_client().post("/api/v1/events", json=body, headers=ADMIN)
    assert response.json["location"] == "Park Lisiniec, przy stawie"
    assert response.json["registration"]["url"] == "https://example.org/zapisy"
    assert _stored(events_app, response.json["id"]).latitude is None


def test_read_only_fields_are_not_taken_from_input(events_app):
    seed(events_app)
    body = event_body(organisation="fundacja-zrodlo", sequence=40)
    response = events_app.test_client().post("/api/v1/events", json=body, headers=ADMIN)
    assert response.status_code == 422
    assert "sequence" in response.json["errors"]["json"]


def test_the_api_is_documented_in_openapi(events_app):
    spec = events_app.test_client().get("/openapi.json").json
    assert {"get", "post"} <= set(spec["paths"]["/api/v1/events"])
    assert {"get", "patch", "delete"} <= set(spec["paths"]["/api/v1/events/{event_id}"])
    assert "/api/v1/partnerships/{partnership_id}/feed-token" in spec["paths"]
    assert "rrule" in spec["components"]["schemas"]["EventIn"]["properties"]


@pytest.mark.parametrize("patch, field", [
    ({"ends_at": "2026-07-04T09:00:00"}, "ends_at"),
    ({"starts_at": "2026-07-04T13:00:00"}, "ends_at"),
    ({"centre": "dosl-ostatni-grosz"}, "centre"),
    ({"title": ""}, "title"),
    ({"title": "\u2000 \u00a0"}, "title"),  # spaces alone are no title
    ({"audiences": ["everyone", "martians"]}, "audiences"),
])
def test_a_patch_is_checked_against_the_whole_event(events_app, patch, field):
    world = seed(events_app)
    client = events_app.test_client()
    event_id = client.post("/api/v1/events", json=event_body(), headers=world.own).json["id"]
    response = client.patch(f"/api/v1/events/{event_id}", json=patch, headers={**world.own, **ANY_VERSION})
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"]
    assert client.get(f"/api/v1/events/{event_id}").json["sequence"] == 0
    assert [message.type for message in outbox(events_app)] == ["event.published"]


def test_a_patch_may_move_the_event_to_another_district_and_centre(events_app):
    world = seed(events_app)
    client = events_app.test_client()
    event_id = client.post("/api/v1/events", json=event_body(), headers=world.own).json["id"]
    response = client.patch(f"/api/v1/events/{event_id}", json={"district": "ostatni-grosz",
                                                                 "centre": "dosl-ostatni-grosz"},
                            headers={**world.own, **ANY_VERSION})
    assert response.status_code == 200, response.json
    # The location followed the centre, because it was the old centre's address.
    assert (response.json["centre"], response.json["location"]) == ("dosl-ostatni-grosz", "ul. Zbierskiego 2")
    assert outbox(events_app)[-1].data["changed_fields"] == ["centre", "district", "location"]
