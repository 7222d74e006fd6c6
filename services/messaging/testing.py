"""Helpers for tests of code built on this package: wait for a condition, run a relay or worker in a thread."""

import threading
import time
import uuid
from contextlib import contextmanager

from sqlalchemy import create_engine, text

from services.messaging.connection import connect
from services.messaging.settings import BusSettings


def wait_until(predicate, timeout: float = 30.0, interval: float = 0.05, message: str = "condition"):
    """Poll ``predicate`` until it returns something truthy, and return that; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {message} (last value: {result!r})")
        time.sleep(interval)


@contextmanager
def running(process):
    """Run a Relay or Worker's ``run()`` in a thread for the duration of the block, then stop and join it."""
    thread = threading.Thread(target=process.run, name=type(process).__name__, daemon=True)
    thread.start()
    try:
        yield thread
    finally:
        process.stop()
        thread.join(timeout=30)
        if thread.is_alive():
            raise AssertionError(f"{type(process).__name__} did not stop within 30 s")


def delete_topology(settings: BusSettings) -> None:
    """Remove every queue and exchange of ``settings.prefix`` from the broker."""
    from services.messaging.topology import SERVICES, Topology

    topology = Topology(settings)
    with connect(settings) as connection:
        channel = connection.channel()
        for name in topology.all_queue_names():
            channel.queue_delete(name)
        for source in SERVICES:
            channel.exchange_delete(topology.exchange_name(source))


class PostgresDatabases:
    """Scratch PostgreSQL databases, made on demand through ``admin_url`` and all dropped by ``drop_all()``."""

    def __init__(self, admin_url: str, label: str = "test"):
        self.admin_url = admin_url
        self.label = label
        self.engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []

    def new(self, service: str) -> str:
        """Create an empty database for ``service``; returns its URL."""
        name = f"osl_{self.label}_{service}_{uuid.uuid4().hex[:10]}"
        with self.engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return self.admin_url.rsplit("/", 1)[0] + f"/{name}"

    def drop_all(self) -> None:
        with self.engine.connect() as connection:
            for name in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.engine.dispose()


def schema_drift(app, metadata) -> list:
    """What differs between the tables of ``app``'s migrated database and the models' ``metadata`` (types too)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.extensions["osl"].database.engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), metadata)
