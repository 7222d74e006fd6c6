"""The transactional outbox: messages written with the change they announce, published later by the relay."""

import fnmatch
import logging
import threading
import time
from datetime import UTC, datetime, timedelta

from kombu import Producer
from sqlalchemy import delete, select, update

from services.messaging.connection import connect, describe
from services.messaging.db import Database
from services.messaging.envelope import CONTENT_TYPE, Envelope
from services.messaging.registry import message_type
from services.messaging.settings import BusSettings
from services.messaging.topology import Topology

log = logging.getLogger(__name__)


def add_message(session, outbox_model, type_name: str, data: dict) -> Envelope:
    """Add a message to the outbox in the caller's transaction; raises if the type or data is invalid."""
    envelope = Envelope.new(type_name, data)
    session.add(outbox_model(message_id=envelope.id, type=envelope.type, body=envelope.to_json()))
    return envelope


class Relay:
    """Publishes pending outbox rows in order, with publisher confirms, and marks them published."""

    def __init__(self, database: Database, outbox_model, settings: BusSettings):
        self.database = database
        self.model = outbox_model
        self.settings = settings
        self.topology = Topology(settings)
        self.stopping = threading.Event()
        self._last_prune = 0.0

    def stop(self, *_args) -> None:
        self.stopping.set()

    def run(self) -> None:
        """Publish until stopped. A broker or database outage is waited out with backoff, never fatal."""
        delay = self.settings.poll_seconds
        while not self.stopping.is_set():
            try:
                with connect(self.settings) as connection:
                    connection.ensure_connection(max_retries=1, timeout=5)
                    producer = self._producer(connection)
                    log.info("relay connected to %s", describe(self.settings))
                    delay = self.settings.poll_seconds
                    self._publish_until_stopped(producer)
            except Exception as exc:  # the relay must outlive any outage; the next loop reconnects
                delay = min(max(delay * 2, 0.5), 30.0)
                log.warning("relay: %s: %s; retrying in %.1f s", type(exc).__name__, exc, delay)
                self.stopping.wait(delay)
        log.info("relay stopped")

    def _producer(self, connection) -> Producer:
        channel = connection.channel()
        self.topology.declare_all(channel)
        return Producer(channel)

    def _publish_until_stopped(self, producer: Producer) -> None:
        while not self.stopping.is_set():
            if self.publish_batch(producer) == 0:
                self._prune_now_and_then()
                self.stopping.wait(self.settings.poll_seconds)

    def _pending(self) -> list[tuple[int, str, str]]:
        model = self.model
        with self.database.session() as session:
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
        try:
            for seq, type_name, body in self._pending():
                self._publish(producer, type_name, body)
                published.append(seq)
        finally:
            # Rows confirmed before a failure are marked too, so a reconnect does not send them again.
            if published:
                with self.database.session() as session:
                    session.execute(
                        update(self.model).where(self.model.seq.in_(published)).values(published_at=datetime.now(UTC))
                    )
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
        """Publish already-published rows again (consumers' inboxes make that harmless); returns how many."""
        model = self.model
        query = select(model.type, model.body).where(model.published_at.is_not(None)).order_by(model.seq)
        if since is not None:
            query = query.where(model.created_at >= since)
        with self.database.session() as session:
            rows = [tuple(row) for row in session.execute(query)]
        rows = [row for row in rows if type_pattern is None or fnmatch.fnmatchcase(row[0], type_pattern)]
        with connect(self.settings) as connection:
            producer = self._producer(connection)
            for type_name, body in rows:
                self._publish(producer, type_name, body)
        return len(rows)
