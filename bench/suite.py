"""Suite benchmark: the same tests run in one process and on every core (pytest-xdist, as ``make test`` runs them);
the cost of starting a test's app with Alembic's check that its database is at head vs the revision query
tests/conftest.py's ``make_app`` uses now; making an app that documents its API views at once (flask-smorest's own
Api) vs when the document is first read (services/messaging/web.py Api); making an app whose URL rules compile their
builders at once (werkzeug's own) vs when one is first used (services/messaging/web.py Rule). Both sides of each row
are measured in this one run, alternately, so a busy machine slows both; read the ratios, not the seconds.

Run: `.venv/bin/python bench/suite.py [--apps 20] [--workers auto] [pytest arguments...]` (default: the partners and
staff tests, slow ones left out). Prints a table.
"""

import argparse
import gc
import importlib
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.messaging.settings import BusSettings  # noqa: E402
from tests.conftest import _migrate, _revision  # noqa: E402

DEFAULT_TESTS = ["tests/partners", "tests/staff", "-m", "not slow"]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_pytest(arguments: list[str]) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of pytest and its workers, the last line pytest printed)."""
    cpu, start = children_cpu(), time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *arguments], cwd=ROOT,
                            capture_output=True, text=True)
    wall = time.perf_counter() - start
    last = (result.stdout.strip().splitlines() or [""])[-1]
    if result.returncode != 0:
        raise SystemExit(f"pytest {' '.join(arguments)} failed:\n{result.stdout[-3000:]}{result.stderr[-2000:]}")
    return wall, children_cpu() - cpu, last


def app_start(service: str, count: int) -> tuple[float, float]:
    """Seconds of CPU per app for ``count`` apps on copies of a migrated SQLite file: Alembic's upgrade to head
    (what make_app ran for every app), then the revision query (what it runs now)."""
    create_app = importlib.import_module(f"services.{service}").create_app
    folder = Path(tempfile.mkdtemp(prefix="osl-bench-suite-"))
    try:
        bus = BusSettings(broker_url="filesystem://", bus_dir=folder / "bus", prefix="osl-bench-suite")
        template = folder / "template.db"
        head = _migrate(create_app, f"sqlite:///{template}", bus)
        spent = {"alembic": 0.0, "revision": 0.0}
        for number in range(-1, count):  # the first round warms up both ways (imports, caches) and is not counted
            for check in spent:  # alternately, so that a busy moment of the machine slows both
                path = folder / f"{check}-{number}.db"
                shutil.copyfile(template, path)
                started = time.process_time()
                app = create_app({"DATABASE_URL": f"sqlite:///{path}", "BUS": bus, "TESTING": True})
                if check == "alembic":
                    app.extensions["osl"].upgrade_database()
                else:
                    assert _revision(app) == head
                app.extensions["osl"].database.dispose()
                if number >= 0:
                    spent[check] += time.process_time() - started
        return spent["alembic"] / count, spent["revision"] / count
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def app_documenting(service: str, count: int) -> tuple[float, float]:
    """Seconds of CPU per app made: flask-smorest documenting each blueprint's views as it is registered, then the
    services' Api, which documents them when the document is first read (not here)."""
    import flask_smorest

    from services.messaging import web

    return apps_made(service, count, web.Api, "register_blueprint", flask_smorest.Api.register_blueprint)


def app_url_rules(service: str, count: int) -> tuple[float, float]:
    """Seconds of CPU per app made: werkzeug's rules, which compile their URL builders as they are added, then the
    services' (services/messaging/web.py Rule), which compile one when it is first used (not here)."""
    import werkzeug.routing

    from services.messaging.app import ServiceFlask

    return apps_made(service, count, ServiceFlask, "url_rule_class", werkzeug.routing.Rule)


def apps_made(service: str, count: int, owner, name: str, before) -> tuple[float, float]:
    """Seconds of CPU per app made with ``owner.name`` set to ``before``, then as the services have it; made in
    turn, so a busy machine slows both."""
    create_app = importlib.import_module(f"services.{service}").create_app
    now = getattr(owner, name)
    folder = Path(tempfile.mkdtemp(prefix="osl-bench-apps-"))
    try:
        bus = BusSettings(broker_url="filesystem://", bus_dir=folder / "bus", prefix="osl-bench-apps")
        spent = {"before": 0.0, "now": 0.0}
        for number in range(-1, count):
            for way in spent:
                setattr(owner, name, before if way == "before" else now)
                gc.collect()  # the apps made before are garbage: not collected inside the next one's time
                started = time.process_time()
                app = create_app({"DATABASE_URL": f"sqlite:///{folder / way}-{number}.db", "BUS": bus,
                                  "TESTING": True})
                if number >= 0:
                    spent[way] += time.process_time() - started
                app.extensions["osl"].database.dispose()
        return spent["before"] / count, spent["now"] / count
    finally:
        setattr(owner, name, now)
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", type=int, default=20, help="apps started per service and way of checking")
    parser.add_argument("--workers", default="auto", help="pytest-xdist's -n for the parallel run")
    options, tests = parser.parse_known_args()
    tests = tests or DEFAULT_TESTS

    print(f"| tests: `{' '.join(tests)}` | wall | CPU (all processes) | pytest says |")
    print("|---|---|---|---|")
    serial = run_pytest(["-n", "0", *tests])
    parallel = run_pytest(["-n", options.workers, "--dist", "loadgroup", *tests])
    for label, (wall, cpu, last) in (("one process", serial), (f"-n {options.workers} --dist loadgroup", parallel)):
        print(f"| {label} | {wall:.1f} s | {cpu:.1f} s | {last} |")
    print(f"| parallel / one process | {parallel[0] / serial[0]:.2f} | {parallel[1] / serial[1]:.2f} | |")
    per_service("app + Alembic upgrade check (CPU per app)", "app + revision query", app_start, options.apps)
    per_service("app documenting its views at once (CPU per app)", "when the document is read", app_documenting,
                options.apps)
    per_service("app compiling its URL builders at once (CPU per app)", "when one is first used", app_url_rules,
                options.apps)


def per_service(before: str, after: str, measure, count: int) -> None:
    """A table of ``measure(service, count)``'s two sides (seconds) for each service, and their ratio."""
    print()
    print(f"| service | {before} | {after} | ratio |")
    print("|---|---|---|---|")
    for service in ("partners", "events", "notify", "programme"):
        first, second = measure(service, count)
        print(f"| {service} | {first * 1000:.1f} ms | {second * 1000:.1f} ms | {second / first:.2f} |")


if __name__ == "__main__":
    main()
