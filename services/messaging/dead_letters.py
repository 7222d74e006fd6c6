"""Looking into a consumer service's dead-letter queue, and sending its messages back to their handlers."""

import json
import time
from dataclasses import dataclass

from kombu import Consumer, Producer

from services.messaging.connection import connect
from services.messaging.consumer import ATTEMPT, ERROR, FAILED_AT, ORIGIN_QUEUE, RETRY_AT, republish
from services.messaging.settings import BusSettings
from services.messaging.topology import Topology


@dataclass(frozen=True)
class DeadLetter:
    message_id: str
    type: str
    queue: str
    error: str
    attempts: int
    failed_at: str

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def _describe(message) -> DeadLetter:
    headers = message.headers or {}
    try:
        raw = json.loads(message.body)
        message_id, type_name = str(raw.get("id", "?")), str(raw.get("type", "?"))
    except (ValueError, AttributeError):
        message_id, type_name = "?", "?"
    # A message RabbitMQ itself dead-lettered (its delivery limit: deploy/rabbitmq/definitions.json) names its queue
    # in x-first-death-queue instead of our header.
    queue = headers.get(ORIGIN_QUEUE) or headers.get("x-first-death-queue") or "?"
    return DeadLetter(message_id, type_name, str(queue), str(headers.get(ERROR, "")),
                      int(headers.get(ATTEMPT, 0)), str(headers.get(FAILED_AT, "")))


def _drain(connection, channel, queue, quiet_seconds: float = 1.0) -> list:
    """Take every message off ``queue`` without acking; they are held until acked or given back.

    This consumes rather than using ``basic.get``: on RabbitMQ 3.10 a ``basic.get`` on a quorum queue can fail
    with ``noproc`` (seen in CI), while a consumer is the path every handler already takes.
    """
    bound = queue(channel)
    _, expected, _ = bound.queue_declare(passive=True)
    held: list = []
    if not expected:
        return held
    consumer = Consumer(channel, queues=[bound], on_message=held.append, no_ack=False)
    with consumer:
        deadline = time.monotonic() + max(5.0, quiet_seconds)
        while len(held) < expected and time.monotonic() < deadline:
            try:
                connection.drain_events(timeout=quiet_seconds)
            except TimeoutError:
                continue
    return held


def count_dead_letters(channel, topology: Topology, service: str) -> int:
    """How many messages the dead-letter queue of ``service`` holds, without touching them."""
    _, count, _ = topology.dead_letter_queue(service)(channel).queue_declare(passive=True)
    return count


def list_dead_letters(settings: BusSettings, service: str) -> list[DeadLetter]:
    """What the dead-letter queue of ``service`` holds, oldest first; it is left as it was."""
    topology = Topology(settings)
    with connect(settings) as connection:
        channel = connection.channel()
        topology.declare_all(channel)
        held = _drain(connection, channel, topology.dead_letter_queue(service))
        letters = [_describe(message) for message in held]
        for message in held:
            message.requeue()
    return letters


def requeue(settings: BusSettings, service: str, message_ids: set[str] | None = None) -> int:
    """Send dead letters (all, or those whose envelope id is given) back to their queues for a fresh try."""
    topology = Topology(settings)
    count = 0
    with connect(settings) as connection:
        channel = connection.channel()
        topology.declare_all(channel)
        producer = Producer(connection.channel())
        for message in _drain(connection, channel, topology.dead_letter_queue(service)):
            letter = _describe(message)
            if (message_ids is not None and letter.message_id not in message_ids) or letter.queue == "?":
                message.requeue()
                continue
            headers = {k: v for k, v in (message.headers or {}).items()
                       if k not in (ATTEMPT, RETRY_AT, ERROR, ORIGIN_QUEUE, FAILED_AT)}
            republish(producer, message, letter.queue, headers)
            message.ack()
            count += 1
    return count
