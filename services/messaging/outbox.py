"""The transactional outbox: messages written with the change they announce, published later by the relay."""

import fnmatch
import json
import logging
import threading
import time
from datetime import UTC, datetime, timedelta

from kombu import Producer
from sqlalchemy import delete, select, update

from services.messaging.connection import connect, describe
from services.messaging.db import Database
from services.messaging.envelope import CONTENT_TYPE, Envelope
from services.messaging.faults import fault_of, reason
from services.messaging.metrics import FAULT_WAITS, PUBLISHED
from services.messaging.registry import message_type
from services.messaging.settings import BusSettings
from services.messaging.topology import Topology

log = logging.getLogger(__name__)


def add_message(session, outbox_model, type_name: str, data: dict) -> Envelope:
    """Add a message to the outbox in the caller's transaction; raises if the type or data is invalid."""
    envelope = Envelope.new(type_name, data)
    session.add(outbox_model(message_id=envelope.id, type=envelope.type, body=envelope.to_json()))
    return envelope


def scrubbed_body(type_name: str, body: str) -> str | None:
    """The row's body with its type's ``scrubbed`` fields blanked (null), or None when the type has none."""
    names = message_type(type_name).scrubbed
    if not names:
        return None
    envelope = json.loads(body)
    envelope["data"].update(dict.fromkeys(names))
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))


class Relay:
    """Publishes pending outbox rows in order, with publisher confirms, and marks them published."""

    def __init__(self, database: Database, outbox_model, settings: BusSettings, service: str = ""):
        self.database = database
        #: The service whose outbox this is, for the metrics' ``service`` label.
        self.service = service
        self.model = outbox_model
        self.settings = settings
        self.topology = Topology(settings)
        self.stopping = threading.Event()
        self._last_prune = 0.0
        #: Broker connections made so far: one, unless the broker went away.
        self.connections = 0
        #: What is down right now (``"database"``, ``"broker"``), or None.
        self.down: str | None = None
        self.backoff = settings.backoff()

    def stop(self, *_args) -> None:
        self.stopping.set()

    def run(self) -> None:
        """Publish until stopped. A broker or database outage is waited out with backoff, never fatal.

        The backoff grows across failures of any kind and starts over only once a message has been published: a
        broker that accepts connections while the database is down does not make the relay reconnect in a loop."""
        while not self.stopping.is_set():
            try:
                with connect(self.settings) as connection:
                    connection.ensure_connection(max_retries=1, timeout=5)
                    self.connections += 1
                    producer = self._producer(connection)
                    log.info("relay connected to %s", describe(self.settings))
                    self._publish_until_stopped(connection, producer)
            except Exception as exc:  # the relay must outlive any outage; the next loop reconnects
                self.down = fault_of(exc)
                delay = self.backoff.next()
                FAULT_WAITS.labels(self.service, "relay", self.down or "unexpected").inc()
                if self.down is None:  # not a known outage: worth its traceback
                    log.exception("relay: unexpected error, reconnecting in %.1f s", delay)
                else:
                    log.warning("relay: %s unavailable, reconnecting in %.1f s: %s", self.down, delay, reason(exc))
                self.stopping.wait(delay)
        log.info("relay stopped")

    def _producer(self, connection) -> Producer:
        channel = connection.channel()
        self.topology.declare_all(channel)
        return Producer(channel)

    def _publish_until_stopped(self, connection, producer: Producer) -> None:
        while not self.stopping.is_set():
            try:
                published = self.publish_batch(producer)
                if not published:
                    self._prune_now_and_then()
            except Exception as exc:
                if fault_of(exc) != "database":
                    raise
                # The broker connection stays up (and heartbeating) while the database is waited for.
                self.down = "database"
                delay = self.backoff.next()
                FAULT_WAITS.labels(self.service, "relay", "database").inc()
                log.warning("relay: database unavailable, trying again in %.1f s: %s", delay, reason(exc))
                self._idle(connection, delay)
                continue
            self.down = None
            if published:
                self.backoff.reset()
                continue
            self._idle(connection, self.settings.poll_seconds)

    def _idle(self, connection, seconds: float) -> None:
        """Wait, keeping an AMQP connection alive: read what the broker sends (its heartbeats) and send ours, so
        RabbitMQ does not close a connection that is merely quiet."""
        if self.settings.is_filesystem:
            self.stopping.wait(seconds)
            return
        deadline = time.monotonic() + seconds
        while not self.stopping.is_set() and (left := deadline - time.monotonic()) > 0:
            try:
                connection.drain_events(timeout=min(left, 1.0))
            except TimeoutError:
                pass
            connection.heartbeat_check()

    def _pending(self) -> list[tuple[int, str, str]]:
        model = self.model
        with self.database.session(read_only=True) as session:
            query = (
                select(model.seq, model.type, model.body)
                .where(model.published_at.is_(None))
                .order_by(model.seq)
                .limit(self.settings.relay_batch)
            )
            return [tuple(row) for row in session.execute(query)]

    def publish_batch(self, producer: Producer) -> int:
        """Publish one batch of pending rows; returns how many were published."""
        published: list[int] = []
        scrubbed: dict[int, str] = {}
        try:
            for seq, type_name, body in self._pending():
                self._publish(producer, type_name, body)
                published.append(seq)
                PUBLISHED.labels(self.service, type_name).inc()
                if (blanked := scrubbed_body(type_name, body)) is not None:
                    scrubbed[seq] = blanked
        finally:
            # Rows confirmed before a failure are marked too, so a reconnect does not send them again.
            if published:
                with self.database.session() as session:
                    session.execute(
                        update(self.model).where(self.model.seq.in_(published)).values(published_at=datetime.now(UTC))
                    )
                    for seq, blanked in scrubbed.items():
                        session.execute(update(self.model).where(self.model.seq == seq).values(body=blanked))
        return len(published)

    def _publish(self, producer: Producer, type_name: str, body: str) -> None:
        producer.publish(
            body.encode(),
            exchange=self.topology.exchange_name(message_type(type_name).source),
            routing_key=type_name,
            content_type=CONTENT_TYPE,
            content_encoding="utf-8",
            delivery_mode=2,
            retry=False,
        )

    def _prune_now_and_then(self) -> None:
        if time.monotonic() - self._last_prune < 60:
            return
        self._last_prune = time.monotonic()
        self.prune()

    def prune(self) -> int:
        """Delete published rows older than the retention period; returns how many."""
        cutoff = datetime.now(UTC) - timedelta(days=self.settings.outbox_retention_days)
        with self.database.session() as session:
            result = session.execute(
                delete(self.model).where(self.model.published_at.is_not(None), self.model.published_at < cutoff)
            )
            return result.rowcount or 0

    def replay(self, since: datetime | None = None, type_pattern: str | None = None) -> int:
        """Publish already-published rows again (consumers' inboxes make that harmless); returns how many. A row
        whose type blanks fields once published (a mail's one-time link) is not sent again: it is no message now."""
        model = self.model
        query = select(model.type, model.body).where(model.published_at.is_not(None)).order_by(model.seq)
        if since is not None:
            query = query.where(model.created_at >= since)
        with self.database.session() as session:
            rows = [tuple(row) for row in session.execute(query)]
        rows = [row for row in rows if (type_pattern is None or fnmatch.fnmatchcase(row[0], type_pattern))
                and not message_type(row[0]).scrubbed]
        with connect(self.settings) as connection:
            producer = self._producer(connection)
            for type_name, body in rows:
                self._publish(producer, type_name, body)
        return len(rows)
