"""Scale-out benchmark: 1, 2 and 3 competing notify consumers and senders on RabbitMQ + PostgreSQL.

Each round publishes EVENTS event messages at once (as the events relay would after a busy import), each to SUBSCRIBERS
confirmed subscribers: EVENTS x SUBSCRIBERS notices (20,000 by default). N consumers compete on notify's queue (each
event is handled by one, which writes its notices); N senders claim batches of due notices (SKIP LOCKED) and hand them
to a local aiosmtpd sink. Prints, for each N: throughput (notices accepted by SMTP per second, from the first publish
to the last mail), p50/p95 of event -> mail latency (each mail against its event's publish time), and where the CPU
time went (consumers, senders, PostgreSQL, the SMTP sink and this script), next to what the machine's cores could give.

Run: `.venv/bin/python bench/scale.py` (needs RabbitMQ and PostgreSQL on 127.0.0.1). Prints a table.
"""

import argparse
import os
import re
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kombu import Producer  # noqa: E402

from bench.notify import (  # noqa: E402
    POSTGRES,
    RABBITMQ,
    add_subscribers,
    event,
    notify_app,
    process_env,
    smtp_sink,
    start,
    stop,
)
from services.messaging.connection import connect  # noqa: E402
from services.messaging.envelope import CONTENT_TYPE, Envelope  # noqa: E402
from services.messaging.settings import BusSettings  # noqa: E402
from services.messaging.testing import PostgresDatabases, delete_topology, wait_until  # noqa: E402
from services.messaging.topology import Topology  # noqa: E402

TITLE = re.compile(rb"scale-(\d+)-(\d+)")
TICKS = os.sysconf("SC_CLK_TCK")


class TimedSink:
    """Keeps the arrival time of each mail, by the event its subject names."""

    def __init__(self):
        self.arrivals: list[tuple[int, float]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        found = TITLE.search(envelope.content)
        with self.lock:
            self.arrivals.append((int(found.group(2)) if found else -1, time.perf_counter()))
        return "250 OK"


def cpu_seconds(pid: int, children: bool = False) -> float:
    """User + system CPU of a process so far; with ``children``, also of its children that have exited."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(value) for value in fields[11:15 if children else 13]) / TICKS


def postgres_cpu(database: str) -> float:
    """CPU so far of the PostgreSQL backends serving ``database`` (their process title names it). The round's
    processes keep their connections, so their backends live through the round. Other databases' backends (other
    work on a shared server) and the server's own background writers are left out."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if title.startswith(b"postgres:") and f" {database} ".encode() in title:
                total += cpu_seconds(int(entry.name))
    return total


def own_cpu() -> float:
    times = os.times()
    return times.user + times.system


def publish_all(bus: BusSettings, round_id: int, events: int) -> dict[int, float]:
    """Publish the round's event messages at once; returns each event's publish time."""
    topology = Topology(bus)
    published = {}
    with connect(bus) as connection:
        channel = connection.channel()
        topology.declare_all(channel)
        producer = Producer(channel)
        for index in range(events):
            body = Envelope.new("event.published", event(f"scale-{round_id}-{index}")).to_json().encode()
            published[index] = time.perf_counter()
            producer.publish(body, exchange=topology.exchange_name("events"), routing_key="event.published",
                             content_type=CONTENT_TYPE, content_encoding="utf-8", delivery_mode=2)
    return published


def consumers_on(bus: BusSettings) -> int:
    """Consumers on notify's queue of event messages, as RabbitMQ counts them."""
    topology = Topology(bus)
    with connect(bus) as connection:
        channel = connection.channel()
        try:
            counts = [topology.queue(sub)(channel).queue_declare(passive=True)[2]
                      for sub in topology.subscriptions_of("notify") if sub.source == "events"]
        except connection.channel_errors:  # not declared yet: no consumer has started
            return 0
    return min(counts)


def run_round(workers: int, events: int, subscribers: int, sink: TimedSink, port: int, databases, folder) -> dict:
    bus = BusSettings(broker_url=RABBITMQ, prefix=f"osl-scale-{uuid.uuid4().hex[:6]}", poll_seconds=0.05)
    app = notify_app(databases.new("notify"), bus)
    add_subscribers(app, subscribers)
    env = process_env(app.config["DATABASE_URL"], bus, port, folder)
    database = app.config["DATABASE_URL"].rsplit("/", 1)[1]
    processes = ([start("consume", env) for _ in range(workers)], [start("send", env) for _ in range(workers)])
    expected = events * subscribers
    try:
        wait_until(lambda: consumers_on(bus) == workers, timeout=120, interval=0.5, message="the consumers listening")
        time.sleep(3)  # and the senders polling
        with sink.lock:
            sink.arrivals.clear()
        before = {"consumers": sum(cpu_seconds(p.pid) for p in processes[0]),
                  "senders": sum(cpu_seconds(p.pid) for p in processes[1]),
                  "postgres": postgres_cpu(database), "sink and script": own_cpu()}
        started = time.perf_counter()
        published = publish_all(bus, workers, events)
        wait_until(lambda: len(sink.arrivals) >= expected, timeout=3600, interval=0.05, message="every notice sent")
        finished = time.perf_counter()
        after = {"consumers": sum(cpu_seconds(p.pid) for p in processes[0]),
                 "senders": sum(cpu_seconds(p.pid) for p in processes[1]),
                 "postgres": postgres_cpu(database), "sink and script": own_cpu()}
    finally:
        stop(processes[0] + processes[1])
        delete_topology(bus)
        app.extensions["osl"].database.dispose()
    with sink.lock:
        arrivals = list(sink.arrivals)
    delays = sorted(at - published[index] for index, at in arrivals if index in published)
    wall = finished - started
    return {"workers": workers, "notices": len(arrivals), "wall": wall, "rate": len(arrivals) / wall,
            "p50": statistics.median(delays), "p95": delays[int(0.95 * (len(delays) - 1))],
            "cpu": {name: after[name] - before[name] for name in after}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--subscribers", type=int, default=100)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    sink = TimedSink()
    controller = smtp_sink(sink)
    databases = PostgresDatabases(POSTGRES, label="scale")
    results = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            for workers in args.workers:
                results.append(run_round(workers, args.events, args.subscribers, sink, controller.port, databases,
                                         folder))
    finally:
        controller.stop()
        databases.drop_all()
    cores = os.cpu_count()
    print(f"\n{args.events} events x {args.subscribers} subscribers = {args.events * args.subscribers:,} notices, "
          f"RabbitMQ + PostgreSQL, {cores} CPUs, load average before: {os.getloadavg()[0]:.1f}\n")
    print("| consumers + senders | notices/s | vs 1 | event → mail p50 | p95 | CPU s: consumers / senders / "
          "PostgreSQL / sink+script | CPU ms per notice | share of the cores |")
    print("|---|---|---|---|---|---|---|---|")
    for result in results:
        cpu = result["cpu"]
        used = sum(cpu.values()) / (cores * result["wall"])
        per_notice = sum(cpu.values()) / result["notices"] * 1000
        print(f"| {result['workers']} + {result['workers']} | {result['rate']:,.0f} | "
              f"{result['rate'] / results[0]['rate']:.2f}x | {result['p50']:.1f} s | {result['p95']:.1f} s | "
              f"{cpu['consumers']:.0f} / {cpu['senders']:.0f} / {cpu['postgres']:.0f} / {cpu['sink and script']:.0f}"
              f" | {per_notice:.1f} | {used:.0%} |")


if __name__ == "__main__":
    main()
