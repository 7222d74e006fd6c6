"""What the bus tests share: a partners app that publishes districts, an events worker that replicates them."""

import json

from kombu import Producer
from marshmallow import validate
from sqlalchemy import func, select

from services.events.consumers import HANDLERS as EVENTS_HANDLERS
from services.events.models import District as ReplicaDistrict
from services.events.models import InboxMessage
from services.messaging.connection import connect
from services.messaging.consumer import Worker
from services.messaging.topology import Topology
from services.partners import operations


def create_districts(partners_app, count: int, prefix: str = "Dzielnica") -> list[str]:
    """Create ``count`` districts through the partners operations, one transaction each."""
    database = partners_app.extensions["osl"].database
    names = [f"{prefix} {index:04d} ąęłóśżź" for index in range(count)]
    for name in names:
        with database.session() as session:
            operations.create_district(session, name)
    return names


class CountingHandlers(dict):
    """The events service's real handlers, counting the calls that returned, with a switchable fault."""

    def __init__(self):
        self.calls = 0
        self.failing = False
        super().__init__({name: self._wrap(handler) for name, handler in EVENTS_HANDLERS.items()})

    def _wrap(self, handler):
        def counted(session, envelope):
            if self.failing:
                raise RuntimeError("the handler's dependency is down")
            handler(session, envelope)
            self.calls += 1

        return counted


def events_worker(events_app, handlers=None) -> Worker:
    service = events_app.extensions["osl"]
    return Worker("events", handlers or CountingHandlers(), service.database, InboxMessage, service.bus)


def inbox_count(events_app) -> int:
    with events_app.extensions["osl"].database.session() as session:
        return session.scalar(select(func.count()).select_from(InboxMessage))


def replica_names(events_app) -> list[str]:
    with events_app.extensions["osl"].database.session() as session:
        return sorted(session.scalars(select(ReplicaDistrict.name).where(ReplicaDistrict.deleted_at.is_(None))))


def publish_raw(settings, service: str, body: bytes, routing_key: str) -> None:
    """Put ``body`` on ``service``'s exchange as it is, unchecked: as a broken or foreign producer might."""
    topology = Topology(settings)
    with connect(settings) as connection:
        channel = connection.channel()
        topology.declare_all(channel)
        Producer(channel).publish(body, exchange=topology.exchange_name(service), routing_key=routing_key,
                                  content_type="application/cloudevents+json", content_encoding="utf-8")


def raw_envelope(type_name: str, data: dict, message_id: str | None = None) -> bytes:
    """A CloudEvents envelope around ``data``, whatever it holds (``Envelope.new`` would refuse a bad one)."""
    return json.dumps({"specversion": "1.0", "id": message_id or f"bad-{type_name}-{len(data)}",
                       "source": "/elsewhere", "type": type_name, "time": "2026-11-23T10:00:00+00:00",
                       "datacontenttype": "application/json", "data": data}).encode()


def field_bound(field) -> int | None:
    """The longest text a marshmallow field takes (its ``validate.Length`` max); None if unbounded."""
    bounds = [rule.max for rule in field.validators if isinstance(rule, validate.Length)]
    assert len(bounds) <= 1, f"{field.name} has {len(bounds)} length rules"
    return bounds[0] if bounds else None


def length_bound(schema, name: str) -> int | None:
    """The longest text a marshmallow schema's field ``name`` takes; None if unbounded."""
    return field_bound(schema.fields[name])
