"""The consumer base: inbox dedupe, retry with backoff, dead-lettering, clean stop.

A handler is ``handler(session, envelope)``. It runs inside a transaction that also records the message in the
inbox; the message is acked only after that commit, so a redelivered or replayed message is a no-op.

A fault that passes (the database down, locked or busy; see ``faults.py``) is not the message's fault: the message
is held and tried again with growing backoff for as long as the fault lasts, and never counts as an attempt. Only a
malformed message, or a handler error that repeats while the database answers, goes to the dead-letter queue.
"""

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from kombu import Producer
from kombu.mixins import ConsumerProducerMixin
from sqlalchemy.exc import IntegrityError

from services.messaging.connection import connect
from services.messaging.correlation import correlation
from services.messaging.db import Database
from services.messaging.envelope import CONTENT_TYPE, Envelope, parse
from services.messaging.faults import fault_of, reason
from services.messaging.metrics import DEAD_LETTERED, FAULT_WAITS, HANDLED, RETRIED
from services.messaging.registry import MessageError
from services.messaging.settings import BusSettings
from services.messaging.topology import Topology

log = logging.getLogger(__name__)

ATTEMPT = "x-osl-attempt"
RETRY_AT = "x-osl-retry-at"
ORIGIN_QUEUE = "x-osl-queue"
ERROR = "x-osl-error"
FAILED_AT = "x-osl-failed-at"

Handler = Callable[..., None]


def republish(producer: Producer, message, queue_name: str, headers: dict) -> None:
    """Send ``message``'s body, byte for byte, straight to ``queue_name`` through the default exchange."""
    producer.publish(
        message.body,
        exchange="",
        routing_key=queue_name,
        headers=headers,
        content_type=message.content_type or CONTENT_TYPE,
        content_encoding=message.content_encoding or "utf-8",
        delivery_mode=2,
        retry=True,
        retry_policy={"max_retries": 5, "interval_start": 0.5, "interval_step": 1},
    )


class Worker(ConsumerProducerMixin):
    """Consumes every handler queue of one service."""

    def __init__(self, service: str, handlers: dict[str, Handler], database: Database, inbox_model,
                 settings: BusSettings):
        self.service = service
        self.handlers = handlers
        self.database = database
        self.inbox = inbox_model
        self.settings = settings
        self.topology = Topology(settings)
        self.subscriptions = self.topology.subscriptions_of(service)
        declared = {sub.handler for sub in self.subscriptions}
        if declared != set(handlers):
            raise ValueError(f"{service}: handlers {sorted(handlers)} do not match the topology's {sorted(declared)}")
        self.connection = connect(settings)
        self._last_prune = time.monotonic()
        #: Messages received, handled or not: what tests and metrics watch.
        self.deliveries = 0
        #: What is down right now (``"database"``, ``"broker"``), or None; and how many waits for a fault so far.
        self.down: str | None = None
        self.fault_retries = 0
        #: Broker connections made so far: one, unless the broker went away.
        self.connections = 0
        self.backoff = settings.backoff()
        self._last_beat = time.monotonic()
        self._last_dead_letter_check = 0.0
        self._channel = None

    def stop(self, *_args) -> None:
        """Finish the message in hand, then leave ``run()``."""
        self.should_stop = True

    def get_consumers(self, Consumer, channel):
        self._channel = channel  # of the connection kombu's loop opened (a clone of self.connection)
        self.topology.declare_all(channel)
        consumers = []
        for sub in self.subscriptions:
            queue = self.topology.queue(sub)

            def on_message(message, handler=sub.handler, queue_name=queue.name):
                self.on_message(handler, queue_name, message)

            consumers.append(Consumer(queues=[queue], on_message=on_message, prefetch_count=1))
        return consumers

    def on_message(self, handler_name: str, queue_name: str, message) -> None:
        self.deliveries += 1
        headers = message.headers or {}
        attempt = int(headers.get(ATTEMPT, 1))
        try:
            envelope = parse(message.body)
        except MessageError as exc:
            log.error("%s: malformed message goes to the dead-letter queue: %s", queue_name, exc)
            self.dead_letter(message, queue_name, f"malformed: {exc}", attempt)
            return
        with correlation(envelope.correlationid):
            if not self._wait_until(float(headers.get(RETRY_AT, 0))):
                message.requeue()  # stopping: give it back untouched
                return
            while True:
                try:
                    handled = self.handle(handler_name, envelope)
                except MessageError as exc:  # a type no handler of this queue takes (a replay, a requeue)
                    log.error("%s: %s %s goes to the dead-letter queue: %s", queue_name, envelope.type, envelope.id,
                              exc)
                    self.dead_letter(message, queue_name, f"malformed: {exc}", attempt)
                    return
                except Exception as exc:
                    if (fault := fault_of(exc)) is None:
                        self.on_failure(message, queue_name, envelope, attempt, exc)
                        return
                    if not self._wait_out(fault, exc, queue_name, envelope):
                        message.requeue()
                        return
                    continue
                break
            if self.down is not None:
                log.info("%s: the %s answers again", queue_name, self.down)
            self.down = None
            self.backoff.reset()
            message.ack()
            HANDLED.labels(self.service, queue_name, "handled" if handled else "duplicate").inc()
            if handled:
                log.debug("%s handled %s %s", handler_name, envelope.type, envelope.id)

    def _wait_out(self, fault: str, exc: Exception, queue_name: str, envelope: Envelope) -> bool:
        """Hold the message through a fault: one log line, then a growing wait; False if asked to stop meanwhile."""
        self.down = fault
        self.fault_retries += 1
        FAULT_WAITS.labels(self.service, "consumer", fault).inc()
        delay = self.backoff.next()
        log.warning("%s: %s unavailable, %s %s waits %.1f s and is tried again (not counted as an attempt): %s",
                    queue_name, fault, envelope.type, envelope.id, delay, reason(exc))
        return self._wait_until(time.time() + delay)

    def handle(self, handler_name: str, envelope: Envelope) -> bool:
        """Run the handler and record the message in one transaction; False if it was handled before."""
        key = (envelope.id, handler_name)
        try:
            with self.database.session() as session:
                if session.get(self.inbox, key) is not None:
                    return False
                self.handlers[handler_name](session, envelope)
                session.add(self.inbox(message_id=envelope.id, handler=handler_name, type=envelope.type))
        except IntegrityError:
            # Another consumer may have handled a redelivered copy at the same moment.
            with self.database.session() as session:
                if session.get(self.inbox, key) is not None:
                    return False
            raise
        return True

    def on_failure(self, message, queue_name: str, envelope: Envelope, attempt: int, exc: Exception) -> None:
        error = f"{type(exc).__name__}: {exc}"
        if attempt >= self.settings.max_attempts:
            log.error("%s: %s %s failed %d times, dead-lettered: %s", queue_name, envelope.type, envelope.id,
                      attempt, error)
            self.dead_letter(message, queue_name, error, attempt)
            return
        delay = self.settings.retry_delay(attempt)
        log.warning("%s: %s %s failed (try %d of %d), retrying in %.1f s: %s", queue_name, envelope.type,
                    envelope.id, attempt, self.settings.max_attempts, delay, error)
        headers = dict(message.headers or {}, **{ATTEMPT: attempt + 1, RETRY_AT: time.time() + delay, ERROR: error})
        republish(self.producer, message, queue_name, headers)
        message.ack()
        RETRIED.labels(self.service, queue_name).inc()

    def dead_letter(self, message, queue_name: str, error: str, attempt: int) -> None:
        headers = dict(message.headers or {})
        headers.pop(RETRY_AT, None)
        headers.update({ORIGIN_QUEUE: queue_name, ERROR: error[:2000], ATTEMPT: attempt,
                        FAILED_AT: datetime.now(UTC).isoformat()})
        republish(self.producer, message, self.topology.dead_letter_queue(self.service).name, headers)
        message.ack()
        DEAD_LETTERED.labels(self.service, queue_name).inc()

    def _wait_until(self, moment: float) -> bool:
        """Sleep until ``moment`` (a retry's backoff); False if asked to stop meanwhile."""
        while (left := moment - time.time()) > 0:
            if self.should_stop:
                return False
            self._keep_alive()
            time.sleep(min(left, 0.2))
        return True

    def _keep_alive(self) -> None:
        """Send AMQP heartbeats while a message is held, so RabbitMQ does not close an idle-looking connection.

        Only sending: reading would deliver other messages into this callback. kombu's own ``heartbeat_check``
        runs again, with the frames received meanwhile, once the held message is done."""
        if self.settings.is_filesystem or self._channel is None:
            return
        if time.monotonic() - self._last_beat >= self.settings.heartbeat_seconds / 3:
            self._last_beat = time.monotonic()
            try:
                self._channel.connection.send_heartbeat()
            except Exception as exc:  # the connection is gone: the ack will fail and the message come back
                log.warning("consumer: could not send a heartbeat: %s", reason(exc))

    def on_iteration(self) -> None:
        if self.settings.is_filesystem and time.monotonic() - self._last_prune > 300:
            self._last_prune = time.monotonic()
            prune_processed(self.settings.bus_dir / "processed", max_age_seconds=86400)
        if time.monotonic() - self._last_dead_letter_check >= self.settings.dead_letter_log_seconds:
            self._last_dead_letter_check = time.monotonic()
            self._log_dead_letters()

    def _log_dead_letters(self) -> None:
        from services.messaging.dead_letters import count_dead_letters  # it imports this module

        count = count_dead_letters(self._channel, self.topology, self.service)
        if count:
            log.warning("%s: %d message(s) in the dead-letter queue %s; see `dead-letters list`", self.service,
                        count, self.topology.dead_letter_queue(self.service).name)

    def on_connection_revived(self) -> None:
        self.connections += 1
        if self.down == "broker":
            log.info("consumer: the broker answers again")
            self.down = None

    def on_connection_error(self, exc, interval) -> None:
        # kombu's default logs a traceback for every attempt; one line says as much.
        log.warning("consumer: broker unavailable, reconnecting in %.1f s: %s", interval, reason(exc))

    def run(self, _tokens=1, **kwargs) -> None:
        """kombu's loop, with one line per lost connection instead of a traceback."""
        errors = self.connection.connection_errors + self.connection.channel_errors
        while not self.should_stop:
            try:
                for _ in self.consume(limit=None, **kwargs):
                    pass
            except errors as exc:
                self.down = "broker"
                delay = self.backoff.next()
                log.warning("consumer: lost the broker connection, reconnecting in %.1f s: %s", delay, reason(exc))
                self._wait_until(time.time() + delay)


def prune_processed(folder: Path, max_age_seconds: float) -> None:
    """Remove the filesystem transport's copies of messages consumed long ago."""
    cutoff = time.time() - max_age_seconds
    for path in folder.glob("*.msg"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:
            pass
