"""Careless and hostile input to every write endpoint of the three services gets a 4xx naming the field, never a 500.

Each row is (endpoint, a bad body or query, the status, and the field the answer names). The endpoints take a valid
body that the bad value is merged into, so that the bad value is the only thing wrong.
"""

import json

import pytest

from tests.events.factories import ANY_VERSION, event_body, seed
from tests.partners.helpers import ADMIN, make_district, make_partnership
from tests.partners.helpers import created as created_json

DEEP = "[" * 5000 + "]" * 5000


def nested(depth: int):
    value = "x"
    for _ in range(depth):
        value = {"a": value}
    return value


#: (label, the change to a valid body (or a raw body), the expected status, the field named in errors["json"])
TEXT_CASES = [
    ("crlf-in-title", {"@title": "Zebranie\r\nBcc: evil@example.org"}, 422, "@title"),
    ("lf-in-title", {"@title": "Zebranie\nczłonków"}, 422, "@title"),
    ("tab-in-title", {"@title": "Zebranie\tczłonków"}, 422, "@title"),
    ("nul-in-title", {"@title": "Zebranie\x00"}, 422, "@title"),
    ("nul-in-text", {"@text": "Opis\x00"}, 422, "@text"),
    ("bell-in-text", {"@text": "Opis\x07"}, 422, "@text"),
    ("long-title", {"@title": "x" * 5000}, 422, "@title"),
    ("lone-surrogate", {"@title": "\ud800"}, 422, "@title"),
    ("deep-json", {"@title": nested(40)}, 422, "@title"),
]


class Endpoint:
    def __init__(self, service, method, path, body, title, text=None, headers=None):
        self.service, self.method, self.path, self.body = service, method, path, body
        self.title, self.text, self.headers = title, text, headers or {}

    def __repr__(self):
        return f"{self.method.upper()} {self.path}"


@pytest.fixture
def apps(partners_app, events_app, notify_app):
    """The three apps, with what their write endpoints need: a district and partnership, a seeded events world."""
    client = partners_app.test_client()
    make_district(client)
    partnership = make_partnership(client)
    meeting = created_json(client.post(f"/api/v1/partnerships/{partnership['id']}/meetings/", headers=ADMIN, json={
        "title": "Zebranie", "starts_at": "2026-12-01T17:00:00", "ends_at": "2026-12-01T19:00:00"}))
    world = seed(events_app)
    event = events_app.test_client().post("/api/v1/events", json=event_body(), headers=world.own).json
    from services.notify.models import District

    with notify_app.extensions["osl"].database.session() as session:
        session.add(District(id=1, name="Raków", slug="rakow", version=1))
    return {"partners": partners_app, "events": events_app, "notify": notify_app,
            "ids": {"partnership": partnership["id"], "meeting": meeting["id"], "event": event["id"]},
            "own": world.own}


def endpoints(ids, own) -> list[Endpoint]:
    partnership = ids["partnership"]
    meeting_body = {"title": "Zebranie", "starts_at": "2026-12-01T17:00:00", "ends_at": "2026-12-01T19:00:00"}
    return [
        Endpoint("partners", "post", "/api/v1/organisations/", {"name": "Fundacja", "kind": "ngo"}, "name",
                 headers=ADMIN),
        Endpoint("partners", "post", "/api/v1/districts/", {"name": "Grabówka"}, "name", headers=ADMIN),
        Endpoint("partners", "post", "/api/v1/partnerships/", {"name": "PL", "district": "ostatni-grosz",
                                                               "description": "x"}, "name", "description",
                 headers=ADMIN),
        Endpoint("partners", "post", f"/api/v1/partnerships/{partnership}/meetings/", meeting_body, "title", "agenda",
                 headers=ADMIN),
        Endpoint("partners", "patch", f"/api/v1/partnerships/{partnership}/meetings/{ids['meeting']}", {}, "title",
                 "minutes", headers={**ADMIN, "If-Match": "*"}),
        Endpoint("partners", "post", "/api/v1/people/", {"name": "Jan"}, "name", headers=ADMIN),
        Endpoint("events", "post", "/api/v1/events", event_body(), "title", "description", headers=own),
        Endpoint("events", "patch", f"/api/v1/events/{ids['event']}", {}, "title", "description",
                 headers={**own, **ANY_VERSION}),
        Endpoint("notify", "post", "/api/v1/subscriptions/",
                 {"email": "jan@example.org", "districts": ["rakow"], "consent": True}, "email"),
    ]


def _send(app, endpoint: Endpoint, body, raw: bytes | None = None, content_type="application/json"):
    data = raw if raw is not None else json.dumps(body)
    return getattr(app.test_client(), endpoint.method)(endpoint.path, data=data, content_type=content_type,
                                                       headers=endpoint.headers)


def _named(response, field: str) -> bool:
    errors = (response.json or {}).get("errors", {})
    return field in errors.get("json", {}) or field in errors.get("query", {})


def test_each_bad_text_to_each_write_endpoint_is_a_4xx_naming_the_field(apps):
    failures = []
    for endpoint in endpoints(apps["ids"], apps["own"]):
        app = apps[endpoint.service]
        for label, change, status, field in TEXT_CASES:
            target = {"@title": endpoint.title, "@text": endpoint.text}[field]
            if target is None:
                continue
            value = next(iter(change.values()))
            response = _send(app, endpoint, {**endpoint.body, target: value})
            if response.status_code != status or not _named(response, target):
                failures.append((repr(endpoint), label, response.status_code, response.get_json(silent=True)))
    assert failures == []


def test_wrong_content_types_and_bodies_are_refused_on_every_write(apps):
    failures = []
    for endpoint in endpoints(apps["ids"], apps["own"]):
        app = apps[endpoint.service]
        client = app.test_client()
        attempts = {
            "text/plain": _send(app, endpoint, None, raw=b'{"title": "x"}', content_type="text/plain"),
            "form": getattr(client, endpoint.method)(endpoint.path, data={"title": "x"}, headers=endpoint.headers),
            "too deep": _send(app, endpoint, None, raw=DEEP.encode()),
            "bad utf-8": _send(app, endpoint, None, raw=b'{"title": "\xff"}'),
            "too large": _send(app, endpoint, None, raw=b'{"title": "' + b"x" * (2 << 20) + b'"}'),
            "huge number": _send(app, endpoint, None, raw=b'{"title": ' + b"9" * 5000 + b"}"),
            "NaN": _send(app, endpoint, None, raw=b'{"title": NaN}'),
        }
        if endpoint.method == "patch":
            attempts["no body"] = getattr(client, endpoint.method)(endpoint.path, headers=endpoint.headers)
        for label, response in attempts.items():
            body = response.json or {}
            if not 400 <= response.status_code < 500 or not (body.get("message") or body.get("errors")):
                failures.append((repr(endpoint), label, response.status_code))
        assert attempts["text/plain"].status_code == 415
        assert attempts["form"].status_code == 415
        assert attempts["too large"].status_code == 413
    assert failures == []


@pytest.mark.parametrize(("service", "path", "field"), [
    ("events", "/api/v1/events?to=9999-12-31", "to"),
    ("events", "/api/v1/events?from=0001-01-01", "from"),
    ("events", "/api/v1/events?text=%00", "text"),
    ("events", "/api/v1/events?page=100000000000000000000", "page"),
    ("events", "/?text=%00", "text"),
    ("partners", "/api/v1/organisations/?page=100000000000000000000", "page"),
    ("notify", "/api/v1/notices?page=100000000000000000000", "page"),
])
def test_bad_query_values_are_422_naming_the_argument(apps, service, path, field):
    response = apps[service].test_client().get(path, headers={"Authorization": "Bearer test-admin-token"})
    assert response.status_code == 422, response.get_data(as_text=True)[:500]
    assert field in response.json["errors"]["query"]


@pytest.mark.parametrize(("service", "method", "path"), [
    ("partners", "get", "/api/v1/organisations/1000000000000000000000000000000"),
    ("partners", "get", "/api/v1/partnerships/1000000000000000000000000000000/meetings/"),
    ("events", "get", "/api/v1/partnerships/1000000000000000000000000000000/feed-token"),
    ("notify", "post", "/api/v1/notices/1000000000000000000000000000000/resend"),
])
def test_ids_past_any_column_are_404(apps, service, method, path):
    response = getattr(apps[service].test_client(), method)(path, headers={"Authorization": "Bearer test-admin-token"})
    assert response.status_code == 404, response.get_data(as_text=True)[:500]


@pytest.mark.parametrize(("change", "field"), [
    ({"starts_at": "0001-01-01T00:00:00"}, "starts_at"),
    ({"ends_at": "9999-12-31T23:59:59+14:00"}, "ends_at"),
    ({"exdates": ["9999-12-31"]}, "exdates"),
    ({"registration": {"required": True, "capacity": 10**30}}, "registration"),
    ({"partnership": 10**30}, "partnership"),
])
def test_events_dates_and_numbers_out_of_range_are_422(apps, change, field):
    response = apps["events"].test_client().post("/api/v1/events", json=event_body(**change), headers=apps["own"])
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"]


@pytest.mark.parametrize("name", ["★★★", "...", "   "])
@pytest.mark.parametrize(("path", "body"), [("/api/v1/organisations/", {"kind": "ngo"}), ("/api/v1/districts/", {}),
                                            ("/api/v1/centres/", {"kind": "osl", "district": "ostatni-grosz"})])
def test_a_name_with_nothing_to_make_a_slug_of_is_422(apps, path, body, name):
    body = {**body, "name": name}
    response = apps["partners"].test_client().post(path, json=body, headers=ADMIN)
    assert response.status_code == 422, response.json
    assert "name" in response.json["errors"]["json"]


def test_a_number_that_is_not_finite_is_422_naming_the_field(apps):
    raw = b'{"name": "OSL Nowy", "kind": "osl", "district": "ostatni-grosz", "latitude": NaN}'
    response = apps["partners"].test_client().post("/api/v1/centres/", data=raw, content_type="application/json",
                                                   headers=ADMIN)
    assert response.status_code == 422, response.json
    assert "latitude" in response.json["errors"]["json"]
