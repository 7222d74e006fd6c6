"""Bus benchmark: the outbox relay's publish rate next to raw kombu publish-with-confirm, and the latency from a
committed change to its handler, on the embedded bus (SQLite + filesystem) and on the servers (PostgreSQL +
RabbitMQ). Prints a table. Run with `make bench` (or `.venv/bin/python bench/bus.py --messages 2000`).
"""

import argparse
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from kombu import Producer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.events import create_app as create_events  # noqa: E402
from services.messaging.connection import connect  # noqa: E402
from services.messaging.consumer import Worker  # noqa: E402
from services.messaging.envelope import CONTENT_TYPE, Envelope  # noqa: E402
from services.messaging.outbox import add_message  # noqa: E402
from services.messaging.settings import BusSettings  # noqa: E402
from services.messaging.testing import PostgresDatabases, delete_topology, running, wait_until  # noqa: E402
from services.messaging.topology import Topology  # noqa: E402
from services.partners import create_app as create_partners  # noqa: E402
from services.partners.models import OutboxMessage  # noqa: E402

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def snapshot(index: int) -> dict:
    return {"id": index + 1, "name": f"Dzielnica {index} ąęłóśżź", "slug": f"dzielnica-{index}", "version": 1}


def raw_kombu_rate(bus: BusSettings, count: int) -> float:
    """Messages per second from a bare kombu producer, confirm per publish on AMQP."""
    topology = Topology(bus)
    bodies = [Envelope.new("district.created", snapshot(i)).to_json().encode() for i in range(count)]
    with connect(bus) as connection:
        channel = connection.channel()
        topology.declare_all(channel)
        producer = Producer(channel)
        started = time.perf_counter()
        for body in bodies:
            producer.publish(body, exchange=topology.exchange_name("partners"), routing_key="district.created",
                             content_type=CONTENT_TYPE, content_encoding="utf-8", delivery_mode=2, retry=False)
        return count / (time.perf_counter() - started)


def relay_rate(partners_app, count: int) -> float:
    """Messages per second through the relay: read from the outbox, publish with confirm, mark published."""
    service = partners_app.extensions["osl"]
    with service.database.session() as session:
        for i in range(count):
            add_message(session, OutboxMessage, "district.created", snapshot(i))
    relay = service.relay()
    with connect(service.bus) as connection:
        producer = relay._producer(connection)
        started = time.perf_counter()
        published = 0
        while published < count:
            published += relay.publish_batch(producer)
        return count / (time.perf_counter() - started)


def purge(bus: BusSettings) -> None:
    with connect(bus) as connection:
        channel = connection.channel()
        for name in Topology(bus).all_queue_names():
            channel.queue_purge(name)


def latency(partners_app, events_app, count: int, rate: float) -> tuple[float, float]:
    """p50 and p95 seconds from the commit of a change to the end of its handler in the events service."""
    committed: dict[str, float] = {}
    handled: dict[str, float] = {}
    service = partners_app.extensions["osl"]
    events = events_app.extensions["osl"]
    handlers = {"partners-replica": lambda session, envelope: handled.__setitem__(envelope.id, time.perf_counter())}
    worker = Worker("events", handlers, events.database, events.inbox_model, events.bus)
    with running(service.relay()), running(worker):
        for i in range(count):
            with service.database.session() as session:
                envelope = add_message(session, OutboxMessage, "district.updated", snapshot(i))
            committed[envelope.id] = time.perf_counter()
            time.sleep(1 / rate)
        wait_until(lambda: len(handled) >= count, timeout=120, message="every message handled")
    delays = sorted(handled[key] - committed[key] for key in committed)
    return statistics.median(delays), delays[int(len(delays) * 0.95) - 1]


def make_apps(stack: str, folder: Path):
    prefix = f"osl-bench-{uuid.uuid4().hex[:6]}"
    if stack == "embedded":
        bus = BusSettings(broker_url="filesystem://", bus_dir=folder / "bus", prefix=prefix)
        urls = {name: f"sqlite:///{folder / name}.db" for name in ("partners", "events")}
        databases = None
    else:
        bus = BusSettings(broker_url="amqp://guest:guest@127.0.0.1:5672//", prefix=prefix)
        databases = PostgresDatabases(POSTGRES, label="bench")
        urls = {name: databases.new(name) for name in ("partners", "events")}
    apps = []
    for name, factory in (("partners", create_partners), ("events", create_events)):
        app = factory({"DATABASE_URL": urls[name], "BUS": bus, "LOG_LEVEL": "WARNING"})
        app.extensions["osl"].upgrade_database()
        apps.append(app)
    return bus, apps, databases


def cleanup(bus: BusSettings, apps, databases: PostgresDatabases | None) -> None:
    for app in apps:
        app.extensions["osl"].database.dispose()
    if databases is not None:
        delete_topology(bus)
        databases.drop_all()


def run(stack: str, messages: int, latency_messages: int, rate: float) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        bus, apps, databases = make_apps(stack, Path(folder))
        try:
            raw = raw_kombu_rate(bus, messages)
            purge(bus)
            relayed = relay_rate(apps[0], messages)
            purge(bus)
            p50, p95 = latency(*apps, latency_messages, rate)
        finally:
            cleanup(bus, apps, databases)
    return {"stack": stack, "raw": raw, "relay": relayed, "ratio": relayed / raw, "p50": p50, "p95": p95}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=2000, help="messages per publish-rate run")
    parser.add_argument("--latency-messages", type=int, default=300, help="messages in the latency run")
    parser.add_argument("--rate", type=float, default=50.0, help="changes per second in the latency run")
    parser.add_argument("--stack", choices=["embedded", "servers", "both"], default="both")
    args = parser.parse_args()
    stacks = ["embedded", "servers"] if args.stack == "both" else [args.stack]
    results = [run(stack, args.messages, args.latency_messages, args.rate) for stack in stacks]
    print(f"\n{args.messages} messages per rate run; latency over {args.latency_messages} changes at {args.rate}/s\n")
    print("| stack | transport | raw kombu publish+confirm (msg/s) | relay (msg/s) | relay / raw | "
          "commit→handler p50 | p95 |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        transport = "filesystem + SQLite" if r["stack"] == "embedded" else "RabbitMQ + PostgreSQL"
        print(f"| {r['stack']} | {transport} | {r['raw']:.0f} | {r['relay']:.0f} | {r['ratio']:.2f} | "
              f"{r['p50'] * 1000:.0f} ms | {r['p95'] * 1000:.0f} ms |")


if __name__ == "__main__":
    threading.current_thread().name = "bench"
    main()
