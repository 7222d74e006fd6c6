"""The replica of the partners data, built from partners messages only."""

from uuid import UUID

from services.events.models import ApiKey, Centre, District, Event, Membership, Organisation, Partnership
from tests.events.factories import (
    ADMIN,
    centre,
    deliver,
    district,
    event_body,
    key,
    membership,
    organisation,
    outbox,
    partnership,
    seed,
)


def _session(app):
    return app.extensions["osl"].database.session()


def test_every_partners_record_is_copied(events_app):
    seed(events_app)
    with _session(events_app) as session:
        assert session.get(District, 2).name == "Ostatni Grosz"
        raków = session.get(Centre, 10)
        assert (raków.slug, raków.district_id, raków.address) == ("osl-rakow", 1, "ul. Łukasińskiego 40, Częstochowa")
        assert session.get(Organisation, 200).slug == "stowarzyszenie-sasiedzi"
        assert session.get(Partnership, 7).centre_id == 20
        assert (session.get(Membership, 70).role, session.get(Membership, 70).organisation_id) == ("coordinator", 100)
        keys = {(row.kind, row.key_id): row for row in session.query(ApiKey)}
        assert set(keys) == {("organisation", 1), ("organisation", 2), ("organisation", 3), ("organisation", 5),
                             ("admin", 1)}
        assert keys[("organisation", 5)].revoked_at is not None
        assert len(keys[("admin", 1)].hash) == 64


def test_an_older_or_repeated_snapshot_is_ignored(events_app):
    deliver(events_app, "district.created", district(1, "Raków", "rakow", version=1))
    deliver(events_app, "district.updated", district(1, "Raków Nowy", "rakow", version=3))
    deliver(events_app, "district.updated", district(1, "Raków Stary", "rakow", version=2))
    deliver(events_app, "district.updated", district(1, "Raków Inny", "rakow", version=3))
    with _session(events_app) as session:
        assert (session.get(District, 1).name, session.get(District, 1).version) == ("Raków Nowy", 3)


def test_a_deletion_leaves_a_tombstone_that_a_late_snapshot_cannot_revive(events_app):
    deliver(events_app, "organisation.created", organisation(5, "Fundacja", "fundacja", version=1))
    deliver(events_app, "organisation.deleted", organisation(5, "Fundacja", "fundacja", version=2))
    deliver(events_app, "organisation.updated", organisation(5, "Fundacja", "fundacja", version=1))
    with _session(events_app) as session:
        assert session.get(Organisation, 5).deleted_at is not None


def test_a_membership_removal_is_kept_as_removed(events_app):
    deliver(events_app, "membership.added", membership(1, 7, 100))
    deliver(events_app, "membership.removed", membership(1, 7, 100, version=2))
    with _session(events_app) as session:
        assert session.get(Membership, 1).deleted_at is not None


def test_a_revoked_key_stays_revoked_when_its_issue_message_comes_late(events_app):
    deliver(events_app, "organisation.api_key.revoked", key(9, "osl_late_key_000009", 100,
                                                            revoked_at="2026-11-02T10:00:00+00:00"))
    deliver(events_app, "organisation.api_key.issued", key(9, "osl_late_key_000009", 100))
    with _session(events_app) as session:
        assert session.get(ApiKey, ("organisation", 9)).revoked_at is not None


def test_renaming_a_shown_record_clears_the_stored_vevent_of_its_events_only(events_app):
    seed(events_app)
    client = events_app.test_client()
    shown = client.post("/api/v1/events", json=event_body(organisation="fundacja-zrodlo"), headers=ADMIN).json["id"]
    elsewhere = client.post("/api/v1/events", json=event_body(organisation="fundacja-zrodlo", district="ostatni-grosz",
                                                              centre=None), headers=ADMIN).json["id"]
    with _session(events_app) as session:
        for event in session.query(Event):
            event.vevent = "BEGIN:VEVENT\r\nEND:VEVENT\r\n"
    deliver(events_app, "district.updated", district(1, "Raków (dzielnica)", "rakow", version=2))
    with _session(events_app) as session:
        vevents = {str(event.id): event.vevent for event in session.query(Event)}
    assert vevents[shown] is None
    assert vevents[elsewhere] is not None
    for type_name, message in (("centre.updated", centre(10, "OSL Raków 2", "osl-rakow", 1, version=2)),
                               ("organisation.updated", organisation(100, "Fundacja 2", "fundacja-zrodlo", version=2))):
        with _session(events_app) as session:
            session.get(Event, UUID(shown)).vevent = "cached"
        deliver(events_app, type_name, message)
        with _session(events_app) as session:
            assert session.get(Event, UUID(shown)).vevent is None, type_name


def test_a_partnership_rename_clears_its_events(events_app):
    seed(events_app)
    client = events_app.test_client()
    created = client.post("/api/v1/events", json=event_body(organisation="fundacja-zrodlo", partnership=7),
                          headers=ADMIN)
    assert created.status_code == 201, created.json
    with _session(events_app) as session:
        session.query(Event).update({"vevent": "cached"})
    deliver(events_app, "partnership.updated", partnership(7, "Partnerstwo Ostatni Grosz", 2, version=2))
    with _session(events_app) as session:
        assert session.query(Event).one().vevent is None


def test_events_at_a_centre_address_move_with_it_and_others_keep_theirs(events_app):
    seed(events_app)
    client = events_app.test_client()
    at_centre = client.post("/api/v1/events", json=event_body(organisation="fundacja-zrodlo"), headers=ADMIN).json
    in_park = client.post("/api/v1/events", json=event_body(organisation="fundacja-zrodlo", location="Park"),
                          headers=ADMIN).json
    deliver(events_app, "centre.updated", centre(10, "OSL Raków", "osl-rakow", 1, version=2,
                                                 address="ul. Nowa 1, Częstochowa"))
    assert client.get(f"/api/v1/events/{at_centre['id']}").json["location"] == "ul. Nowa 1, Częstochowa"
    assert client.get(f"/api/v1/events/{at_centre['id']}").json["sequence"] == 1
    assert client.get(f"/api/v1/events/{in_park['id']}").json["location"] == "Park"
    last = outbox(events_app)[-1]
    assert (last.type, last.data["id"], last.data["changed_fields"]) == ("event.updated", at_centre["id"],
                                                                         ["location"])
    assert len(outbox(events_app)) == 3
