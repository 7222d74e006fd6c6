"""Calendar import benchmark (issue: a 5,000-VEVENT, 2.5 MB feed synced in at most 10 s the first time; an unchanged
re-pull in at most 1 s, or nothing on 304; one hostile source does not delay the others).

A feed written as Google writes it (UTC times, X-WR-TIMEZONE, weekly series with EXDATEs and moved dates, single and
all-day events, long descriptions) is served from a local HTTP server; the events service pulls it through the whole
path (safe fetch, parse, sync, one message per new event), on SQLite or PostgreSQL. Then:

- an unchanged re-pull with new DTSTAMPs (what Google sends every time): the content hash, not parsed;
- a new calendar name: every VEVENT's read lines the same, none parsed;
- what is not read changed in every VEVENT (TRANSP, an attendee added): none parsed;
- the same events in other bytes that are read (SEQUENCE raised, nothing else): every VEVENT parsed, compared per
  UID, nothing written;
- the same bytes again (a server with no validators): the body's hash, not parsed;
- a 304 (the server's ETag);
- a good source pulled next to a slow-drip source, then next to another big feed's first sync (a neighbour that
  holds the CPU, not the network): the good one's time beside its time alone.

Each figure is the wall time and, beside it, this process's CPU time (the feed server's thread included, the
database server's not): on a loaded machine the wall time grows with the load, the CPU time much less.

Run: ``.venv/bin/python bench/imports.py [--events 5000] [--database sqlite|postgres]``. Prints a table.
"""

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.events import create_app  # noqa: E402
from services.events.imports.runner import pull, run_once  # noqa: E402
from services.events.models import ImportSource  # noqa: E402
from services.messaging.settings import BusSettings  # noqa: E402
from services.messaging.testing import PostgresDatabases  # noqa: E402
from tests.events.factories import seed  # noqa: E402
from tests.events.feedserver import FeedServer, Route, slow_drip  # noqa: E402

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
LOREM = ("Zajęcia w Ośrodku Społeczności Lokalnej: gry, rozmowy, warsztaty i wspólne gotowanie dla sąsiadów w każdym "
         "wieku. Prosimy o wcześniejsze zapisy telefoniczne lub mailowe; liczba miejsc jest ograniczona. ")


def google_feed(count: int, stamp: str = "20261130T050000Z") -> bytes:
    """A Google-style feed of ``count`` VEVENTs: a tenth weekly series (with an EXDATE and a moved date), the rest
    single events, some all-day; about 500 bytes each."""
    lines = ["BEGIN:VCALENDAR", "PRODID:-//Google Inc//Google Calendar 70.9054//EN", "VERSION:2.0",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "X-WR-CALNAME:Fundacja", "X-WR-TIMEZONE:Europe/Warsaw"]
    first = datetime(2027, 1, 4, 16, 0, tzinfo=UTC)
    fmt = "%Y%m%dT%H%M%SZ"
    for n in range(count):
        start = first + timedelta(days=n % 300, hours=n % 5)
        uid = f"{n:06d}a1b2c3d4e5f6g7h8@google.com"
        common = [f"DTSTAMP:{stamp}", f"UID:{uid}", "CREATED:20261101T100000Z", "LAST-MODIFIED:20261120T100000Z",
                  f"DESCRIPTION:{LOREM[: 150 + n % 100]}", f"LOCATION:ul. Przykładowa {n % 90 + 1}\\, Częstochowa",
                  "SEQUENCE:0", "STATUS:CONFIRMED", f"SUMMARY:Wydarzenie numer {n}", "TRANSP:OPAQUE"]
        if n % 10 == 0:
            lines += ["BEGIN:VEVENT", f"DTSTART:{start.strftime(fmt)}",
                      f"DTEND:{(start + timedelta(hours=2)).strftime(fmt)}", "RRULE:FREQ=WEEKLY;COUNT=20",
                      f"EXDATE:{(start + timedelta(weeks=2)).strftime(fmt)}", *common, "END:VEVENT"]
            moved = start + timedelta(weeks=3)
            lines += ["BEGIN:VEVENT", f"DTSTART:{(moved + timedelta(days=1)).strftime(fmt)}",
                      f"DTEND:{(moved + timedelta(days=1, hours=2)).strftime(fmt)}",
                      f"RECURRENCE-ID:{moved.strftime(fmt)}", *common, "END:VEVENT"]
        elif n % 7 == 0:
            day = start.date()
            lines += ["BEGIN:VEVENT", f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
                      f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}", *common, "END:VEVENT"]
        else:
            lines += ["BEGIN:VEVENT", f"DTSTART:{start.strftime(fmt)}",
                      f"DTEND:{(start + timedelta(hours=2)).strftime(fmt)}", *common, "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def make_app(database: str, folder: Path, databases):
    url = databases.new("events") if database == "postgres" else f"sqlite:///{folder / 'events.db'}"
    bus = BusSettings(broker_url="filesystem://", bus_dir=folder / "bus", prefix="bench")
    app = create_app({"DATABASE_URL": url, "BUS": bus, "TESTING": True, "ADMIN_TOKEN": "bench-admin-token",
                      "IMPORT_ALLOW_LOOPBACK": True, "IMPORT_WORKERS": 4, "IMPORT_FETCH_SECONDS": 3,
                      "IMPORT_READ_SECONDS": 2, "IMPORT_SYNC_SECONDS": 120})
    app.extensions["osl"].upgrade_database()
    return app


def register(app, world, server, path) -> int:
    answer = app.test_client().post("/api/v1/import-sources", headers=world.own, json={
        "url": server.url(path), "district": "rakow", "centre": "osl-rakow", "category": "meeting"})
    assert answer.status_code == 201, answer.json
    return answer.json["id"]


def timed(function) -> tuple[float, float]:
    """The wall and CPU seconds ``function`` took."""
    started, cpu = time.perf_counter(), time.process_time()
    function()
    return time.perf_counter() - started, time.process_time() - cpu


def shown(seconds: tuple[float, float], digits: int = 2) -> str:
    return f"{seconds[0]:.{digits}f} s (CPU {seconds[1]:.{digits}f} s)"


def source(app, source_id) -> ImportSource:
    with app.extensions["osl"].database.session() as session:
        return session.get(ImportSource, source_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    body = google_feed(args.events)
    server = FeedServer()
    databases = PostgresDatabases(POSTGRES, label="bench") if args.database == "postgres" else None
    try:
        with tempfile.TemporaryDirectory() as folder:
            app = make_app(args.database, Path(folder), databases)
            world = seed(app)
            server.routes["/feed.ics"] = Route(body=body)
            big = register(app, world, server, "/feed.ics")
            first = timed(lambda: pull(app, big))
            synced = source(app, big)
            assert synced.status == "ok", synced.last_error
            server.routes["/feed.ics"] = Route(body=google_feed(args.events, stamp="20261130T070000Z"))
            restamped = timed(lambda: pull(app, big))
            assert source(app, big).unchanged_count == synced.new_count
            server.routes["/feed.ics"] = Route(body=body.replace(b"X-WR-CALNAME:Fundacja", b"X-WR-CALNAME:Nowa"))
            renamed = timed(lambda: pull(app, big))
            assert source(app, big).unchanged_count == synced.new_count
            unread = body.replace(b"TRANSP:OPAQUE", b"TRANSP:TRANSPARENT").replace(
                b"END:VEVENT", b"ATTENDEE;PARTSTAT=ACCEPTED:mailto:ala@example.org\r\nEND:VEVENT")
            server.routes["/feed.ics"] = Route(body=unread)
            not_read = timed(lambda: pull(app, big))
            assert source(app, big).unchanged_count == synced.new_count
            server.routes["/feed.ics"] = Route(body=unread.replace(b"SEQUENCE:0", b"SEQUENCE:1"))
            reparsed = timed(lambda: pull(app, big))
            assert source(app, big).unchanged_count == synced.new_count
            assert source(app, big).changed_count == source(app, big).new_count == 0
            same = timed(lambda: pull(app, big))
            server.routes["/feed.ics"] = Route(body=body, etag='"v1"')
            pull(app, big)
            not_modified = timed(lambda: pull(app, big))
            assert source(app, big).status == "not_modified"

            small = google_feed(50)
            server.routes["/alone.ics"] = Route(body=small)
            alone_id = register(app, world, server, "/alone.ics")
            alone = timed(lambda: pull(app, alone_id))
            server.routes["/beside.ics"] = Route(body=small.replace(b"@google.com", b"@beside.example"))
            server.routes["/drip.ics"] = slow_drip(0.1, 100_000)
            beside_id = register(app, world, server, "/beside.ics")
            drip_id = register(app, world, server, "/drip.ics")
            with app.extensions["osl"].database.session() as session:
                session.get(ImportSource, alone_id).next_due_at = datetime.now(UTC) + timedelta(days=1)
                session.get(ImportSource, big).next_due_at = datetime.now(UTC) + timedelta(days=1)
            started, wall = time.perf_counter(), datetime.now(UTC)
            run_once(app)
            both = time.perf_counter() - started
            beside, drip = source(app, beside_id), source(app, drip_id)
            beside_took = (beside.last_fetch_at - wall).total_seconds()

            # Beside a source that takes the CPU rather than the network: another big feed's first sync.
            server.routes["/heavy.ics"] = Route(body=body.replace(b"@google.com", b"@heavy.example"))
            server.routes["/next.ics"] = Route(body=small.replace(b"@google.com", b"@next.example"))
            heavy_id = register(app, world, server, "/heavy.ics")
            next_id = register(app, world, server, "/next.ics")
            started, wall = time.perf_counter(), datetime.now(UTC)
            run_once(app)
            heavy_both = time.perf_counter() - started
            heavy, after_heavy = source(app, heavy_id), source(app, next_id)
            next_took = (after_heavy.last_fetch_at - wall).total_seconds()
            app.extensions["osl"].database.dispose()
    finally:
        server.close()
        if databases is not None:
            databases.drop_all()
    print(f"\nCalendar import, {args.database}: a feed of {args.events} VEVENTs, {len(body) / 1e6:.2f} MB "
          f"({synced.new_count} events made)\n")
    print("| figure | measured: wall (CPU of this process) | goal |")
    print("|---|---|---|")
    print(f"| first sync | {shown(first)} | ≤ 10 s |")
    print(f"| unchanged re-pull with new DTSTAMPs, as Google sends (not parsed: content hash) | {shown(restamped)} "
          f"| ≤ 1 s |")
    print(f"| a new calendar name (every VEVENT's read lines the same: none parsed) | {shown(renamed)} | ≤ 1 s |")
    print(f"| what is not read changed in every VEVENT (TRANSP, an attendee added: none parsed) | {shown(not_read)} "
          f"| ≤ 1 s |")
    print(f"| the same events in other bytes that are read (SEQUENCE raised: all parsed, compared per UID, nothing "
          f"written) | {shown(reparsed)} | — |")
    print(f"| the same bytes again (not parsed) | {shown(same, 3)} | ≤ 1 s |")
    print(f"| 304 | {shown(not_modified, 3)} | nothing |")
    print(f"| a 50-event source alone | {shown(alone)} | — |")
    print(f"| the same beside a slow-drip source (both pulled at once; the drip cut off at "
          f"{app.config['IMPORT_FETCH_SECONDS']} s; all done in {both:.2f} s) | ≤ {beside_took:.2f} s after "
          f"starting, {beside.status}; the drip: {drip.status} | not delayed |")
    print(f"| the same beside another {args.events}-VEVENT feed's first sync (both pulled at once; all done in "
          f"{heavy_both:.2f} s) | ≤ {next_took:.2f} s after starting, {after_heavy.status}; the big one: "
          f"{heavy.status}, {heavy.new_count} events | not delayed |")

if __name__ == "__main__":
    main()
