"""Set-up of the registration tests: an event with limited places in notify's copy, keys, and helpers."""

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from services.calendar.times import WARSAW
from services.messaging.consumer import Worker
from services.messaging.envelope import Envelope
from services.notify.consumers import HANDLERS
from services.notify.models import InboxMessage, OutboxMessage, Registration, RegistrationSlot
from services.notify.notices import Sender
from tests.notify.events import event_snapshot

ADMIN = {"Authorization": "Bearer test-admin-token"}
ORGANISATION_KEY, OTHER_KEY, ADMIN_KEY = "osl_org_9_secret", "osl_org_8_secret", "osl_admin_1_secret"
EVENT_ID = "00000000-0000-0000-0000-000000000014"


def in_days(days: int, hour: int = 17) -> datetime:
    """A Warsaw wall-clock time ``days`` from today: registration tests need dates still to come."""
    today = datetime.now(WARSAW).date() + timedelta(days=days)
    return datetime(today.year, today.month, today.day, hour, tzinfo=WARSAW)


def workshop(capacity: int | None = 20, days: int = 10, **changes) -> dict:
    start = in_days(days)
    fields = {"id": EVENT_ID, "title": "Warsztaty z trenerem", "category": "workshop",
              "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat(),
              "registration": {"url": None, "required": True, "capacity": capacity}, "latitude": 50.79,
              "longitude": 19.14}
    return event_snapshot(**{**fields, **changes})


def worker(app) -> Worker:
    service = app.extensions["osl"]
    return Worker("notify", HANDLERS, service.database, InboxMessage, service.bus)


def publish_event(app, type_name: str = "event.published", **changes) -> dict:
    event = workshop(**changes)
    worker(app).handle("events", Envelope.new(type_name, {**event, **(
        {"changed_fields": ["registration"]} if type_name == "event.updated" else {})}))
    return event


def key_message(key_id: int, secret: str, organisation_id: int | None, scopes=("events",), revoked_at=None) -> dict:
    data = {"key_id": key_id, "prefix": secret[:8], "hash": hashlib.sha256(secret.encode()).hexdigest(),
            "scopes": list(scopes), "issued_at": "2026-11-01T10:00:00+00:00", "revoked_at": revoked_at}
    if organisation_id is not None:
        data["organisation_id"] = organisation_id
    return data


def give_keys(app) -> None:
    """The partners messages that issue an organisation key (of the event's organiser, 9), another organisation's
    key (8) and an admin key."""
    for type_name, data in (("organisation.api_key.issued", key_message(1, ORGANISATION_KEY, 9)),
                            ("organisation.api_key.issued", key_message(2, OTHER_KEY, 8)),
                            ("admin_key.issued", key_message(1, ADMIN_KEY, None, scopes=()))):
        worker(app).handle("partners-replica", Envelope.new(type_name, data))


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def resident(number: int, **changes) -> dict:
    return {"event_id": EVENT_ID, "name": f"Mieszkanka {number}", "email": f"osoba{number}@example.org",
            "people": 1, "consent": True, **changes}


def send_all(app) -> int:
    return Sender(app.extensions["osl"].database, app.config).send_due()


def one_place_three_residents(app):
    """One place and three residents registering for it, their mails sent: the first has the place, the other two
    wait. Returns the test client."""
    publish_event(app, capacity=1)
    client = app.test_client()
    for number in (1, 2, 3):
        client.post("/api/v1/registrations/", json=resident(number))
    send_all(app)
    return client


def registrations(app) -> list[Registration]:
    with app.extensions["osl"].database.session() as session:
        # seq counts within a date's places: two dates' first registrations share seq 1, the id says which came first
        return list(session.scalars(select(Registration).order_by(Registration.seq, Registration.id)))


def slots(app) -> list[RegistrationSlot]:
    with app.extensions["osl"].database.session() as session:
        return list(session.scalars(select(RegistrationSlot).order_by(RegistrationSlot.starts_at)))


def counts_messages(app) -> list[dict]:
    with app.extensions["osl"].database.session() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.type == "registration.counts")
                               .order_by(OutboxMessage.seq))
        return [json.loads(row.body)["data"] for row in rows]


def link(mail, purpose: str) -> str:
    text = mail.get_body(("plain",)).get_content()
    return re.search(rf"https://osl\.example(/registrations/{purpose}/\S+)", text).group(1)


def utc_key(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def staff_session(app, account_id: int, role: str = "admin", organisation_id: int | None = None) -> str:
    """A staff member signed in at partners, as notify hears of it over its partners queue: the account and the
    session messages. Returns the session id, the value of the browser's session cookie."""
    from services.messaging.staff import new_session_id, session_hash

    session_id, now = new_session_id(), datetime.now(UTC)
    account = {"id": account_id, "version": 1, "role": role, "organisation_id": organisation_id}
    started = {"session_hash": session_hash(session_id), "account_id": account_id, "started_at": now.isoformat(),
               "expires_at": (now + timedelta(hours=8)).isoformat()}
    for type_name, data in (("account.created", account), ("session.started", started)):
        worker(app).handle("partners-replica", Envelope.new(type_name, data))
    return session_id
