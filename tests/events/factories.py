"""Partners-shaped messages for the events replica, a seeded little world, and readers of the events outbox."""

import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event as sqlalchemy_event
from sqlalchemy import select

from services.events.models import OutboxMessage
from services.messaging.envelope import Envelope, parse

ADMIN = {"Authorization": "Bearer test-admin-token"}
#: If-Match for a change that need not guard against a lost update.
ANY_VERSION = {"If-Match": "*"}
ISSUED = "2026-11-01T10:00:00+00:00"


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def deliver(app, type_name: str, data: dict) -> Envelope:
    """Hand one valid partners message to the events service's handler, in its own transaction."""
    envelope = Envelope.new(type_name, data)
    with app.extensions["osl"].database.session() as session:
        app.extensions["osl"].handlers["partners-replica"](session, envelope)
    return envelope


def district(id: int, name: str, slug: str, version: int = 1) -> dict:
    return {"id": id, "version": version, "name": name, "slug": slug}


def centre(id: int, name: str, slug: str, district_id: int, version: int = 1, **extra) -> dict:
    return {"id": id, "version": version, "name": name, "slug": slug, "kind": "dosl", "district_id": district_id,
            **extra}


def organisation(id: int, name: str, slug: str, version: int = 1) -> dict:
    return {"id": id, "version": version, "name": name, "slug": slug, "kind": "ngo"}


def partnership(id: int, name: str, district_id: int, version: int = 1, **extra) -> dict:
    return {"id": id, "version": version, "name": name, "district_id": district_id, "status": "active",
            "description": "", **extra}


def membership(id: int, partnership_id: int, organisation_id: int, role: str = "member", version: int = 1) -> dict:
    return {"id": id, "version": version, "partnership_id": partnership_id, "member_kind": "organisation",
            "organisation_id": organisation_id, "role": role, "potential": []}


def key(key_id: int, secret: str, organisation_id: int | None = None, scopes=("events",), revoked_at=None) -> dict:
    data = {"key_id": key_id, "prefix": secret[:8], "hash": hashlib.sha256(secret.encode()).hexdigest(),
            "scopes": list(scopes), "issued_at": ISSUED, "revoked_at": revoked_at}
    if organisation_id is not None:
        data["organisation_id"] = organisation_id
    return data


def meeting(id: int, partnership_id: int, version: int = 1, **extra) -> dict:
    return {"id": id, "version": version, "partnership_id": partnership_id, "title": "Spotkanie partnerskie",
            "agenda": "Plan pikniku sąsiedzkiego", "starts_at": "2026-10-30T17:00:00+01:00",
            "ends_at": "2026-10-30T19:00:00+01:00", "timezone": "Europe/Warsaw", "status": "planned",
            "updated_at": "2026-10-01T10:00:00+00:00", **extra}


@dataclass
class World:
    """Two districts with a centre each, three organisations, their keys, and one partnership."""

    own: dict = field(default_factory=lambda: bearer("osl_own_key_0000000001"))
    other: dict = field(default_factory=lambda: bearer("osl_other_key_000000002"))
    no_scope: dict = field(default_factory=lambda: bearer("osl_meetings_only_0003"))
    admin_key: dict = field(default_factory=lambda: bearer("osl_admin_key_00000004"))
    revoked: dict = field(default_factory=lambda: bearer("osl_revoked_key_000005"))
    unknown: dict = field(default_factory=lambda: bearer("osl_never_issued_00006"))


def seed(app) -> World:
    world = World()
    secret = {name: value["Authorization"].split(" ", 1)[1] for name, value in vars(world).items()}
    messages = [
        ("district.created", district(1, "Raków", "rakow")),
        ("district.created", district(2, "Ostatni Grosz", "ostatni-grosz")),
        ("centre.created", centre(10, "OSL Raków", "osl-rakow", 1, address="ul. Łukasińskiego 40, Częstochowa",
                                  latitude=50.79, longitude=19.14)),
        ("centre.created", centre(20, "DOSL Ostatni Grosz", "dosl-ostatni-grosz", 2, address="ul. Zbierskiego 2")),
        ("organisation.created", organisation(100, "Fundacja Źródło", "fundacja-zrodlo")),
        ("organisation.created", organisation(200, "Stowarzyszenie Sąsiedzi", "stowarzyszenie-sasiedzi")),
        ("organisation.created", organisation(300, "Klub Seniora", "klub-seniora")),
        ("organisation.api_key.issued", key(1, secret["own"], 100)),
        ("organisation.api_key.issued", key(2, secret["other"], 200)),
        ("organisation.api_key.issued", key(3, secret["no_scope"], 300, scopes=("meetings",))),
        ("admin_key.issued", key(1, secret["admin_key"], scopes=("admin",))),
        ("organisation.api_key.issued", key(5, secret["revoked"], 100)),
        ("organisation.api_key.revoked", key(5, secret["revoked"], 100, revoked_at="2026-11-02T10:00:00+00:00")),
        ("partnership.created", partnership(7, "Partnerstwo Lokalne Ostatni Grosz", 2, centre_id=20)),
        ("membership.added", membership(70, 7, 100, role="coordinator")),
    ]
    for type_name, data in messages:
        deliver(app, type_name, data)
    return world


def event_body(**overrides) -> dict:
    body = {"title": "Warsztaty budżetu domowego", "description": "Jak planować wydatki.",
            "starts_at": "2026-07-04T10:00:00", "ends_at": "2026-07-04T12:00:00", "district": "rakow",
            "centre": "osl-rakow", "audiences": ["adults", "seniors"], "category": "workshop"}
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not ...}


def outbox(app) -> list[Envelope]:
    """The events service's outbox, oldest first, each message parsed and checked against the registry."""
    with app.extensions["osl"].database.session() as session:
        bodies = session.scalars(select(OutboxMessage.body).order_by(OutboxMessage.seq)).all()
    return [parse(body) for body in bodies]


def outbox_types(app) -> list[str]:
    return [envelope.type for envelope in outbox(app)]


@contextmanager
def statements(app):
    """The SQL the app's database is sent meanwhile, each statement on one line in capitals (to count the writes)."""
    engine = app.extensions["osl"].database.engine
    sent = []

    def record(_connection, _cursor, statement, _parameters, _context, _executemany):
        sent.append(" ".join(statement.split()).upper())

    sqlalchemy_event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        sqlalchemy_event.remove(engine, "before_cursor_execute", record)


def writes_of_events(sent: list[str]) -> dict[str, int]:
    """How many INSERTs and UPDATEs of the events table were sent."""
    return {verb: len([s for s in sent if s.startswith(f"{verb} EVENTS ")]) for verb in ("INSERT INTO", "UPDATE")}


def as_json(response) -> dict:
    return json.loads(response.get_data(as_text=True))
