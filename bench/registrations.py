"""Registrations benchmark: 1,000 residents register for one popular event from 20 concurrent clients, on SQLite
and on PostgreSQL; registrations per second, latency (median, p95, worst), and the check that nobody got a place
past the capacity (and that the waiting list is in the order the registrations committed).

Each client is a thread with its own test client of the notify app, which runs the whole request (validation, the
rate limits, the locked row of places, the notice, the counts message in the outbox, the commit). The limits per
address and per client are raised for the run: every registration here comes from one machine.
Run: `.venv/bin/python bench/registrations.py [--registrations 1000 --clients 20 --capacity 200 --database both]`.
"""

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.calendar.times import WARSAW  # noqa: E402
from services.messaging.consumer import Worker  # noqa: E402
from services.messaging.envelope import Envelope  # noqa: E402
from services.messaging.settings import BusSettings  # noqa: E402
from services.messaging.testing import PostgresDatabases  # noqa: E402
from services.notify import create_app  # noqa: E402
from services.notify.consumers import HANDLERS  # noqa: E402
from services.notify.models import InboxMessage, OutboxMessage, Registration, RegistrationSlot  # noqa: E402
from tests.notify.events import event_snapshot  # noqa: E402

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
EVENT_ID = "00000000-0000-0000-0000-00000000b014"


def make_app(url: str, folder: Path):
    bus = BusSettings(broker_url="filesystem://", bus_dir=folder / "bus", prefix="osl-bench-registrations")
    app = create_app({"DATABASE_URL": url, "BUS": bus, "TESTING": True, "ADMIN_TOKEN": "bench",
                      "MAIL_DIR": folder / "mail", "SMTP": None, "REGISTRATION_LIMIT_PER_IP": 10**9,
                      "REGISTRATION_LIMIT_PER_ADDRESS": 10**9})
    app.extensions["osl"].upgrade_database()
    start = (datetime.now(WARSAW) + timedelta(days=14)).replace(hour=17, minute=0, second=0, microsecond=0)
    event = event_snapshot(id=EVENT_ID, title="Wycieczka do Złotego Potoku", starts_at=start.isoformat(),
                           ends_at=(start + timedelta(hours=6)).isoformat(),
                           registration={"url": None, "required": True, "capacity": CAPACITY})
    service = app.extensions["osl"]
    Worker("notify", HANDLERS, service.database, InboxMessage, service.bus).handle(
        "events", Envelope.new("event.published", event))
    return app


def run(app, registrations: int, clients: int) -> tuple[float, list[float], list[int], int]:
    """(seconds, each registration's latency with its retries, the status codes, how many 503s were retried)."""
    retried: list[int] = []
    latencies: list[float] = []
    statuses: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)
    numbers = iter(range(registrations))

    def client_thread() -> None:
        client = app.test_client()
        barrier.wait()
        while True:
            with lock:
                number = next(numbers, None)
            if number is None:
                return
            began = time.perf_counter()
            while True:  # a 503 (SQLite's write lock busy past its wait) is tried again after Retry-After
                answer = client.post("/api/v1/registrations/", json={
                    "event_id": EVENT_ID, "name": f"Mieszkaniec {number}", "email": f"osoba{number}@example.org",
                    "people": 1 + number % 3, "consent": True})
                if answer.status_code != 503:
                    break
                with lock:
                    retried.append(number)
                time.sleep(float(answer.headers.get("Retry-After", "1")))
            took = time.perf_counter() - began
            with lock:
                latencies.append(took)
                statuses.append(answer.status_code)

    threads = [threading.Thread(target=client_thread) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, latencies, statuses, len(retried)


def check(app) -> dict:
    with app.extensions["osl"].database.session() as session:
        slot = session.scalars(select(RegistrationSlot)).one()
        rows = session.scalars(select(Registration).order_by(Registration.seq)).all()
        messages = session.scalar(select(func.count()).select_from(OutboxMessage)
                                  .where(OutboxMessage.type == "registration.counts"))
    confirmed = sum(r.people for r in rows if r.status == "confirmed")
    first_waiting = next((r.seq for r in rows if r.status == "waiting"), None)
    in_order = first_waiting is None or all(r.status == "waiting" for r in rows if r.seq >= first_waiting)
    return {"capacity": slot.capacity, "confirmed": confirmed, "counted": slot.confirmed,
            "waiting": sum(r.people for r in rows if r.status == "waiting"),
            "seq ok": [r.seq for r in rows] == list(range(1, len(rows) + 1)), "in order": in_order,
            "messages": messages, "rows": len(rows)}


def main() -> None:
    global CAPACITY
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--capacity", type=int, default=200)
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    CAPACITY = args.capacity
    print(f"{args.registrations} registrations (1-3 people each) for one event of {args.capacity} places, "
          f"{args.clients} concurrent clients, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("| database | registrations/s | median | p95 | worst | confirmed / capacity | waiting | over capacity "
          "| order kept | 503s retried |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    postgres = PostgresDatabases(POSTGRES, label="bench") if args.database != "sqlite" else None
    try:
        for name in (("sqlite", "postgresql") if args.database == "both" else (args.database,)):
            with tempfile.TemporaryDirectory() as folder:
                url = f"sqlite:///{folder}/notify.db" if name == "sqlite" else postgres.new("notify")
                app = make_app(url, Path(folder))
                seconds, latencies, statuses, retries = run(app, args.registrations, args.clients)
                found = check(app)
                app.extensions["osl"].database.dispose()
            assert statuses.count(201) == args.registrations, f"answers: {sorted(set(statuses))}"
            assert found["confirmed"] == found["counted"] <= found["capacity"], found
            assert found["seq ok"] and found["in order"] and found["messages"] == args.registrations, found
            cut = statistics.quantiles(latencies, n=100)
            print(f"| {name} | {args.registrations / seconds:.0f} | {statistics.median(latencies) * 1000:.0f} ms "
                  f"| {cut[94] * 1000:.0f} ms | {max(latencies) * 1000:.0f} ms "
                  f"| {found['confirmed']} / {found['capacity']} | {found['waiting']} "
                  f"| {max(found['confirmed'] - found['capacity'], 0)} | {'yes' if found['in order'] else 'NO'} "
                  f"| {retries} |")
    finally:
        if postgres is not None:
            postgres.drop_all()


CAPACITY = 200

if __name__ == "__main__":
    main()
