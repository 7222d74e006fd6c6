"""Fixtures shared by the whole suite.

Two stacks run the same tests: ``embedded`` (SQLite files and kombu's filesystem bus, no servers) and ``servers``
(PostgreSQL and RabbitMQ on 127.0.0.1). A test that needs a server skips when it is down, and fails when CI=true.
"""

import importlib
import os
import shutil
import socket
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

from services.messaging.settings import BusSettings
from services.messaging.testing import PostgresDatabases, delete_topology

RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SERVERS = {"RabbitMQ": ("127.0.0.1", 5672), "PostgreSQL": ("127.0.0.1", 5432)}
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Groups for ``make test``'s parallel run (pytest-xdist, ``--dist loadgroup``): the browser tests share one
    Chromium on one worker, and the tests of a module that sets something up once for the module (served apps,
    nginx) run on one worker, so it is set up once. Every other test goes to whichever worker is free."""
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue
        if item.nodeid.startswith("tests/browser/"):
            item.add_marker(pytest.mark.xdist_group("browser"))
            continue
        info = getattr(item, "_fixtureinfo", None)
        shared = info is not None and any(definitions[-1].scope in ("module", "package", "class")
                                          for definitions in info.name2fixturedefs.values())
        if shared:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::", 1)[0]))


TRACEBACK = "Traceback (most recent call last)"
#: Where a test's processes write their logs (``process_log``), read by ``no_unexpected_traceback``.
PROCESS_LOGS = pytest.StashKey[list]()


@pytest.fixture(autouse=True)
def no_unexpected_traceback(request, caplog):
    """A test whose captured logs hold a traceback fails, unless it is marked ``traceback_expected``: an error that
    nobody provoked on purpose (a 500, a handler that raised) must not pass unseen. The logs of the processes a test
    starts (``process_log``) are read too, once the test and its fixtures have stopped them."""
    request.node.stash[PROCESS_LOGS] = []
    yield
    if request.node.get_closest_marker("traceback_expected"):
        return
    logged = [record for when in ("setup", "call") for record in caplog.get_records(when)
              if record.exc_info or record.exc_text or TRACEBACK in record.getMessage()]
    if logged:
        pytest.fail("unexpected traceback logged: " + "; ".join(
            f"{record.name}: {record.getMessage()[:200]}" for record in logged[:3]), pytrace=False)
    for path in request.node.stash[PROCESS_LOGS]:
        text = path.read_text(errors="replace") if path.exists() else ""
        if TRACEBACK in text:
            start = text.index(TRACEBACK)
            # Up to the error itself: a traceback through honcho's prefixed lines runs to several thousand characters.
            pytest.fail(f"unexpected traceback in {path.name}: {text[max(0, start - 500):start + 8000]}",
                        pytrace=False)


@pytest.fixture
def process_log(request, tmp_path):
    """``process_log(name)``: the path of a log file for a process the test starts (its stdout and stderr). After the
    test, and after the fixtures that stop the processes, a traceback in it fails the test as one in the captured
    logs does."""

    def make(name: str = "process.log"):
        path = tmp_path / name
        if path not in request.node.stash[PROCESS_LOGS]:
            request.node.stash[PROCESS_LOGS].append(path)
        return path

    return make


def require_server(name: str) -> None:
    """Skip (or, in CI, fail) unless the server ``name`` answers on its port."""
    host, port = SERVERS[name]
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError as exc:
        reason = f"{name} is not reachable on {host}:{port} ({exc}); start it to run this test"
        if IN_CI:
            pytest.fail(f"{reason}. In CI (CI=true) the servers are required.")
        pytest.skip(reason)


def fast_bus(**values) -> BusSettings:
    """Bus settings with short retry delays, so failure tests run in seconds."""
    defaults = dict(max_attempts=3, retry_base_seconds=0.05, retry_max_seconds=0.2, poll_seconds=0.02)
    return BusSettings(**{**defaults, **values})


@pytest.fixture(scope="session")
def migrated(tmp_path_factory):
    """Databases already at head, so that a test need not migrate its own: migrating from scratch cost a quarter of a
    second, hundreds of times. SQLite: a file migrated once per session, copied. PostgreSQL: a pool of migrated
    databases, emptied (TRUNCATE) when a test is done with one, which is faster than creating a database."""
    databases = MigratedDatabases(tmp_path_factory.mktemp("migrated"))
    yield databases
    databases.drop()


def _migrate(create_app, url: str, bus: BusSettings) -> str:
    """Migrate the database at ``url`` to head; returns the head revision."""
    app = create_app({"DATABASE_URL": url, "BUS": bus, "TESTING": True})
    app.extensions["osl"].upgrade_database()
    revision = _revision(app)
    app.extensions["osl"].database.dispose()
    return revision


def _revision(app) -> str | None:
    """The Alembic revision ``app``'s database is at (None: not migrated at all)."""
    with app.extensions["osl"].database.engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


class MigratedDatabases:
    def __init__(self, folder):
        self.folder = folder
        self.postgres: PostgresDatabases | None = None
        self.free: dict[str, list[str]] = {}
        #: the head revision of each service, as migrating its first database found it
        self.heads: dict[str, str] = {}

    def sqlite_file(self, service: str, create_app, bus: BusSettings):
        path = self.folder / f"{service}.db"
        if not path.exists():
            self.heads[service] = _migrate(create_app, f"sqlite:///{path}", bus)
        return path

    def take(self, service: str, create_app, bus: BusSettings) -> str:
        """An empty PostgreSQL database of ``service`` at head, from the pool or made now."""
        free = self.free.setdefault(service, [])
        if free:
            return free.pop()
        self.postgres = self.postgres or PostgresDatabases(POSTGRES_URL, label="pool")
        url = self.postgres.new(service)
        self.heads[service] = _migrate(create_app, url, bus)
        return url

    def give_back(self, service: str, url: str) -> None:
        """Empty the database (closing whatever a test left connected to it) and put it back in the pool, as new:
        no rows, every id counting from 1 again."""
        name = url.rsplit("/", 1)[1]
        with self.postgres.engine.connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})
        engine = create_engine(url, poolclass=NullPool)
        try:
            with engine.begin() as connection:
                # TRUNCATE, not DELETE: DELETE took half the time, but left each table's pages as the test before
                # had used them, so rows read without a full ORDER BY came back in an order that depended on it.
                # Only the tables the test wrote to (any page at all: rows, or rows since deleted), which is a few
                # of them; TRUNCATE costs about the same for an empty table as for a full one. Then any sequence
                # still drawn from (a number taken without a row kept) starts again.
                written = connection.scalars(text(
                    "SELECT quote_ident(relname) FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                    "AND relkind = 'r' AND relname <> 'alembic_version' AND pg_relation_size(oid) > 0")).all()
                if written:
                    connection.execute(text(f"TRUNCATE {', '.join(written)} RESTART IDENTITY CASCADE"))
                connection.execute(text("SELECT setval(quote_ident(sequencename), 1, false) FROM pg_sequences "
                                        "WHERE schemaname = 'public' AND last_value IS NOT NULL"))
        finally:
            engine.dispose()
        self.free[service].append(url)

    def drop(self) -> None:
        if self.postgres is not None:
            self.postgres.drop_all()


@pytest.fixture(params=["embedded", "servers"])
def stack(request, tmp_path, migrated):
    """The two ways OSL runs: SQLite + filesystem bus, or PostgreSQL + RabbitMQ."""
    prefix = f"osl-test-{uuid.uuid4().hex[:8]}"
    if request.param == "embedded":
        bus = fast_bus(broker_url="filesystem://", bus_dir=tmp_path / "bus", prefix=prefix)
        yield EmbeddedStack("embedded", bus, migrated, tmp_path)
        return
    require_server("RabbitMQ")
    require_server("PostgreSQL")
    databases = PostgresDatabases(POSTGRES_URL)
    bus = fast_bus(broker_url=RABBITMQ_URL, prefix=prefix)
    stack = ServerStack("servers", bus, migrated, databases)
    try:
        yield stack
    finally:
        delete_topology(bus)
        databases.drop_all()
        stack.close()


@dataclass
class Stack:
    name: str
    bus: BusSettings
    migrated: MigratedDatabases

    def database_url(self, service: str, create_app=None) -> str:
        """The test's database of ``service``: empty, or, given its ``create_app``, already migrated to head."""
        raise NotImplementedError


class EmbeddedStack(Stack):
    def __init__(self, name, bus, migrated, folder):
        super().__init__(name, bus, migrated)
        self.folder = folder

    def database_url(self, service: str, create_app=None) -> str:
        path = self.folder / f"{service}.db"
        if create_app is not None and not path.exists():
            shutil.copyfile(self.migrated.sqlite_file(service, create_app, self.bus), path)
        return f"sqlite:///{path}"


class ServerStack(Stack):
    def __init__(self, name, bus, migrated, databases):
        super().__init__(name, bus, migrated)
        self.databases = databases
        self._urls: dict[str, str] = {}
        self._pooled: dict[str, str] = {}

    def database_url(self, service: str, create_app=None) -> str:
        if service not in self._urls:
            if create_app is None:
                self._urls[service] = self.databases.new(service)
            else:
                self._urls[service] = self._pooled[service] = self.migrated.take(service, create_app, self.bus)
        return self._urls[service]

    def close(self) -> None:
        for service, url in self._pooled.items():
            self.migrated.give_back(service, url)


def make_app(create_app, stack: Stack, service: str, **config):
    app = create_app({"DATABASE_URL": stack.database_url(service, create_app), "BUS": stack.bus, "TESTING": True,
                      "ADMIN_TOKEN": "test-admin-token", **config})
    # At head already (a copy of the migrated file, or a pooled database): checked by its revision, which costs one
    # query where running Alembic cost tens of milliseconds, for each app of each test. Anything else is migrated.
    head = stack.migrated.heads.get(service)
    revision = _revision(app) if head is not None else None
    app.extensions["osl"].database.dispose()  # the test starts with no connection open, as it did
    if head is None or revision != head:
        app.extensions["osl"].upgrade_database()
    return app


def _service_app(service: str):
    """The fixture ``<service>_app``: the service's app on the test stack, at its head revision."""

    @pytest.fixture(name=f"{service}_app")
    def service_app(stack):
        app = make_app(importlib.import_module(f"services.{service}").create_app, stack, service)
        yield app
        app.extensions["osl"].database.dispose()

    return service_app


partners_app = _service_app("partners")
events_app = _service_app("events")
notify_app = _service_app("notify")
programme_app = _service_app("programme")
