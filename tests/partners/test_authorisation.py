"""The authorisation matrix: every write endpoint against every kind of caller.

Anonymous and a revoked key get 401; an organisation's key gets 403, except that the key of a partnership's
current coordinator may plan and change that partnership's meetings; an admin key and the admin token succeed.
A refused request changes nothing and publishes nothing; an accepted one publishes exactly one message.
"""

from dataclasses import dataclass, field
from datetime import datetime

import pytest

from services.partners import operations
from tests.partners.helpers import ADMIN, bearer

SIZE = 3  # each success needs its own target: admin key, admin token and, for meetings, the coordinator's key


@dataclass
class World:
    keys: dict[str, str] = field(default_factory=dict)
    ids: dict[str, list[int]] = field(default_factory=dict)


def build_world(app) -> World:
    """One partnership with a coordinator, and SIZE spare records of every kind to change or delete."""
    world = World()
    with app.extensions["osl"].database.session() as session:
        operations.create_district(session, "Ostatni Grosz")
        partnership = operations.create_partnership(session, {"name": "Partnerstwo Lokalne Ostatni Grosz",
                                                              "district_slug": "ostatni-grosz", "status": "active"})
        coordinator = operations.create_organisation(session, {"name": "Koordynator", "kind": "ngo"})
        operations.add_member(session, partnership, {"organisation_id": coordinator.id, "role": "coordinator"})
        outsider = operations.create_organisation(session, {"name": "Obcy", "kind": "ngo"})
        world.keys["coordinator"] = operations.issue_key(session, coordinator)[1]
        world.keys["organisation"] = operations.issue_key(session, outsider)[1]
        revoked, world.keys["revoked"] = operations.issue_key(session, outsider)
        operations.revoke_key(session, revoked)
        world.keys["admin_key"] = operations.issue_key(session, None)[1]
        world.ids = {"partnership": [partnership.id]}
        for n in range(SIZE):
            district = operations.create_district(session, f"Pusta {n}")
            operations.create_district(session, f"Wolna {n}")
            operations.create_centre(session, {"name": f"Centrum {n}", "kind": "osl", "district_slug": district.slug})
            add = world.ids.setdefault
            add("organisation", []).append(operations.create_organisation(session, {"name": f"Org {n}",
                                                                                    "kind": "ngo"}).id)
            member_org = operations.create_organisation(session, {"name": f"Członek {n}", "kind": "ngo"})
            add("org_key", []).append((member_org.id, operations.issue_key(session, member_org)[0].id))
            add("admin_key", []).append(operations.issue_key(session, None)[0].id)
            add("person", []).append(operations.create_person(session, {"name": f"Osoba {n}"}).id)
            add("spare_partnership", []).append(operations.create_partnership(
                session, {"name": f"Partnerstwo {n}", "district_slug": district.slug}).id)
            add("member", []).append(operations.add_member(session, partnership, {"organisation_id": member_org.id}).id)
            add("agreement", []).append(operations.sign_agreement(session, partnership, {}).id)
            add("meeting", []).append(operations.plan_meeting(session, partnership, {
                "title": f"Spotkanie {n}", "starts_at": _at(10 + n), "ends_at": _at(12 + n)}).id)
    return world


def _at(hour: int) -> datetime:
    return datetime(2025, 10, 30, hour, 0)


P = "/api/v1/partnerships"
#: (name, method, url for target n, body for target n, success status, whether it takes If-Match)
ENDPOINTS = [
    ("district create", "POST", lambda w, n: "/api/v1/districts/", lambda w, n: {"name": f"Nowa {n}"}, 201, False),
    ("district update", "PATCH", lambda w, n: f"/api/v1/districts/pusta-{n}", lambda w, n: {"name": f"Inna {n}"},
     200, True),
    ("district delete", "DELETE", lambda w, n: f"/api/v1/districts/wolna-{n}", None, 204, True),
    ("centre create", "POST", lambda w, n: "/api/v1/centres/",
     lambda w, n: {"name": f"Nowe {n}", "kind": "dosl", "district": "ostatni-grosz"}, 201, False),
    ("centre update", "PATCH", lambda w, n: f"/api/v1/centres/centrum-{n}", lambda w, n: {"address": "ul. Ździebła"},
     200, True),
    ("centre delete", "DELETE", lambda w, n: f"/api/v1/centres/centrum-{n}", None, 204, True),
    ("organisation create", "POST", lambda w, n: "/api/v1/organisations/",
     lambda w, n: {"name": f"Nowa {n}", "kind": "school"}, 201, False),
    ("organisation update", "PATCH", lambda w, n: f"/api/v1/organisations/{w.ids['organisation'][n]}",
     lambda w, n: {"krs": "0000000001"}, 200, True),
    ("organisation delete", "DELETE", lambda w, n: f"/api/v1/organisations/{w.ids['organisation'][n]}", None, 204,
     True),
    ("api key issue", "POST", lambda w, n: f"/api/v1/organisations/{w.ids['organisation'][n]}/api-keys",
     lambda w, n: {}, 201, False),
    ("api key revoke", "DELETE", lambda w, n: "/api/v1/organisations/{}/api-keys/{}".format(*w.ids["org_key"][n]),
     None, 200, False),
    ("admin key issue", "POST", lambda w, n: "/api/v1/admin-keys/", None, 201, False),
    ("admin key revoke", "DELETE", lambda w, n: f"/api/v1/admin-keys/{w.ids['admin_key'][n]}", None, 200, False),
    ("person create", "POST", lambda w, n: "/api/v1/people/", lambda w, n: {"name": "Zofia Ćwik"}, 201, False),
    ("person update", "PATCH", lambda w, n: f"/api/v1/people/{w.ids['person'][n]}",
     lambda w, n: {"phone": "600 000 000"}, 200, True),
    ("person delete", "DELETE", lambda w, n: f"/api/v1/people/{w.ids['person'][n]}", None, 204, True),
    ("partnership create", "POST", lambda w, n: f"{P}/",
     lambda w, n: {"name": f"Nowe {n}", "district": "ostatni-grosz"}, 201, False),
    ("partnership update", "PATCH", lambda w, n: f"{P}/{w.ids['spare_partnership'][n]}",
     lambda w, n: {"status": "active"}, 200, True),
    ("partnership delete", "DELETE", lambda w, n: f"{P}/{w.ids['spare_partnership'][n]}", None, 204, True),
    ("member add", "POST", lambda w, n: f"{P}/{w.ids['partnership'][0]}/members/",
     lambda w, n: {"person_id": w.ids["person"][n]}, 201, False),
    ("member update", "PATCH", lambda w, n: f"{P}/{w.ids['partnership'][0]}/members/{w.ids['member'][n]}",
     lambda w, n: {"role": "observer"}, 200, True),
    ("member remove", "DELETE", lambda w, n: f"{P}/{w.ids['partnership'][0]}/members/{w.ids['member'][n]}", None,
     204, True),
    ("agreement sign", "POST", lambda w, n: f"{P}/{w.ids['partnership'][0]}/agreements/",
     lambda w, n: {"document_ref": f"Umowa {n}"}, 201, False),
    ("agreement update", "PATCH", lambda w, n: f"{P}/{w.ids['partnership'][0]}/agreements/{w.ids['agreement'][n]}",
     lambda w, n: {"valid_from": "2025-01-01"}, 200, True),
    ("meeting plan", "POST", lambda w, n: f"{P}/{w.ids['partnership'][0]}/meetings/",
     lambda w, n: {"title": "Nowe", "starts_at": "2025-11-05T17:00:00", "ends_at": "2025-11-05T18:00:00"}, 201,
     False),
    ("meeting update", "PATCH", lambda w, n: f"{P}/{w.ids['partnership'][0]}/meetings/{w.ids['meeting'][n]}",
     lambda w, n: {"status": "held"}, 200, True),
    ("district replace", "PUT", lambda w, n: f"/api/v1/districts/pusta-{n}", lambda w, n: {"name": f"Pusta {n}",
                                                                                          "slug": f"pusta-{n}-x"},
     200, True),
    ("centre replace", "PUT", lambda w, n: f"/api/v1/centres/centrum-{n}",
     lambda w, n: {"name": f"Centrum {n}", "kind": "dosl", "district": "ostatni-grosz"}, 200, True),
    ("organisation replace", "PUT", lambda w, n: f"/api/v1/organisations/{w.ids['organisation'][n]}",
     lambda w, n: {"name": f"Org {n}", "kind": "library"}, 200, True),
    ("person replace", "PUT", lambda w, n: f"/api/v1/people/{w.ids['person'][n]}", lambda w, n: {"name": "Ktoś"},
     200, True),
    ("partnership replace", "PUT", lambda w, n: f"{P}/{w.ids['spare_partnership'][n]}",
     lambda w, n: {"name": f"Partnerstwo {n}", "district": "ostatni-grosz"}, 200, True),
    ("member replace", "PUT", lambda w, n: f"{P}/{w.ids['partnership'][0]}/members/{w.ids['member'][n]}",
     lambda w, n: {"role": "observer"}, 200, True),
    ("agreement replace", "PUT", lambda w, n: f"{P}/{w.ids['partnership'][0]}/agreements/{w.ids['agreement'][n]}",
     lambda w, n: {"document_ref": "Umowa"}, 200, True),
    ("meeting replace", "PUT", lambda w, n: f"{P}/{w.ids['partnership'][0]}/meetings/{w.ids['meeting'][n]}",
     lambda w, n: {"title": "Inne", "starts_at": "2025-11-05T17:00:00", "ends_at": "2025-11-05T18:00:00"}, 200,
     True),
]
MEETING_WRITES = {"meeting plan", "meeting update", "meeting replace"}
DENIED = {"anonymous": 401, "revoked": 401, "organisation": 403}


def _headers(world: World, caller: str) -> dict:
    if caller == "anonymous":
        return {}
    if caller == "admin_token":
        return dict(ADMIN)
    return bearer(world.keys[caller])


def _call(client, world, endpoint, caller, n):
    name, method, url, body, _, takes_etag = endpoint
    target = url(world, n)
    headers = _headers(world, caller)
    if takes_etag:
        headers["If-Match"] = client.get(target, headers=ADMIN).headers["ETag"]
    return client.open(target, method=method, json=body(world, n) if body else None, headers=headers)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[endpoint[0] for endpoint in ENDPOINTS])
def test_each_write_refuses_the_wrong_callers_and_serves_the_right_ones(partners, endpoint):
    name, success = endpoint[0], endpoint[4]
    client = partners.client
    world = build_world(partners.app)

    before, before_all = len(partners.public_outbox_types()), len(partners.outbox())
    refused = dict(DENIED)
    if name not in MEETING_WRITES:
        refused["coordinator"] = 403
    for caller, status in refused.items():
        response = _call(client, world, endpoint, caller, 0)
        assert response.status_code == status, (caller, response.json)
        assert response.json["message"]
    assert len(partners.outbox()) == before_all, "a refused request published a message"

    per_change = 0 if name.startswith("person") else 1  # people are personal data: never in a message
    allowed = ["admin_key", "admin_token"] + (["coordinator"] if name in MEETING_WRITES else [])
    for n, caller in enumerate(allowed):
        response = _call(client, world, endpoint, caller, n)
        assert response.status_code == success, (caller, response.json)
        published = len(partners.public_outbox_types())  # the member contacts, to notify alone: test_member_contacts
        assert published == before + (n + 1) * per_change, f"{caller}: not exactly one message"
