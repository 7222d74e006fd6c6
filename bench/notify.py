"""Notify benchmark: fan-out of one event to many subscribers through SMTP, next to raw smtplib sending the same
messages to the same local aiosmtpd sink, with one and with two sender processes; and the latency from an event
message on the bus to its e-mail accepted by SMTP, on RabbitMQ + PostgreSQL and on the embedded bus + SQLite.

The events service is stood in for: the event message is published straight to its exchange (as its relay would),
so the latency leaves out the events service's own outbox relay (about one polling interval, 0.1 s).
Run: `.venv/bin/python bench/notify.py --subscribers 10000`. Prints a table.

Late comers (`--part late-comers` runs only these): a partnership's list of member contacts arriving while 5,000
public events and the partnership's 3 meetings lie ahead, on SQLite and PostgreSQL: the meetings found by the copies'
indexed ``partnership_id`` (services/notify/meetings.py) against the naive way written here (every copy ahead read,
its snapshot filtered in Python); the finding alone and the whole handling of a list (every member already told).
"""

import argparse
import os
import signal
import smtplib
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from aiosmtpd.controller import Controller
from kombu import Producer
from sqlalchemy import insert, or_, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.messaging.connection import connect  # noqa: E402
from services.messaging.envelope import CONTENT_TYPE, Envelope  # noqa: E402
from services.messaging.models import utcnow  # noqa: E402
from services.messaging.settings import BusSettings  # noqa: E402
from services.messaging.testing import PostgresDatabases, delete_topology, wait_until  # noqa: E402
from services.messaging.topology import Topology  # noqa: E402
from services.notify import create_app, meetings  # noqa: E402
from services.notify.consumers import _remember  # noqa: E402
from services.notify.mail.compose import build_message, new_message_id  # noqa: E402
from services.notify.models import EventCopy, Membership, Subscriber  # noqa: E402
from services.notify.tokens import links  # noqa: E402
from tests.ports import free_port  # noqa: E402

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
RABBITMQ = "amqp://guest:guest@127.0.0.1:5672//"


class Sink:
    """Counts accepted messages."""

    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
        return "250 OK"


def smtp_sink(handler) -> Controller:
    """A local aiosmtpd server on a free port, started, handing each mail to ``handler``."""
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller


@contextmanager
def mail_bench(sink, label: str):
    """What a mail benchmark runs on: ``sink`` as a local SMTP server (:func:`smtp_sink`), fresh PostgreSQL databases
    (``label`` in their names) and a temporary folder. Yields ``(controller, databases, folder)``; stops the server,
    drops the databases and removes the folder after."""
    controller = smtp_sink(sink)
    databases = PostgresDatabases(POSTGRES, label=label)
    try:
        with tempfile.TemporaryDirectory() as folder:
            yield controller, databases, folder
    finally:
        controller.stop()
        databases.drop_all()


def event(title: str) -> dict:
    return {
        "id": str(uuid.uuid4()), "version": 1, "sequence": 0, "title": title,
        "description": "Spotkanie dla sąsiadów: herbata, ciasto i rozmowa o dzielnicy.",
        "starts_at": "2026-12-05T15:00:00+01:00", "ends_at": "2026-12-05T18:00:00+01:00",
        "timezone": "Europe/Warsaw", "all_day": False, "rrule": None, "exdates": [],
        "district_id": 1, "district_name": "Raków", "district_slug": "rakow", "centre_id": None,
        "centre_name": None, "centre_slug": None, "organisation_id": 1, "organisation_name": "MOPS",
        "organisation_slug": "mops", "partnership_id": None, "partnership_name": None, "meeting_id": None,
        "visibility": "public", "audiences": ["everyone"], "category": "picnic", "location": "ul. Łukasińskiego 40",
        "latitude": None, "longitude": None, "url": None, "contact": None, "accessibility": None,
        "registration": {"url": None, "required": False, "capacity": None}, "status": "scheduled",
        "created_at": "2026-11-23T10:00:00+00:00", "updated_at": "2026-11-23T10:00:00+00:00", "cancelled_at": None,
    }


def raw_smtplib_rates(app, port: int, count: int) -> tuple[float, float]:
    """Messages per second from bare smtplib over one connection, the messages built beforehand: with
    ``send_message`` (which flattens each message as it sends it), and with ``sendmail`` of bytes flattened before
    the clock starts (a stricter baseline: nothing but SMTP)."""
    snapshot = event("Piknik sąsiedzki")
    messages = [build_message(app.config, kind="published", language="pl", to=f"s{i}@example.org",
                              links=links(app.config, f"k{i}"), payload={"event": snapshot},
                              message_id=new_message_id("osl.example")) for i in range(count)]
    flattened = [(f"s{i}@example.org", message.as_bytes()) for i, message in enumerate(messages)]
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        started = time.perf_counter()
        for message in messages:
            smtp.send_message(message)
        send_message = count / (time.perf_counter() - started)
        started = time.perf_counter()
        for to, data in flattened:
            smtp.sendmail("powiadomienia@osl.example", [to], data)
        return send_message, count / (time.perf_counter() - started)


def add_subscribers(app, count: int) -> None:
    rows = [dict(key=uuid.uuid4().hex, email=f"s{i}@example.org", status="confirmed", districts=[], audiences=[],
                 frequency="immediate", reminders=False, language="pl", consent_version="2026-11-23",
                 consent_text="bench", consent_at=utcnow(), created_at=utcnow()) for i in range(count)]
    with app.extensions["osl"].database.session() as session:
        session.execute(insert(Subscriber), rows)


def process_env(database_url: str, bus: BusSettings, port: int, data_dir: str) -> dict:
    return dict(os.environ, NOTIFY_DATABASE_URL=database_url, BROKER_URL=bus.broker_url,
                OSL_BUS_DIR=str(bus.bus_dir), OSL_BUS_PREFIX=bus.prefix, OSL_DATA_DIR=data_dir,
                SMTP_HOST="127.0.0.1", SMTP_PORT=str(port), NOTIFY_SEND_POLL_SECONDS="0.05",
                OSL_POLL_SECONDS="0.05", LOG_LEVEL="WARNING", NOTIFY_SECRET_KEY="bench-secret")


def start(command: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "services.notify", command], cwd=ROOT, env=env)


def stop(processes) -> None:
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        process.wait(timeout=60)


def publish(bus: BusSettings, snapshot: dict) -> float:
    topology = Topology(bus)
    body = Envelope.new("event.published", snapshot).to_json().encode()
    with connect(bus) as connection:
        channel = connection.channel()
        topology.declare_all(channel)
        started = time.perf_counter()
        Producer(channel).publish(body, exchange=topology.exchange_name("events"), routing_key="event.published",
                                  content_type=CONTENT_TYPE, content_encoding="utf-8", delivery_mode=2)
        return started


def fan_out_rate(app, bus, sink, port, count: int, senders: int, data_dir: str) -> float:
    """Notices per second from one event message to ``count`` mails accepted, with ``senders`` sender processes."""
    env = process_env(app.config["DATABASE_URL"], bus, port, data_dir)
    processes = [start("consume", env)] + [start("send", env) for _ in range(senders)]
    try:
        time.sleep(3)  # let the processes connect
        before = sink.count
        started = publish(bus, event(f"Fan-out {senders}"))
        wait_until(lambda: sink.count - before >= count, timeout=3600, interval=0.01, message="every notice sent")
        return count / (time.perf_counter() - started)
    finally:
        stop(processes)


def latency(app, bus, sink, port, events: int, data_dir: str) -> tuple[float, float]:
    """p50 and p95 seconds from an event message published to its one notice accepted by SMTP."""
    env = process_env(app.config["DATABASE_URL"], bus, port, data_dir)
    processes = [start("consume", env), start("send", env)]
    delays = []
    try:
        time.sleep(3)
        for _ in range(events):
            before = sink.count
            started = publish(bus, event(f"Latency {uuid.uuid4().hex}"))
            wait_until(lambda before=before: sink.count > before, timeout=60, interval=0.002, message="the notice")
            delays.append(time.perf_counter() - started)
            time.sleep(0.05)
    finally:
        stop(processes)
    delays.sort()
    return statistics.median(delays), delays[int(0.95 * (len(delays) - 1))]


def naive_meetings_ahead(session, partnership_id: int) -> list[dict]:
    """The way before the copies had a ``partnership_id``: every copy ahead read, its snapshot filtered in Python."""
    ahead = session.scalars(select(EventCopy).where(or_(EventCopy.starts_at > utcnow(), EventCopy.recurring.is_(True))))
    return [copy.snapshot for copy in ahead if copy.snapshot.get("meeting_id") is not None
            and copy.snapshot.get("partnership_id") == partnership_id and copy.snapshot.get("status") != "cancelled"]


def add_city(app, events: int, meeting_count: int) -> None:
    """``events`` public events ahead, and ``meeting_count`` meetings ahead of partnership 5 with three members, each
    copy written as an event message writes it."""
    ahead = {"starts_at": "2036-12-05T15:00:00+01:00", "ends_at": "2036-12-05T18:00:00+01:00"}
    with app.extensions["osl"].database.session() as session:
        for i in range(events):
            _remember(session, {**event(f"Wydarzenie {i}"), **ahead})
        for i in range(meeting_count):
            _remember(session, {**event(f"Spotkanie {i}"), **ahead, "meeting_id": i + 1, "partnership_id": 5,
                                "partnership_name": "Partnerstwo", "visibility": "partnership", "audiences": []})
        session.add_all(Membership(id=i, partnership_id=5, member_kind="person", joined_on=date(2026, 1, 1),
                                   version=1) for i in (1, 2, 3))


def contact_list(app, version: int) -> None:
    """Partners' list of the three members' addresses, a newer version each time, handled as its consumer does."""
    data = {"partnership_id": 5, "version": version,
            "contacts": [{"membership_id": i, "email": f"czlonek{i}@example.org"} for i in (1, 2, 3)]}
    with app.extensions["osl"].database.session() as session:
        meetings.apply_contacts(session, Envelope.new("member_contacts.replaced", data))


def late_comers(database_url: str, events: int, meeting_count: int, runs: int) -> list[tuple]:
    """Median milliseconds of finding the meetings ahead and of handling a list, naive and by the indexed column."""
    app = notify_app(database_url, BusSettings(broker_url="memory://", prefix="osl-bench"))
    add_city(app, events, meeting_count)
    contact_list(app, 1)  # the members told of the meetings: the lists measured change nothing
    database, version, found, handled = app.extensions["osl"].database, 1, {}, {}
    indexed = meetings.meetings_ahead
    for name, finder in (("naive", naive_meetings_ahead), ("indexed", indexed)):
        with database.session() as session:
            assert len(finder(session, 5)) == meeting_count
            times = []
            for _ in range(runs):
                session.expunge_all()
                started = time.perf_counter()
                finder(session, 5)
                times.append(time.perf_counter() - started)
        found[name] = statistics.median(times) * 1000
        meetings.meetings_ahead, times = finder, []
        try:
            for _ in range(runs):
                version += 1
                started = time.perf_counter()
                contact_list(app, version)
                times.append(time.perf_counter() - started)
        finally:
            meetings.meetings_ahead = indexed
        handled[name] = statistics.median(times) * 1000
    database.dispose()
    return [(f"find the meetings ahead ({events:,} events, {meeting_count} meetings)", found),
            ("handle a list of member contacts", handled)]


def notify_app(database_url: str, bus: BusSettings):
    app = create_app({"DATABASE_URL": database_url, "BUS": bus, "SECRET_KEY": "bench-secret",
                      "PUBLIC_HOST": "osl.example", "LOG_LEVEL": "WARNING"})
    app.extensions["osl"].upgrade_database()
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10000)
    parser.add_argument("--latency-events", type=int, default=50)
    parser.add_argument("--part", choices=("all", "notices", "late-comers"), default="all")
    parser.add_argument("--events", type=int, default=5000, help="late comers: public events ahead")
    parser.add_argument("--meetings", type=int, default=3, help="late comers: the partnership's meetings ahead")
    parser.add_argument("--runs", type=int, default=15, help="late comers: runs of each, the median shown")
    args = parser.parse_args()
    if args.part != "notices":
        print_late_comers(args)
    if args.part == "late-comers":
        return
    sink = Sink()
    rows = []
    with mail_bench(sink, "bench") as (controller, databases, folder):
        bus = BusSettings(broker_url=RABBITMQ, prefix=f"osl-bench-{uuid.uuid4().hex[:6]}", poll_seconds=0.05)
        app = notify_app(databases.new("notify"), bus)
        raw, raw_bytes = raw_smtplib_rates(app, controller.port, min(args.subscribers, 5000))
        add_subscribers(app, args.subscribers)
        one = fan_out_rate(app, bus, sink, controller.port, args.subscribers, 1, folder)
        two = fan_out_rate(app, bus, sink, controller.port, args.subscribers, 2, folder)
        rows.append(("fan-out, 1 sender / raw smtplib `send_message`",
                     f"{one / raw:.2f} ({one:,.0f} vs {raw:,.0f} msg/s)", "≥ 0.5"))
        rows.append(("fan-out, 1 sender / raw smtplib `sendmail` of pre-flattened bytes",
                     f"{one / raw_bytes:.2f} ({one:,.0f} vs {raw_bytes:,.0f} msg/s)", "(stricter)"))
        rows.append(("fan-out with a second sender process", f"{two:,.0f} vs {one:,.0f} msg/s", "higher"))
        delete_topology(bus)

        servers = notify_app(databases.new("notify"), BusSettings(
            broker_url=RABBITMQ, prefix=f"osl-bench-{uuid.uuid4().hex[:6]}", poll_seconds=0.05))
        add_subscribers(servers, 1)
        p50, p95 = latency(servers, servers.config["BUS"], sink, controller.port, args.latency_events, folder)
        rows.append(("latency RabbitMQ + PostgreSQL, p50 / p95", f"{p50 * 1000:.0f} / {p95 * 1000:.0f} ms",
                     "p50 ≤ 500 ms"))
        delete_topology(servers.config["BUS"])

        embedded_bus = BusSettings(broker_url="filesystem://", bus_dir=Path(folder) / "bus",
                                   prefix="osl-bench", poll_seconds=0.1)
        embedded = notify_app(f"sqlite:///{folder}/notify.db", embedded_bus)
        add_subscribers(embedded, 1)
        p50, p95 = latency(embedded, embedded_bus, sink, controller.port, args.latency_events, folder)
        rows.append(("latency filesystem bus + SQLite, p50 / p95", f"{p50 * 1000:.0f} / {p95 * 1000:.0f} ms",
                     "p50 ≤ 1,500 ms"))
    print(f"\n{args.subscribers:,} subscribers, {args.latency_events} latency events\n")
    print("| figure | measured | goal |\n|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def print_late_comers(args) -> None:
    databases = PostgresDatabases(POSTGRES, label="bench")
    rows = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            for label, url in (("SQLite", f"sqlite:///{folder}/late.db"), ("PostgreSQL", databases.new("notify"))):
                rows += [(label, figure, times) for figure, times in late_comers(url, args.events, args.meetings,
                                                                                   args.runs)]
    finally:
        databases.drop_all()
    print(f"\nLate comers: median of {args.runs} runs\n")
    print("| database | figure | naive (every copy ahead read) | indexed `partnership_id` | naive / indexed |")
    print("|---|---|---|---|---|")
    for label, figure, times in rows:
        print(f"| {label} | {figure} | {times['naive']:.1f} ms | {times['indexed']:.1f} ms | "
              f"{times['naive'] / times['indexed']:.0f}× |")


if __name__ == "__main__":
    main()
