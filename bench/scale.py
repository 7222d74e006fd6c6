"""Scale-out benchmark: 1, 2 and 3 competing notify consumers and senders on RabbitMQ + PostgreSQL.

Each round publishes EVENTS event messages at once (as the events relay would after a busy import), each to SUBSCRIBERS
confirmed subscribers: EVENTS x SUBSCRIBERS notices (20,000 by default). N consumers compete on notify's queue (each
event is handled by one, which writes its notices); N senders claim batches of due notices (SKIP LOCKED) and hand them
to a local aiosmtpd sink. Prints, for each N: throughput (notices accepted by SMTP per second, from the first publish
to the last mail), p50/p95 of event -> mail latency (each mail against its event's publish time), and the evidence of
where the limit is:

- CPU: each role's CPU time (consumers, senders, PostgreSQL's backends for the round's database, the SMTP sink and
  this script), the busiest sender's share of one core, and the whole machine's busy share of its cores (from
  /proc/stat: other work on a shared machine shows there and not in OSL's own share);
- SMTP: the senders' time handing mails to the SMTP server (their osl_notify_smtp_seconds histogram, scraped from
  each sender's metrics port) as a share of the senders' wall time;
- database: PostgreSQL's backends for the round's database sampled every 0.1 s (pg_stat_activity): how many are
  active on average, and how many of those wait on a lock.

The last column names the limit by a plain rule over those numbers: the machine's cores when it is >= 85 % busy; else
SMTP when the senders spend >= 50 % of their time in it; else the database when >= 0.5 backends on average wait on a
lock; else one sender's core when the busiest sender uses >= 85 % of one; else "waiting" (polls, the broker).

Run: `.venv/bin/python bench/scale.py` (needs RabbitMQ and PostgreSQL on 127.0.0.1; a few minutes on a quiet
machine). Prints a Markdown table.
"""

import argparse
import os
import re
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from kombu import Producer  # noqa: E402

from bench.notify import POSTGRES, RABBITMQ, add_subscribers, event, mail_bench, notify_app, process_env, start, stop  # noqa: E402
from services.messaging.connection import connect  # noqa: E402
from services.messaging.envelope import CONTENT_TYPE, Envelope  # noqa: E402
from services.messaging.settings import BusSettings  # noqa: E402
from services.messaging.testing import delete_topology, wait_until  # noqa: E402
from services.messaging.topology import Topology  # noqa: E402
from tests.ports import free_port  # noqa: E402

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


def machine_busy() -> tuple[float, float]:
    """(busy, total) clock ticks of all the machine's cores so far (/proc/stat)."""
    values = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle and iowait
    return sum(values) - idle, sum(values)


def smtp_seconds(ports: list[int]) -> float:
    """The senders' time handing mails to the SMTP server so far (osl_notify_smtp_seconds_sum on each sender's
    metrics port)."""
    total = 0.0
    for port in ports:
        with urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
            found = re.search(r"^osl_notify_smtp_seconds_sum ([\d.e+-]+)$", response.read().decode(), re.M)
        total += float(found.group(1)) if found else 0.0
    return total


def senders_serving(ports: list[int]) -> bool:
    try:
        smtp_seconds(ports)
    except OSError:
        return False
    return True


class DatabaseSampler(threading.Thread):
    """Samples pg_stat_activity for one database every 0.1 s: active backends, and those waiting on a lock."""

    def __init__(self, database: str):
        super().__init__(daemon=True)
        self.database, self.samples, self.done = database, [], threading.Event()

    def run(self):
        with psycopg.connect(POSTGRES.replace("+psycopg", ""), autocommit=True) as connection:
            while not self.done.wait(0.1):
                row = connection.execute(
                    "SELECT count(*) FILTER (WHERE state = 'active'), "
                    "count(*) FILTER (WHERE state = 'active' AND wait_event_type = 'Lock') "
                    "FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (self.database,)).fetchone()
                self.samples.append(row)

    def averages(self) -> tuple[float, float]:
        self.done.set()
        self.join(timeout=10)
        if not self.samples:
            return 0.0, 0.0
        return (statistics.fmean(active for active, _ in self.samples),
                statistics.fmean(waiting for _, waiting in self.samples))


def all_sent(sink: TimedSink, expected: int, processes) -> bool:
    """Every notice in the sink; fails at once when a consumer or sender has stopped (rather than wait an hour)."""
    stopped = [process.args[-1] for process in processes if process.poll() is not None]
    if stopped:
        raise RuntimeError(f"a worker stopped during the round: {stopped}; see its log above")
    return len(sink.arrivals) >= expected


def run_round(workers: int, events: int, subscribers: int, sink: TimedSink, port: int, databases, folder) -> dict:
    bus = BusSettings(broker_url=RABBITMQ, prefix=f"osl-scale-{uuid.uuid4().hex[:6]}", poll_seconds=0.05)
    app = notify_app(databases.new("notify"), bus)
    add_subscribers(app, subscribers)
    env = process_env(app.config["DATABASE_URL"], bus, port, folder)
    database = app.config["DATABASE_URL"].rsplit("/", 1)[1]
    metrics_ports = [free_port() for _ in range(workers)]
    processes = ([start("consume", env) for _ in range(workers)],
                 [start("send", {**env, "OSL_METRICS_PORT": str(metrics_port)}) for metrics_port in metrics_ports])
    expected = events * subscribers
    try:
        wait_until(lambda: consumers_on(bus) == workers, timeout=120, interval=0.5, message="the consumers listening")
        wait_until(lambda: senders_serving(metrics_ports), timeout=60, interval=0.5, message="the senders started")
        with sink.lock:
            sink.arrivals.clear()
        sampler = DatabaseSampler(database)
        cpu = {"consumers": [cpu_seconds(p.pid) for p in processes[0]],
               "senders": [cpu_seconds(p.pid) for p in processes[1]],
               "postgres": postgres_cpu(database), "sink and script": own_cpu()}
        machine, smtp = machine_busy(), smtp_seconds(metrics_ports)
        sampler.start()
        started = time.perf_counter()
        published = publish_all(bus, workers, events)
        wait_until(lambda: all_sent(sink, expected, processes[0] + processes[1]), timeout=3600, interval=0.05,
                   message="every notice sent")
        finished = time.perf_counter()
        db_active, db_waiting = sampler.averages()
        smtp = smtp_seconds(metrics_ports) - smtp
        machine = [after - before for after, before in zip(machine_busy(), machine, strict=True)]
        cpu = {role: [cpu_seconds(p.pid) - before for p, before in zip(group, cpu[role], strict=True)]
               for role, group in (("consumers", processes[0]), ("senders", processes[1]))} | {
            "postgres": postgres_cpu(database) - cpu["postgres"], "sink and script": own_cpu() - cpu["sink and script"]}
    finally:
        stop(processes[0] + processes[1])
        delete_topology(bus)
        app.extensions["osl"].database.dispose()
    with sink.lock:
        arrivals = list(sink.arrivals)
    delays = sorted(at - published[index] for index, at in arrivals if index in published)
    wall = finished - started
    return {"workers": workers, "notices": len(arrivals), "wall": wall, "rate": len(arrivals) / wall,
            "p50": statistics.median(delays), "p95": delays[int(0.95 * (len(delays) - 1))], "cpu": cpu,
            "busiest_sender": max(cpu["senders"]) / wall, "smtp_share": smtp / (workers * wall),
            "machine_busy": machine[0] / machine[1], "db_active": db_active, "db_waiting": db_waiting}


def limit(result: dict) -> str:
    """The rule of the module's docstring."""
    if result["machine_busy"] >= 0.85:
        return "the machine's cores"
    if result["smtp_share"] >= 0.5:
        return "SMTP"
    if result["db_waiting"] >= 0.5:
        return "database locks"
    if result["busiest_sender"] >= 0.85:
        return "one sender's core"
    return "waiting (polls, broker)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--subscribers", type=int, default=100)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    sink = TimedSink()
    results = []
    with mail_bench(sink, "scale") as (controller, databases, folder):
        for workers in args.workers:
            results.append(run_round(workers, args.events, args.subscribers, sink, controller.port, databases,
                                     folder))
    cores = os.cpu_count()
    print(f"\n{args.events} events x {args.subscribers} subscribers = {args.events * args.subscribers:,} notices, "
          f"RabbitMQ + PostgreSQL, {cores} CPUs, load average before: {load_before:.1f}\n")
    print("| consumers + senders | notices/s | vs 1 | event → mail p50 | p95 | CPU s: consumers / senders / "
          "PostgreSQL / sink+script | CPU ms per notice | busiest sender, of one core | senders' time in SMTP | "
          "DB backends active / waiting on locks | machine busy (OSL's share) | limit |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for result in results:
        cpu = result["cpu"]
        spent = {name: sum(value) if isinstance(value, list) else value for name, value in cpu.items()}
        osl_share = sum(spent.values()) / (cores * result["wall"])
        per_notice = sum(spent.values()) / result["notices"] * 1000
        print(f"| {result['workers']} + {result['workers']} | {result['rate']:,.0f} | "
              f"{result['rate'] / results[0]['rate']:.2f}x | {result['p50']:.1f} s | {result['p95']:.1f} s | "
              f"{spent['consumers']:.0f} / {spent['senders']:.0f} / {spent['postgres']:.0f} / "
              f"{spent['sink and script']:.0f} | {per_notice:.1f} | {result['busiest_sender']:.0%} | "
              f"{result['smtp_share']:.0%} | {result['db_active']:.1f} / {result['db_waiting']:.1f} | "
              f"{result['machine_busy']:.0%} ({osl_share:.0%}) | {limit(result)} |")


if __name__ == "__main__":
    main()
