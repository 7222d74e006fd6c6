"""Every exchange and queue name, derived here and nowhere else.

Each source service has one durable topic exchange, ``<prefix>.<service>``; the routing key is the message type.
Each consumer service has one queue per handler, ``<prefix>.<consumer>.<handler>``, bound to what its handlers
declare in the service's ``consumers.py``, and one dead-letter queue, ``<prefix>.<consumer>.dead-letter``. Relays
and consumers both declare the whole topology when they connect, so a message published before its consumer first
started still waits for it.
"""

import functools
import importlib
from dataclasses import dataclass

from kombu import Exchange, Queue, binding

from services.messaging import messages  # noqa: F401  (fills the registry)
from services.messaging.handlers import Handlers, pattern_matches
from services.messaging.registry import all_types
from services.messaging.settings import BusSettings

SERVICES = ("partners", "events", "notify")
#: Deliveries of one message (a consumer that died or was stopped holding it) before RabbitMQ moves it to the
#: consumer's dead-letter queue. The consumer's own retries republish (a new delivery count); this limit catches only
#: a message that kills its consumer, again and again.
DELIVERY_LIMIT = 20


@dataclass(frozen=True)
class Subscription:
    #: The service whose handler consumes.
    consumer: str
    #: The handler's name, unique within the consumer; it names the queue.
    handler: str
    #: The service whose exchange the messages come from.
    source: str
    #: AMQP topic patterns over message types (``*`` is one word, ``#`` any number).
    routing_keys: tuple[str, ...]


#: The module of each service that consumes; its ``handlers`` table (services/messaging/handlers.py) declares the
#: queues and what each takes.
CONSUMERS = {"events": "services.events.consumers", "notify": "services.notify.consumers",
             "programme": "services.programme.consumers", "partners": "services.partners.consumers"}


def _check(subscriptions: tuple[Subscription, ...]) -> None:
    seen = set()
    for sub in subscriptions:
        if (sub.consumer, sub.handler) in seen:
            raise ValueError(f"handler {sub.consumer}/{sub.handler} is declared twice")
        seen.add((sub.consumer, sub.handler))
        for key in sub.routing_keys:
            sources = {kind.source for kind in all_types().values() if pattern_matches(key, kind.name)}
            if sources != {sub.source}:
                raise ValueError(f"{sub.consumer}/{sub.handler}: {key!r} must match types of {sub.source} only")
            private = sorted(kind.name for kind in all_types().values() if pattern_matches(key, kind.name)
                             and kind.private_to and sub.consumer not in kind.private_to)
            if private:
                raise ValueError(f"{sub.consumer}/{sub.handler}: {key!r} takes {private}, private to other services")


def subscriptions_of_table(table: Handlers) -> tuple[Subscription, ...]:
    """The queues a consumer's handlers declare, each bound to its source's exchange with their types and patterns."""
    subscriptions = []
    for queue, keys in table.queues().items():
        sources = sorted({kind.source for kind in all_types().values() if any(pattern_matches(key, kind.name)
                                                                               for key in keys)})
        if len(sources) != 1:
            raise ValueError(f"{table.consumer}/{queue}: takes types of {sources}; a queue reads one exchange")
        subscriptions.append(Subscription(table.consumer, queue, sources[0], keys))
    return tuple(subscriptions)


@functools.cache
def subscriptions() -> tuple[Subscription, ...]:
    """Every queue of the installation, from the consumers' declarations (loaded on first use)."""
    found = tuple(sub for module in CONSUMERS.values()
                  for sub in subscriptions_of_table(importlib.import_module(module).handlers))
    _check(found)
    return found


class Topology:
    """The names and kombu entities of one installation (one prefix) on one transport."""

    def __init__(self, settings: BusSettings):
        self.settings = settings
        self.prefix = settings.prefix

    def exchange_name(self, source: str) -> str:
        return f"{self.prefix}.{source}"

    def exchange(self, source: str) -> Exchange:
        return Exchange(self.exchange_name(source), type="topic", durable=True)

    def _queue_arguments(self) -> dict:
        # Quorum queues replicate across a RabbitMQ cluster; the filesystem transport ignores arguments anyway.
        return {} if self.settings.is_filesystem else {"x-queue-type": "quorum"}

    def queue_name(self, consumer: str, handler: str) -> str:
        return f"{self.prefix}.{consumer}.{handler}"

    def queue(self, sub: Subscription) -> Queue:
        exchange = self.exchange(sub.source)
        return Queue(
            self.queue_name(sub.consumer, sub.handler),
            bindings=[binding(exchange, routing_key=key) for key in sub.routing_keys],
            durable=True,
            queue_arguments=self._queue_arguments(),
        )

    def dead_letter_queue(self, consumer: str) -> Queue:
        return Queue(
            f"{self.prefix}.{consumer}.dead-letter", durable=True, queue_arguments=self._queue_arguments()
        )

    def subscriptions_of(self, consumer: str) -> tuple[Subscription, ...]:
        return tuple(sub for sub in subscriptions() if sub.consumer == consumer)

    def declare_all(self, channel) -> None:
        """Declare every exchange, handler queue and dead-letter queue of the installation."""
        for source in SERVICES:
            self.exchange(source)(channel).declare()
        for sub in subscriptions():
            self.queue(sub)(channel).declare()
        for consumer in {sub.consumer for sub in subscriptions()}:
            self.dead_letter_queue(consumer)(channel).declare()

    def definitions(self, vhost: str = "/") -> dict:
        """The topology as RabbitMQ's definitions file has it (deploy/rabbitmq/definitions.json): every exchange and
        quorum queue with its bindings, declared before any process starts, and a policy per consumer that moves a
        message redelivered ``DELIVERY_LIMIT`` times to that consumer's dead-letter queue."""
        consumers = sorted({sub.consumer for sub in subscriptions()})
        queues = [{"name": name, "vhost": vhost, "durable": True, "auto_delete": False,
                   "arguments": {"x-queue-type": "quorum"}} for name in self.all_queue_names()]
        bindings = [{"source": self.exchange_name(sub.source), "vhost": vhost, "destination_type": "queue",
                     "destination": self.queue_name(sub.consumer, sub.handler), "routing_key": key, "arguments": {}}
                    for sub in subscriptions() for key in sub.routing_keys]
        policies = [{"name": f"{self.prefix}-{consumer}-dead-letters", "vhost": vhost, "apply-to": "queues",
                     "priority": 10, "pattern": rf"^{self.prefix}\.{consumer}\.(?!dead-letter$)",
                     "definition": {"delivery-limit": DELIVERY_LIMIT, "dead-letter-exchange": "",
                                    "dead-letter-routing-key": self.dead_letter_queue(consumer).name,
                                    "dead-letter-strategy": "at-least-once", "overflow": "reject-publish"}}
                    for consumer in consumers]
        exchanges = [{"name": self.exchange_name(source), "vhost": vhost, "type": "topic", "durable": True,
                      "auto_delete": False, "internal": False, "arguments": {}} for source in SERVICES]
        return {"exchanges": exchanges, "queues": queues, "bindings": bindings, "policies": policies}

    def all_queue_names(self) -> list[str]:
        names = [self.queue_name(sub.consumer, sub.handler) for sub in subscriptions()]
        return names + sorted({self.dead_letter_queue(sub.consumer).name for sub in subscriptions()})


def write_definitions(root) -> None:
    """Write the broker's definitions files from the handlers' registrations: ``deploy/k8s/rabbitmq-topology.json``
    whole, and the topology part of ``deploy/rabbitmq/definitions.json`` (its vhost, user and permissions kept)."""
    import json
    from pathlib import Path

    root = Path(root)
    expected = Topology(BusSettings(broker_url="amqp://guest:guest@127.0.0.1:5672//", prefix="osl")).definitions()
    compose_path = root / "deploy/rabbitmq/definitions.json"
    compose = {**json.loads(compose_path.read_text()), **expected}
    for path, content in ((root / "deploy/k8s/rabbitmq-topology.json", expected), (compose_path, compose)):
        path.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":  # python -m services.messaging.topology: after a handler's queue changes
    write_definitions(".")
