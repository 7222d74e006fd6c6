"""Feeds benchmark: cold builds from stored VEVENTs next to a naive icalendar ``to_ical()`` of the same events, and
warm and 304 requests per second through gunicorn next to nginx serving the same bytes from a file (with wrk); and
the warm feed through the real gateway (deploy/nginx/osl.conf.template, caching feeds in front of gunicorn) next to
the same nginx serving the same bytes from a file, in the same run.

Prints the issue's table. Run with ``.venv/bin/python bench/feeds.py`` (``--database postgres`` for PostgreSQL on
127.0.0.1). Installs nginx-light and wrk with apt-get when they are missing (needs root).
"""

import argparse
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.request import Request, urlopen

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from icalendar import Calendar  # noqa: E402
from sqlalchemy import select  # noqa: E402

from services.calendar.ical import vevent_component  # noqa: E402
from services.events import create_app  # noqa: E402
from services.events.feeds.build import Window, window_key  # noqa: E402
from services.events.feeds.components import Names, calendar_event, render_pending  # noqa: E402
from services.events.ical import CalendarMeta, calendar_header  # noqa: E402
from services.events.models import Centre, District, Event, Organisation  # noqa: E402
from services.messaging.models import utcnow  # noqa: E402
from services.messaging.settings import BusSettings  # noqa: E402
from services.messaging.testing import PostgresDatabases  # noqa: E402
from tests.ports import free_port  # noqa: E402

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"


def ensure_tools() -> None:
    if shutil.which("nginx") or os.path.exists("/usr/sbin/nginx"):
        if shutil.which("wrk"):
            return
    subprocess.run(["apt-get", "install", "-y", "-q", "nginx-light", "wrk"], check=True, stdout=subprocess.DEVNULL)


def seed(app, count: int) -> None:
    """A district, a centre, an organisation and ``count`` events over the next months, a tenth of them weekly."""
    now = utcnow().replace(microsecond=0)
    with app.extensions["osl"].database.session() as session:
        session.add(District(id=1, name="Raków", slug="rakow", version=1))
        session.add(Centre(id=1, name="OSL Raków", slug="osl-rakow", kind="osl", district_id=1, version=1,
                           address="ul. Łukasińskiego 40, Częstochowa", latitude=50.79, longitude=19.14))
        session.add(Organisation(id=1, name="Fundacja Źródło", slug="fundacja-zrodlo", kind="ngo", version=1,
                                 email="kontakt@zrodlo.example"))
        for index in range(count):
            start = now + timedelta(days=index % 300, hours=index % 9)
            session.add(Event(
                id=uuid.uuid4(), organisation_id=1, visibility="public", district_id=1, centre_id=1,
                title=f"Warsztaty nr {index}: budżet domowy, zażółć gęślą jaźń",
                description="Jak planować wydatki; co robić z długami.\n" * 4, starts_at=start,
                ends_at=start + timedelta(hours=2), all_day=False, exdates=[],
                rrule="FREQ=WEEKLY;COUNT=10" if index % 10 == 0 else None, audiences=["adults", "seniors"],
                category="workshop", location="ul. Łukasińskiego 40, Częstochowa", latitude=50.79, longitude=19.14,
                url=f"https://zrodlo.example/wydarzenia/{index}",
                status="cancelled" if index % 50 == 0 else "scheduled",
                sequence=index % 3, version=1, created_at=now, updated_at=now, search_text=""))


def render_once(app) -> float:
    with app.app_context(), app.extensions["osl"].database.session() as session:
        started = time.perf_counter()
        render_pending(session)
        return time.perf_counter() - started


def cold_build(app, runs: int) -> float:
    """Median seconds of GET /feeds/all.ics with an empty feed cache (VEVENTs stored), gzip included."""
    client, times = app.test_client(), []
    for _ in range(runs):
        app.extensions["events_feed_cache"].clear()
        started = time.perf_counter()
        response = client.get("/feeds/all.ics", headers={"Accept-Encoding": "gzip"})
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return statistics.median(times)


def naive_build(app, runs: int) -> float:
    """Median seconds of the naive way: load the rows, build icalendar components, ``to_ical()`` the calendar."""
    times = []
    for _ in range(runs):
        with app.app_context(), app.extensions["osl"].database.session() as session:
            # The header and VTIMEZONE are parsed before the clock starts: the naive build gets them for free.
            calendar = Calendar.from_ical(calendar_header(CalendarMeta()) + "END:VCALENDAR\r\n")
            started = time.perf_counter()
            window = Window.of_day(window_key(app.config)[0], app.config)
            events = list(session.scalars(select(Event).where(
                Event.visibility == "public", Event.starts_at < window.end, window.ends_inside())
                .order_by(Event.starts_at, Event.id)))
            names = Names(session, events)
            for event in events:
                calendar.add_component(vevent_component(calendar_event(event, names)))
            calendar.to_ical()
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def wait_for(url: str, headers: dict | None = None, timeout: float = 30) -> tuple[bytes, dict]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urlopen(Request(url, headers=headers or {}), timeout=5) as response:
                return response.read(), dict(response.headers)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


UNITS = {"B": 1, "KB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3}


def wrk(url: str, seconds: int, connections: int, header: str | None = None, least_bytes: int = 0) -> float:
    """Requests per second; with ``least_bytes``, each answer must have carried at least that many bytes (wrk's
    transfer rate over its request rate), so that a shorter answer (a 304, a compressed body) is not counted."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", url]
    if header:
        command[1:1] = ["-H", header]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        raise RuntimeError(f"wrk saw {non_2xx.group(1)} failed responses:\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    number, unit = re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", output).groups()
    if least_bytes and float(number) * UNITS[unit] / rate < 0.99 * least_bytes:
        raise RuntimeError(f"{url} answered fewer than {least_bytes} bytes a request:\n{output}")
    return rate


def nginx_config(folder: Path, port: int, workers: int, include: Path | None = None) -> Path:
    """nginx serving ``folder/www`` on ``port``; with ``include``, also the servers of that file (the gateway)."""
    user = "user root;\n" if include is not None and os.geteuid() == 0 else ""
    extra = f"    proxy_temp_path {folder}/proxy;\n    include {include};\n" if include is not None else ""
    config = folder / "nginx.conf"
    config.write_text(f"""{user}daemon off;
worker_processes {workers};
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;  # as the official nginx image's nginx.conf, which deploy/ runs the gateway in
    types {{ text/calendar ics; }}
{extra}    server {{
        listen 127.0.0.1:{port};
        root {folder}/www;
        etag on;
    }}
}}
""")
    return config


def serve_and_measure(url: str, folder: Path, workers: int, seconds: int, connections: int,
                      worker_class: str) -> dict:
    """Warm and 304 rates through gunicorn, and nginx serving the same bytes from a file."""
    env = {**os.environ, "EVENTS_DATABASE_URL": url, "OSL_DATA_DIR": str(folder), "LOG_LEVEL": "WARNING"}
    app_port, nginx_port = free_port(), free_port()
    threads = ["--threads", "4"] if worker_class == "gthread" else []
    gunicorn = subprocess.Popen([str(GUNICORN), "-w", str(workers), "-k", worker_class, *threads, "-b",
                                 f"127.0.0.1:{app_port}", "--log-level", "warning", "services.events:create_app()"],
                                cwd=ROOT, env=env)
    nginx = None
    try:
        feed_url = f"http://127.0.0.1:{app_port}/feeds/all.ics"
        body, headers = wait_for(feed_url)
        (folder / "www").mkdir()
        (folder / "www" / "all.ics").write_bytes(body)
        nginx = subprocess.Popen(["nginx", "-c", str(nginx_config(folder, nginx_port, workers)), "-p", str(folder)])
        static_url = f"http://127.0.0.1:{nginx_port}/all.ics"
        assert wait_for(static_url)[0] == body
        wrk(feed_url, 1, connections)  # every worker builds and caches the feed once
        results = {"bytes": len(body), "gunicorn": wrk(feed_url, seconds, connections),
                   "nginx": wrk(static_url, seconds, connections),
                   "not_modified": wrk(feed_url, seconds, connections, f"If-None-Match: {headers['ETag']}")}
        return results
    finally:
        for process in (gunicorn, nginx):
            if process is not None:
                process.terminate()
                process.wait(timeout=20)


GATEWAY_TEMPLATE = ROOT / "deploy" / "nginx" / "osl.conf.template"
#: The secret the gateway sends the app with a feed's request (the app's FEED_CACHE_TOKEN): made for each run.
FEED_CACHE_TOKEN = secrets.token_urlsafe(32)


def gateway_config(folder: Path, gateway_port: int, static_port: int, app_address: str, workers: int) -> Path:
    """The real gateway template (events at ``app_address``; the other upstreams unused) and a plain file server,
    in one nginx."""
    site = GATEWAY_TEMPLATE.read_text().replace("listen 80;", f"listen 127.0.0.1:{gateway_port};")
    site = site.replace("/var/cache/nginx/osl-feeds", str(folder / "feed-cache"))
    for name in ("PARTNERS", "NOTIFY", "PROGRAMME"):
        site = site.replace(f"${{{name}_UPSTREAM}}", "127.0.0.1:9")
    site = site.replace("${EVENTS_UPSTREAM}", app_address).replace("${FEED_CACHE_TOKEN}", FEED_CACHE_TOKEN)
    (folder / "osl.conf").write_text(site)
    return nginx_config(folder, static_port, workers, include=folder / "osl.conf")


def feed_requests_answered(app_port: int) -> float:
    """Feed requests the events app has answered so far, all workers (its osl_feed_cache counter)."""
    text = wait_for(f"http://127.0.0.1:{app_port}/metrics")[0].decode()
    return sum(float(value) for value in re.findall(r"^osl_feed_cache_total\{[^}]*\} ([\d.e+]+)$", text, re.M))


def gateway_and_measure(url: str, folder: Path, workers: int, seconds: int, connections: int, rounds: int) -> dict:
    """Warm rate of the feed through the gateway (gunicorn with the production settings behind it), and the same
    nginx serving the same bytes from a file: ``rounds`` rounds, each measuring both, the order alternating (ABBA),
    so that a shared machine's load, which shifts within seconds, weighs on both alike. Also counts the requests
    that reached the app while the gateway was measured."""
    env = {**os.environ, "EVENTS_DATABASE_URL": url, "OSL_DATA_DIR": str(folder), "LOG_LEVEL": "WARNING",
           "WEB_WORKERS": str(workers), "OSL_TRUSTED_PROXIES": "1", "FEED_CACHE_TOKEN": FEED_CACHE_TOKEN}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    app_port, gateway_port, static_port = free_port(), free_port(), free_port()
    gunicorn = subprocess.Popen([str(GUNICORN), "-c", "python:services.messaging.gunicorn_conf", "-b",
                                 f"127.0.0.1:{app_port}", "services.events:create_app()"], cwd=ROOT, env=env)
    nginx = None
    try:
        body, _ = wait_for(f"http://127.0.0.1:{app_port}/feeds/all.ics")
        (folder / "www").mkdir(parents=True)
        (folder / "www" / "all.ics").write_bytes(body)
        config = gateway_config(folder, gateway_port, static_port, f"127.0.0.1:{app_port}", workers)
        nginx = subprocess.Popen(["nginx", "-c", str(config), "-p", str(folder)])
        gateway_url = f"http://127.0.0.1:{gateway_port}/feeds/all.ics"
        static_url = f"http://127.0.0.1:{static_port}/all.ics"
        assert wait_for(static_url)[0] == body
        assert wait_for(gateway_url)[0] == body
        wrk(gateway_url, 1, connections)  # warm: the gateway holds the feed
        rates, to_app, sent = {"gateway": [], "nginx": []}, 0.0, 0.0
        for turn in range(rounds):
            for name in ("gateway", "nginx") if turn % 2 == 0 else ("nginx", "gateway"):
                if name == "gateway":
                    before = feed_requests_answered(app_port)
                    rates[name].append(wrk(gateway_url, seconds, connections, least_bytes=len(body)))
                    to_app += feed_requests_answered(app_port) - before
                    sent += rates[name][-1] * seconds
                else:
                    rates[name].append(wrk(static_url, seconds, connections, least_bytes=len(body)))
        ratios = [gateway / nginx for gateway, nginx in zip(rates["gateway"], rates["nginx"], strict=True)]
        return {"bytes": len(body), "ratios": ratios, "to_app": max(0.0, to_app), "sent": sent,
                **{name: statistics.median(values) for name, values in rates.items()}}
    finally:
        for process in (gunicorn, nginx):
            if process is not None:
                process.terminate()
                process.wait(timeout=20)


def gateway_rows(measured: dict, size: int, workers: int) -> list[tuple]:
    ratios = measured["ratios"]
    return [(f"warm requests/s, {size}-event feed ({measured['bytes'] // 1024} KiB) through the gateway (nginx "
             f"proxy_cache, revalidated with the ETag, in front of {workers} gthread workers)",
             f"{measured['gateway']:.0f}/s; the same nginx serving the same file {measured['nginx']:.0f}/s; "
             f"median of {len(ratios)} rounds' ratios {statistics.median(ratios):.2f}x (rounds "
             f"{min(ratios):.2f}x-{max(ratios):.2f}x); {measured['to_app']:.0f} of {measured['sent']:,.0f} requests "
             f"reached the app", ">= 0.8x nginx from a file")]


def served_rows(served: dict, size: int, workers: str) -> list[tuple]:
    ratio = served["gunicorn"] / served["nginx"]
    return [(f"warm requests/s, {size}-event feed ({served['bytes'] // 1024} KiB) through gunicorn ({workers})",
             f"{served['gunicorn']:.0f}/s; nginx same file {served['nginx']:.0f}/s; {ratio:.2f}x nginx",
             ">= 0.25x nginx"),
            (f"304 requests/s (If-None-Match), gunicorn ({workers})", f"{served['not_modified']:.0f}/s; "
             f"{served['not_modified'] / served['gunicorn']:.1f}x the warm rate", ">= the warm rate")]


def database_url(kind: str, folder: Path, name: str, postgres: PostgresDatabases | None) -> str:
    return postgres.new(name) if kind == "postgres" else f"sqlite:///{folder / name}.db"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-gateway", action="store_true", help="leave out the gateway row")
    parser.add_argument("--rounds", type=int, default=6, help="gateway and file, measured in turns, this many times")
    parser.add_argument("--worker-classes", nargs="*", default=["sync", "gthread"], choices=["sync", "gthread"],
                        help="sync is what deploy/ runs; gthread (4 threads) keeps connections alive like nginx")
    args = parser.parse_args()
    ensure_tools()
    postgres = PostgresDatabases(POSTGRES) if args.database == "postgres" else None
    rows = []
    try:
        with tempfile.TemporaryDirectory(prefix="osl-bench-feeds-") as tmp:
            folder = Path(tmp)
            folder.chmod(0o755)  # nginx's workers run as another user when started by root
            os.environ["OSL_DATA_DIR"] = str(folder)
            urls = {}
            for size in args.sizes:
                url = urls[size] = database_url(args.database, folder, f"events{size}", postgres)
                app = create_app({"DATABASE_URL": url, "LOG_LEVEL": "WARNING",
                                  "BUS": BusSettings(broker_url="filesystem://", bus_dir=folder / "bus")})
                app.extensions["osl"].upgrade_database()
                seed(app, size)
                first = render_once(app)
                cold, naive = cold_build(app, args.runs), naive_build(app, args.runs)
                rows.append((f"cold build, {size} events (stored VEVENTs, whole GET with gzip)",
                             f"{cold * 1000:.1f} ms; naive icalendar to_ical() {naive * 1000:.1f} ms; "
                             f"{naive / cold:.1f}x faster", "15x or better" + ("; <= 40 ms" if size == 2000 else "")))
                rows.append((f"first render of {size} VEVENTs (once per change, stored)", f"{first * 1000:.0f} ms",
                             "-"))
                app.extensions["osl"].database.dispose()
            warm_size = 500 if 500 in urls else args.sizes[0]
            for worker_class in args.worker_classes:
                (folder / worker_class).mkdir()
                served = serve_and_measure(urls[warm_size], folder / worker_class, args.workers, args.seconds,
                                           args.connections, worker_class)
                rows += served_rows(served, warm_size, f"{args.workers} {worker_class} workers")
            if not args.no_gateway:
                measured = gateway_and_measure(urls[warm_size], folder / "gateway", args.workers, args.seconds,
                                               args.connections, args.rounds)
                rows += gateway_rows(measured, warm_size, args.workers)
    finally:
        if postgres is not None:
            postgres.drop_all()
    print(f"\nFeeds benchmark ({args.database}, wrk -t2 -c{args.connections} -d{args.seconds}s, {os.cpu_count()} CPUs)")
    print("\n| figure | measured | goal |\n|---|---|---|")
    for figure, measured, goal in rows:
        print(f"| {figure} | {measured} | {goal} |")


if __name__ == "__main__":
    main()
