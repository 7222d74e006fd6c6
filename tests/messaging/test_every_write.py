"""Every write endpoint of the four services (partners, events, notify, programme) in one table, with its record.

The endpoints are read from each app's OpenAPI document, so a new write endpoint without a row in ``_table`` fails
``test_every_write_endpoint_has_a_row`` (and the document must list every API write route of the app's URL map).
What each row is checked for (each bad input kind, credentials, If-Match, the valid request) is in
test_write_refusals.py, which takes the ``world`` fixture from here.
"""

import re
from dataclasses import dataclass, field

import pytest

from tests.events.factories import event_body
from tests.events.factories import seed as seed_events
from tests.events.rooms import add_room, book, fixed_clock  # noqa: F401 (a fixture)
from tests.messaging.openapi_writes import documents as _documents
from tests.messaging.openapi_writes import operations as _operations
from tests.notify import registrations as notify_registrations
from tests.partners import helpers as partners
from tests.partners.helpers import ADMIN, created
from tests.partners.test_rooms import ROOM
from tests.programme import factories as programme

SERVICES = ("partners", "events", "notify", "programme")


@dataclass
class Row:
    """One write endpoint: a concrete path, a valid body (None: it takes none), credentials that may make the
    change, and, where organisations' keys write, the key of one that does not own the record."""

    path: str
    body: dict | None
    headers: dict
    other: dict | None = None
    #: the valid request is sent last and must succeed (not for deletions, which would take records others need)
    control: bool = True
    extra: dict = field(default_factory=dict)


@pytest.fixture
def world(partners_app, events_app, notify_app, programme_app, fixed_clock):  # noqa: F811 (the fixture)
    """The four apps, with a record behind every write endpoint, and the table of rows (bookings at the room tests'
    fixed moment, so that their dates stay inside the room's horizon)."""
    apps = {"partners": partners_app, "events": events_app, "notify": notify_app, "programme": programme_app}
    return apps, _table(apps)


def _partners(app) -> dict:
    client = app.test_client()
    partners.make_district(client)
    partners.make_district(client, "Raków")
    partners.make_centre(client)
    own = partners.make_organisation(client)
    other = partners.make_organisation(client, "Fundacja Obca")
    partnership = partners.make_partnership(client)
    member = partners.add_member(client, partnership["id"], organisation_id=own["id"], role="coordinator")
    elsewhere = partners.make_partnership(client, name="Partnerstwo Rakowa", district="rakow")
    # the other organisation coordinates a partnership of its own, just not this one
    stranger = partners.add_member(client, elsewhere["id"], organisation_id=other["id"], role="coordinator")
    person = created(client.post("/api/v1/people/", json={"name": "Jan Kowalski"}, headers=ADMIN))
    agreement = created(client.post(f"/api/v1/partnerships/{partnership['id']}/agreements/", headers=ADMIN,
                                    json={"signed_on": "2026-01-10", "signatory_ids": [member["id"]]}))
    meeting = created(client.post(f"/api/v1/partnerships/{partnership['id']}/meetings/", headers=ADMIN, json={
        "title": "Zebranie", "starts_at": "2026-12-01T17:00:00", "ends_at": "2026-12-01T19:00:00"}))
    own_key = created(client.post(f"/api/v1/organisations/{own['id']}/api-keys", json={}, headers=ADMIN))
    other_key = created(client.post(f"/api/v1/organisations/{other['id']}/api-keys", json={}, headers=ADMIN))
    admin_key = created(client.post("/api/v1/admin-keys/", headers=ADMIN))
    room = created(client.post("/api/v1/rooms/", json=ROOM, headers=ADMIN))
    account = created(client.post("/api/v1/accounts/", headers=ADMIN, json={
        "email": "ewa@sasiedzi.example", "organisation_id": own["id"]}))
    assert stranger
    return {"room": room, "account": account, "own": own, "other": other, "partnership": partnership,
            "member": member, "person": person,
            "agreement": agreement, "meeting": meeting, "own_key": own_key, "admin_key": admin_key,
            "own_headers": {"Authorization": f"Bearer {own_key['key']}"},
            "other_headers": {"Authorization": f"Bearer {other_key['key']}"}}


#: An organisation's calendar to import (never fetched here: a pull only makes it due).
IMPORT_SOURCE = {"url": "https://kalendarz.example.org/fundacja.ics", "district": "rakow", "centre": "osl-rakow",
                 "audiences": ["seniors"], "category": "workshop"}


def _events(app) -> dict:
    world = seed_events(app)
    client = app.test_client()
    single = client.post("/api/v1/events", json=event_body(), headers=world.own)
    series = client.post("/api/v1/events", json=event_body(rrule="FREQ=WEEKLY;COUNT=10"), headers=world.own)
    source = client.post("/api/v1/import-sources", json=IMPORT_SOURCE, headers=world.own)
    assert single.status_code == series.status_code == source.status_code == 201, (single.json, series.json,
                                                                                  source.json)
    add_room(app)
    add_room(app, id=2, requires_approval=True)
    booked = book(client, headers=world.own)  # 8 December 2026, 17:00
    weekly = book(client, headers=world.own, starts_at="2027-01-12T17:00:00", ends_at="2027-01-12T18:00:00",
                  rrule="FREQ=WEEKLY;COUNT=3")
    pending = book(client, room_id=2, headers=world.own)
    assert booked.status_code == weekly.status_code == pending.status_code == 201, (booked.json, weekly.json,
                                                                                    pending.json)
    assert pending.json["state"] == "pending"
    skipped = client.delete(f"/api/v1/bookings/{weekly.json['id']}/dates/2027-01-19T17:00:00", headers=world.own)
    assert skipped.status_code == 200, skipped.json
    return {"world": world, "single": single.json["id"], "series": series.json["id"], "source": source.json["id"],
            "booking": booked.json["id"], "weekly": weekly.json["id"], "pending": pending.json["id"]}


def _notify(app) -> dict:
    from services.notify.models import District

    with app.extensions["osl"].database.session() as session:
        session.add(District(id=1, name="Raków", slug="rakow", version=1))
    for address in ("anna@example.org", "ewa@example.org"):
        response = app.test_client().post("/api/v1/subscriptions/", json={
            "email": address, "districts": ["rakow"], "consent": True})
        assert response.status_code == 202, response.json
    # An event with places (organised by organisation 9) and the keys of 9, of another organisation and of an admin.
    app.config.update(REGISTRATION_LIMIT_PER_IP=10_000, REGISTRATION_LIMIT_PER_ADDRESS=10_000)
    notify_registrations.give_keys(app)
    notify_registrations.publish_event(app, capacity=20)
    registered = app.test_client().post("/api/v1/registrations/", json=notify_registrations.resident(1))
    assert registered.status_code == 201, registered.json
    return {"registration": notify_registrations.registrations(app)[0].id}


def _programme(app) -> dict:
    programme.seed_messages(app)
    client = app.test_client()
    created_programme = created(client.post("/api/v1/programmes/", json=programme.PROGRAMME, headers=ADMIN))
    base = f"/api/v1/programmes/{created_programme['id']}"
    body = programme.person("female", "25_54", "unemployed", "rakow", "2018-05-01")
    inside = created(client.post(f"{base}/participants/", json=body, headers=ADMIN))
    out = created(client.post(f"{base}/participants/", json=body, headers=ADMIN))
    exited = client.post(f"{base}/participants/{out['pseudonym']}/exit", headers=ADMIN,
                         json={"exited_on": "2018-06-30", "status_at_exit": "employed"})
    assert exited.status_code == 200, exited.json
    return {"base": base, "inside": inside["pseudonym"], "out": out["pseudonym"]}


def _table(apps) -> dict[tuple[str, str, str], Row]:
    p = _partners(apps["partners"])
    e = _events(apps["events"])
    n = _notify(apps["notify"])
    g = _programme(apps["programme"])
    pid, own_org = p["partnership"]["id"], p["own"]["id"]
    meetings = f"/api/v1/partnerships/{pid}/meetings/"
    meeting_body = {"title": "Zebranie", "starts_at": "2026-12-01T17:00:00", "ends_at": "2026-12-01T19:00:00"}
    agreements = f"/api/v1/partnerships/{pid}/agreements/"
    members = f"/api/v1/partnerships/{pid}/members/"
    district = {"name": "Ostatni Grosz"}
    centre = {"name": "OSL Ostatni Grosz", "kind": "osl", "district": "ostatni-grosz"}
    organisation = {"name": "Stowarzyszenie Żółty Żuraw", "kind": "ngo"}
    partnership = {"name": "Partnerstwo Lokalne Ostatni Grosz", "district": "ostatni-grosz"}
    world = e["world"]
    occurrence = f"/api/v1/events/{e['series']}/occurrences/2026-07-11T10:00:00"
    roll_call = f"{g['base']}/roll-calls/{programme.ACTIVITY}/2018-05-08T17:00:00+02:00"
    room = f"/api/v1/rooms/{p['room']['id']}"
    bookings, weekly = "/api/v1/bookings", f"/api/v1/bookings/{e['weekly']}/dates"
    # A booking of another organisation is not shown to it (GET is 404 too: the id is not confirmed to exist), so its
    # writes answer 404 where the test otherwise expects 403; either way ownership is checked before anything else.
    hidden = {"other_status": 404}
    registration = f"/api/v1/registrations/events/{notify_registrations.EVENT_ID}"
    organiser = notify_registrations.bearer(notify_registrations.ORGANISATION_KEY)
    stranger = notify_registrations.bearer(notify_registrations.OTHER_KEY)
    rows = {
        ("partners", "post", "/api/v1/rooms/"): Row("/api/v1/rooms/", {**ROOM, "name": "Sala mała"}, ADMIN),
        ("partners", "put", "/api/v1/rooms/{room_id}"): Row(room, ROOM, ADMIN),
        ("partners", "patch", "/api/v1/rooms/{room_id}"): Row(room, {"buffer_minutes": 30}, ADMIN),
        ("partners", "delete", "/api/v1/rooms/{room_id}"): Row(room, None, ADMIN, control=False),
        ("partners", "post", "/api/v1/accounts/"): Row("/api/v1/accounts/", {
            "email": "ola@sasiedzi.example", "role": "editor", "organisation_id": own_org, "language": "pl"}, ADMIN),
        ("partners", "post", "/api/v1/accounts/{account_id}/{change}"): Row(
            f"/api/v1/accounts/{p['account']['id']}/disable", None, ADMIN),
        ("events", "post", "/api/v1/rooms/{room_id}/bookings"): Row(
            "/api/v1/rooms/1/bookings", {"title": "Klub seniora", "starts_at": "2026-12-15T17:00:00",
                                         "ends_at": "2026-12-15T18:00:00", "visibility": "public"}, world.own),
        ("events", "delete", "/api/v1/bookings/{booking_id}"): Row(
            f"{bookings}/{e['booking']}", None, world.own, other=world.other, control=False, extra=hidden),
        ("events", "post", "/api/v1/bookings/{booking_id}/approve"): Row(
            f"{bookings}/{e['pending']}/approve", None, ADMIN, other=world.other),
        ("events", "delete", "/api/v1/bookings/{booking_id}/dates/{start}"): Row(
            f"{weekly}/2027-01-26T17:00:00", None, world.own, other=world.other, extra=hidden),
        ("events", "post", "/api/v1/bookings/{booking_id}/dates/{start}"): Row(
            f"{weekly}/2027-01-19T17:00:00", None, world.own, other=world.other, extra=hidden),
        ("notify", "post", "/api/v1/registrations/"): Row(
            "/api/v1/registrations/", notify_registrations.resident(2), {}),
        ("notify", "post", "/api/v1/registrations/events/{event_id}"): Row(
            registration, {"name": "Pan Józef", "contact": "phone", "phone": "+48 600 100 200", "consent": True},
            organiser, other=stranger),
        ("notify", "post", "/api/v1/registrations/events/{event_id}/{registration_id}/cancel"): Row(
            f"{registration}/{n['registration']}/cancel", None, organiser, other=stranger),
        ("notify", "put", "/api/v1/registrations/events/{event_id}/settings"): Row(
            f"{registration}/settings", {"max_people": 2}, organiser, other=stranger),
        ("partners", "post", "/api/v1/districts/"): Row("/api/v1/districts/", {"name": "Grabówka"}, ADMIN),
        ("partners", "put", "/api/v1/districts/{slug}"): Row("/api/v1/districts/ostatni-grosz", district, ADMIN),
        ("partners", "patch", "/api/v1/districts/{slug}"): Row("/api/v1/districts/ostatni-grosz", district, ADMIN),
        ("partners", "delete", "/api/v1/districts/{slug}"): Row("/api/v1/districts/rakow", None, ADMIN,
                                                                control=False),
        ("partners", "post", "/api/v1/centres/"): Row("/api/v1/centres/", {**centre, "name": "OSL Nowy"}, ADMIN),
        ("partners", "put", "/api/v1/centres/{slug}"): Row("/api/v1/centres/osl-ostatni-grosz", centre, ADMIN),
        ("partners", "patch", "/api/v1/centres/{slug}"): Row("/api/v1/centres/osl-ostatni-grosz", {}, ADMIN),
        ("partners", "delete", "/api/v1/centres/{slug}"): Row("/api/v1/centres/osl-ostatni-grosz", None, ADMIN,
                                                              control=False),
        ("partners", "post", "/api/v1/organisations/"): Row("/api/v1/organisations/",
                                                            {"name": "Fundacja Nowa", "kind": "ngo"}, ADMIN),
        ("partners", "put", "/api/v1/organisations/{organisation_id}"): Row(
            f"/api/v1/organisations/{own_org}", organisation, ADMIN),
        ("partners", "patch", "/api/v1/organisations/{organisation_id}"): Row(
            f"/api/v1/organisations/{own_org}", {}, ADMIN),
        ("partners", "delete", "/api/v1/organisations/{organisation_id}"): Row(
            f"/api/v1/organisations/{own_org}", None, ADMIN, control=False),
        ("partners", "post", "/api/v1/organisations/{organisation_id}/api-keys"): Row(
            f"/api/v1/organisations/{own_org}/api-keys", {}, ADMIN),
        ("partners", "delete", "/api/v1/organisations/{organisation_id}/api-keys/{key_id}"): Row(
            f"/api/v1/organisations/{own_org}/api-keys/{p['own_key']['id']}", None, ADMIN, control=False),
        ("partners", "post", "/api/v1/people/"): Row("/api/v1/people/", {"name": "Anna Nowak"}, ADMIN),
        ("partners", "put", "/api/v1/people/{person_id}"): Row(f"/api/v1/people/{p['person']['id']}",
                                                               {"name": "Jan Kowalski"}, ADMIN),
        ("partners", "patch", "/api/v1/people/{person_id}"): Row(f"/api/v1/people/{p['person']['id']}", {}, ADMIN),
        ("partners", "delete", "/api/v1/people/{person_id}"): Row(f"/api/v1/people/{p['person']['id']}", None,
                                                                  ADMIN, control=False),
        ("partners", "post", "/api/v1/admin-keys/"): Row("/api/v1/admin-keys/", None, ADMIN),
        ("partners", "delete", "/api/v1/admin-keys/{key_id}"): Row(f"/api/v1/admin-keys/{p['admin_key']['id']}",
                                                                   None, ADMIN, control=False),
        ("partners", "post", "/api/v1/partnerships/"): Row("/api/v1/partnerships/",
                                                           {**partnership, "name": "Partnerstwo Nowe"}, ADMIN),
        ("partners", "put", "/api/v1/partnerships/{partnership_id}"): Row(f"/api/v1/partnerships/{pid}",
                                                                          partnership, ADMIN),
        ("partners", "patch", "/api/v1/partnerships/{partnership_id}"): Row(f"/api/v1/partnerships/{pid}", {},
                                                                            ADMIN),
        ("partners", "delete", "/api/v1/partnerships/{partnership_id}"): Row(f"/api/v1/partnerships/{pid}", None,
                                                                             ADMIN, control=False),
        ("partners", "post", "/api/v1/partnerships/{partnership_id}/members/"): Row(
            members, {"person_id": p["person"]["id"], "potential": [{"kind": "ideas", "description": "Pomysły"}]},
            ADMIN),
        ("partners", "put", "/api/v1/partnerships/{partnership_id}/members/{member_id}"): Row(
            f"{members}{p['member']['id']}", {"role": "coordinator",
                                              "potential": [{"kind": "people", "description": "Wolontariusze"}]},
            ADMIN),
        ("partners", "patch", "/api/v1/partnerships/{partnership_id}/members/{member_id}"): Row(
            f"{members}{p['member']['id']}", {"potential": [{"kind": "people", "description": "Wolontariusze"}]},
            ADMIN),
        ("partners", "delete", "/api/v1/partnerships/{partnership_id}/members/{member_id}"): Row(
            f"{members}{p['member']['id']}", None, ADMIN, control=False),
        ("partners", "post", "/api/v1/partnerships/{partnership_id}/agreements/"): Row(
            agreements, {"signed_on": "2026-02-01", "valid_from": "2026-02-01", "valid_until": "2027-01-31",
                         "signatory_ids": [p["member"]["id"]], "document_ref": "UM/2026/1"}, ADMIN),
        ("partners", "put", "/api/v1/partnerships/{partnership_id}/agreements/{agreement_id}"): Row(
            f"{agreements}{p['agreement']['id']}", {"signed_on": "2026-01-10", "signatory_ids": [p["member"]["id"]]},
            ADMIN),
        ("partners", "patch", "/api/v1/partnerships/{partnership_id}/agreements/{agreement_id}"): Row(
            f"{agreements}{p['agreement']['id']}", {}, ADMIN),
        ("partners", "post", "/api/v1/partnerships/{partnership_id}/agreements/{agreement_id}/withdraw"): Row(
            f"{agreements}{p['agreement']['id']}/withdraw", {"reason": "Wpisana przez pomyłkę"}, ADMIN),
        ("partners", "post", "/api/v1/partnerships/{partnership_id}/meetings/"): Row(
            meetings, meeting_body, p["own_headers"], other=p["other_headers"]),
        ("partners", "put", "/api/v1/partnerships/{partnership_id}/meetings/{meeting_id}"): Row(
            f"{meetings}{p['meeting']['id']}", meeting_body, p["own_headers"], other=p["other_headers"]),
        ("partners", "patch", "/api/v1/partnerships/{partnership_id}/meetings/{meeting_id}"): Row(
            f"{meetings}{p['meeting']['id']}", {}, p["own_headers"], other=p["other_headers"]),
        ("events", "post", "/api/v1/events"): Row("/api/v1/events", event_body(), world.own),
        ("events", "patch", "/api/v1/events/{event_id}"): Row(f"/api/v1/events/{e['single']}", {}, world.own,
                                                              other=world.other),
        ("events", "delete", "/api/v1/events/{event_id}"): Row(f"/api/v1/events/{e['single']}", None, world.own,
                                                               other=world.other, control=False),
        ("events", "put", "/api/v1/events/{event_id}/occurrences/{recurrence_id}"): Row(
            occurrence, {"location": "Sala 2"}, world.own, other=world.other),
        ("events", "delete", "/api/v1/events/{event_id}/occurrences/{recurrence_id}"): Row(
            occurrence, None, world.own, other=world.other, control=False),
        ("events", "post", "/api/v1/partnerships/{partnership_id}/feed-token/rotate"): Row(
            "/api/v1/partnerships/7/feed-token/rotate", None, world.own, other=world.other),
        ("events", "post", "/api/v1/import-sources"): Row(
            "/api/v1/import-sources", {**IMPORT_SOURCE, "url": "https://kalendarz.example.org/drugi.ics"}, world.own),
        ("events", "patch", "/api/v1/import-sources/{source_id}"): Row(
            f"/api/v1/import-sources/{e['source']}", {"category": "culture"}, world.own),
        ("events", "post", "/api/v1/import-sources/{source_id}/pull"): Row(
            f"/api/v1/import-sources/{e['source']}/pull", None, world.own),
        ("events", "delete", "/api/v1/import-sources/{source_id}"): Row(
            f"/api/v1/import-sources/{e['source']}", None, world.own, control=False),
        ("notify", "post", "/api/v1/subscriptions/"): Row(
            "/api/v1/subscriptions/", {"email": "jan@example.org", "districts": ["rakow"], "consent": True}, {}),
        ("notify", "post", "/api/v1/subscribers/erase"): Row("/api/v1/subscribers/erase",
                                                             {"email": "anna@example.org"}, ADMIN),
        ("notify", "post", "/api/v1/subscribers/export"): Row("/api/v1/subscribers/export",
                                                              {"email": "ewa@example.org"}, ADMIN),
        ("notify", "post", "/api/v1/notices/{notice_id}/resend"): Row("/api/v1/notices/1/resend", None, ADMIN,
                                                                      control=False),
        ("notify", "post", "/api/v1/notices/resend"): Row(
            "/api/v1/notices/resend", {"created_from": "2026-11-01T00:00:00+01:00", "reason": "SMTP był wyłączony",
                                       "kind": "published", "event_id": str(programme.ACTIVITY)}, ADMIN),
        ("programme", "post", "/api/v1/programmes/"): Row("/api/v1/programmes/",
                                                          {**programme.PROGRAMME, "name": "Drugi program"}, ADMIN),
        ("programme", "post", "/api/v1/programmes/{programme_id}/participants/"): Row(
            f"{g['base']}/participants/", programme.person("male", "over_54", "inactive", "rakow", "2018-06-01"),
            ADMIN),
        ("programme", "delete", "/api/v1/programmes/{programme_id}/participants/{pseudonym}"): Row(
            f"{g['base']}/participants/{g['inside']}", None, ADMIN, control=False),
        ("programme", "post", "/api/v1/programmes/{programme_id}/participants/{pseudonym}/exit"): Row(
            f"{g['base']}/participants/{g['inside']}/exit", {"exited_on": "2018-12-31", "status_at_exit": "employed"},
            ADMIN),
        ("programme", "post", "/api/v1/programmes/{programme_id}/participants/{pseudonym}/re-entry"): Row(
            f"{g['base']}/participants/{g['out']}/re-entry", {"entered_on": "2019-01-02"}, ADMIN),
        ("programme", "put", "/api/v1/programmes/{programme_id}/roll-calls/{event_id}/{occurrence_start}"): Row(
            roll_call, {"attendance": [{"participant": g["inside"], "status": "present"}],
                        "walk_ins": [programme.person("male", "25_54", "unemployed", "rakow")], "anonymous_count": 2},
            {"Authorization": f"Bearer {programme.OWN_KEY}"}, other={"Authorization": f"Bearer {programme.OTHER_KEY}"}),
    }
    return rows


def test_every_write_endpoint_has_a_row(world):
    apps, table = world
    documents = _documents(apps)
    assert sorted(set(_operations(documents)) - set(table)) == [], "write endpoints with no row in the table"
    assert sorted(set(table) - set(_operations(documents))) == [], "rows for endpoints that no longer exist"
    undocumented = []
    for service, app in apps.items():
        documented = {path for path in documents[service]["paths"]}
        for rule in app.url_map.iter_rules():
            # <name>, <int:name>, <any(disable, enable):name> are each {name} in the document
            path = re.sub(r"<(?:[^<>]*:)?(\w+)>", r"{\1}", rule.rule)
            if path.startswith("/api/") and rule.methods & {"POST", "PUT", "PATCH", "DELETE"} and \
                    path not in documented:
                undocumented.append((service, rule.rule))
    assert undocumented == []
