"""Fixtures shared by the whole suite.

Two stacks run the same tests: ``embedded`` (SQLite files and kombu's filesystem bus, no servers) and ``servers``
(PostgreSQL and RabbitMQ on 127.0.0.1). A test that needs a server skips when it is down, and fails when CI=true.
"""

import os
import socket
import uuid
from dataclasses import dataclass

import pytest

from services.messaging.settings import BusSettings
from services.messaging.testing import PostgresDatabases, delete_topology

RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SERVERS = {"RabbitMQ": ("127.0.0.1", 5672), "PostgreSQL": ("127.0.0.1", 5432)}
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


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


@dataclass
class Stack:
    name: str
    bus: BusSettings

    def database_url(self, service: str) -> str:
        raise NotImplementedError


@pytest.fixture(params=["embedded", "servers"])
def stack(request, tmp_path):
    """The two ways OSL runs: SQLite + filesystem bus, or PostgreSQL + RabbitMQ."""
    prefix = f"osl-test-{uuid.uuid4().hex[:8]}"
    if request.param == "embedded":
        bus = fast_bus(broker_url="filesystem://", bus_dir=tmp_path / "bus", prefix=prefix)
        yield EmbeddedStack("embedded", bus, tmp_path)
        return
    require_server("RabbitMQ")
    require_server("PostgreSQL")
    databases = PostgresDatabases(POSTGRES_URL)
    bus = fast_bus(broker_url=RABBITMQ_URL, prefix=prefix)
    try:
        yield ServerStack("servers", bus, databases)
    finally:
        delete_topology(bus)
        databases.drop_all()


class EmbeddedStack(Stack):
    def __init__(self, name, bus, folder):
        super().__init__(name, bus)
        self.folder = folder

    def database_url(self, service: str) -> str:
        return f"sqlite:///{self.folder / service}.db"


class ServerStack(Stack):
    def __init__(self, name, bus, databases):
        super().__init__(name, bus)
        self.databases = databases
        self._urls: dict[str, str] = {}

    def database_url(self, service: str) -> str:
        if service not in self._urls:
            self._urls[service] = self.databases.new(service)
        return self._urls[service]


def make_app(create_app, stack: Stack, service: str, **config):
    app = create_app({"DATABASE_URL": stack.database_url(service), "BUS": stack.bus, "TESTING": True,
                      "ADMIN_TOKEN": "test-admin-token", **config})
    app.extensions["osl"].upgrade_database()
    return app


@pytest.fixture
def partners_app(stack):
    from services.partners import create_app

    app = make_app(create_app, stack, "partners")
    yield app
    app.extensions["osl"].database.dispose()


@pytest.fixture
def events_app(stack):
    from services.events import create_app

    app = make_app(create_app, stack, "events")
    yield app
    app.extensions["osl"].database.dispose()


@pytest.fixture
def notify_app(stack):
    from services.notify import create_app

    app = make_app(create_app, stack, "notify")
    yield app
    app.extensions["osl"].database.dispose()
