"""Careless and hostile input in what the write-endpoint table (test_every_write.py) does not send: query strings, ids
in the path, and values whose fault only the service can see (dates and numbers out of range in events' own fields,
a number that is not finite). Each gets a 4xx naming what is wrong, never a 500.
"""

import pytest

from tests.events.factories import event_body, seed
from tests.partners.helpers import ADMIN, make_district


@pytest.fixture
def apps(partners_app, events_app, notify_app):
    """The three apps, with a district in partners and a seeded events world."""
    make_district(partners_app.test_client())
    world = seed(events_app)
    return {"partners": partners_app, "events": events_app, "notify": notify_app, "own": world.own}


@pytest.mark.parametrize(("service", "path", "field"), [
    ("events", "/api/v1/events?to=9999-12-31", "to"),
    ("events", "/api/v1/events?from=0001-01-01", "from"),
    ("events", "/api/v1/events?text=%00", "text"),
    ("events", "/api/v1/events?page=100000000000000000000", "page"),
    ("events", "/?text=%00", "text"),
    ("partners", "/api/v1/organisations/?page=100000000000000000000", "page"),
    ("partners", "/api/v1/history/partners/?before=100000000000000000000", "before"),
    ("events", "/api/v1/history/events/?before=100000000000000000000", "before"),
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


def test_a_number_that_is_not_finite_is_422_naming_the_field(apps):
    raw = b'{"name": "OSL Nowy", "kind": "osl", "district": "ostatni-grosz", "latitude": NaN}'
    response = apps["partners"].test_client().post("/api/v1/centres/", data=raw, content_type="application/json",
                                                   headers=ADMIN)
    assert response.status_code == 422, response.json
    assert "latitude" in response.json["errors"]["json"]
