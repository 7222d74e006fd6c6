"""A fault that passes (database down, locked or busy; broker gone) is waited out and retried, never dead-lettered;
the APIs answer it with 503 and Retry-After, and log one line for it, no traceback."""

import logging
import sqlite3
import threading

import pytest
from kombu.exceptions import OperationalError as BrokerError
from sqlalchemy import exc as sa
from sqlalchemy import text

from services.events import create_app as create_events
from services.messaging.dead_letters import list_dead_letters
from services.messaging.faults import Backoff, fault_of
from services.messaging.outbox import Relay
from services.messaging.settings import BusSettings
from services.messaging.testing import running, wait_until
from services.notify import create_app as create_notify
from services.partners import create_app as create_partners
from tests.messaging.helpers import CountingHandlers, create_districts, events_worker, inbox_count, replica_names


def _locked() -> sa.OperationalError:
    return sa.OperationalError("INSERT INTO inbox", {}, sqlite3.OperationalError("database is locked"))


@pytest.mark.parametrize(("exc", "fault"), [
    (_locked(), "database"),
    (sa.OperationalError("SELECT 1", {}, sqlite3.OperationalError("no such table: inbox")), None),
    (sa.IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed")), None),
    (BrokerError("[Errno 111] Connection refused"), "broker"),
    (ConnectionResetError("reset by peer"), "broker"),
    (ValueError("bad data"), None),
    (KeyError("slug"), None),
])
def test_faults_are_told_from_errors_of_their_own(exc, fault):
    assert fault_of(exc) == fault


def test_a_refused_postgresql_connection_is_a_database_fault():
    from sqlalchemy import create_engine

    engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(sa.OperationalError) as raised:
        engine.connect()
    assert fault_of(raised.value) == "database"
    wrapped = RuntimeError("while handling")
    wrapped.__cause__ = raised.value
    assert fault_of(wrapped) == "database"  # found along the chain


def test_backoff_grows_to_its_cap_with_jitter_and_starts_over_after_a_reset():
    backoff = Backoff(base=1.0, cap=8.0)
    delays = [backoff.next() for _ in range(8)]
    for delay, ceiling in zip(delays, [1, 2, 4, 8, 8, 8, 8, 8], strict=True):
        assert ceiling / 2 <= delay <= ceiling
    assert len({round(d, 6) for d in delays[3:]}) > 1  # jittered, not one fixed value
    backoff.reset()
    assert backoff.next() <= 1.0


class Locked(CountingHandlers):
    """The real handlers, answering "database is locked" until ``release`` is set."""

    def __init__(self):
        super().__init__()
        self.release = threading.Event()
        self.faults = 0
        for name, handler in list(self.items()):
            self[name] = self._locked(handler)

    def _locked(self, handler):
        def locked(session, envelope):
            if not self.release.is_set():
                self.faults += 1
                raise _locked()
            handler(session, envelope)

        return locked


def test_a_database_fault_is_retried_for_as_long_as_it_lasts_and_never_dead_lettered(partners_app, events_app,
                                                                                     caplog):
    caplog.set_level(logging.WARNING)
    settings = events_app.extensions["osl"].bus
    handlers = Locked()
    worker = events_worker(events_app, handlers)
    names = create_districts(partners_app, 3, prefix="Blokada")
    with running(partners_app.extensions["osl"].relay()), running(worker):
        # Far more tries than max_attempts (3 in the tests): a fault never counts as an attempt.
        wait_until(lambda: worker.fault_retries >= 3 * settings.max_attempts, message="a run of retries")
        assert worker.down == "database"
        assert inbox_count(events_app) == 0
        handlers.release.set()
        wait_until(lambda: inbox_count(events_app) == 3, message="the 3 messages handled once the lock is gone")
        assert worker.down is None
    assert list_dead_letters(settings, "events") == []
    assert handlers.calls == 3
    assert replica_names(events_app) == sorted(names)
    waits = [r for r in caplog.records if "database unavailable" in r.getMessage()]
    assert len(waits) == worker.fault_retries  # one line per retry, with the reason, and no traceback
    assert all("database is locked" in r.getMessage() and r.exc_info is None for r in waits)


def test_a_relay_waits_for_its_database_on_one_broker_connection_with_growing_backoff(tmp_path, caplog):
    from services.messaging.db import Database
    from services.partners.models import OutboxMessage

    caplog.set_level(logging.WARNING)
    bus = BusSettings(broker_url="filesystem://", bus_dir=tmp_path / "bus", prefix="osl-relay", poll_seconds=0.02,
                      retry_base_seconds=0.05, retry_max_seconds=0.4)
    relay = Relay(Database("postgresql+psycopg://nobody@127.0.0.1:1/none"), OutboxMessage, bus)
    with running(relay):
        wait_until(lambda: relay.backoff.failures >= 6, message="six failed tries")
    assert relay.down == "database"
    assert relay.connections == 1  # the broker connection is kept; only the database is waited for
    lines = [r for r in caplog.records if r.name == "services.messaging.outbox"]
    assert lines and all("database unavailable" in r.getMessage() and r.exc_info is None for r in lines)


# --- SQLite: reads take no write lock -------------------------------------------------------------------------


@pytest.mark.parametrize("stack", ["embedded"], indirect=True)
def test_a_slow_reader_holds_up_neither_writers_nor_consumers(partners_app, events_app):
    events_db = events_app.extensions["osl"].database
    partners_db = partners_app.extensions["osl"].database
    worker = events_worker(events_app)
    with events_db.session(read_only=True) as reader, partners_db.session(read_only=True) as other_reader:
        # Two readers sit in open transactions, as a slow page or feed would, for the whole of what follows.
        reader.execute(text("SELECT count(*) FROM inbox"))
        other_reader.execute(text("SELECT count(*) FROM outbox"))
        create_districts(partners_app, 5, prefix="Czytelnik")  # writers on the partners file
        with running(partners_app.extensions["osl"].relay()), running(worker):
            wait_until(lambda: inbox_count(events_app) == 5, timeout=20, message="5 handled with readers open")
        assert worker.fault_retries == 0  # nobody even met a lock
        assert reader.execute(text("SELECT count(*) FROM inbox")).scalar() == 5


@pytest.mark.parametrize("stack", ["embedded"], indirect=True)
def test_a_web_read_takes_no_write_lock(events_app):
    """A GET's session begins deferred: another process can write while a GET's transaction is open."""
    from services.messaging.web import request_session

    path = events_app.extensions["osl"].database.engine.url.database
    with events_app.test_request_context("/api/v1/events", method="GET"):
        session = request_session()
        session.execute(text("SELECT count(*) FROM inbox"))
        writer = sqlite3.connect(path, timeout=0.5)
        writer.execute("BEGIN IMMEDIATE")  # would fail with "database is locked" if the GET held the write lock
        writer.rollback()
        writer.close()
    with events_app.test_request_context("/api/v1/events", method="GET"):
        # A GET that writes after all (confirming a subscription does): it waits for the lock like any writer,
        # even when another process committed between its read and its write.
        session = request_session()
        session.execute(text("SELECT count(*) FROM inbox"))
        other = sqlite3.connect(path)
        other.execute("INSERT INTO inbox (message_id, handler, type, handled_at) "
                      "VALUES ('m1', 'h', 't', '2026-11-30 00:00:00')")
        other.commit()
        other.close()
        session.execute(text("INSERT INTO inbox (message_id, handler, type, handled_at) "
                             "VALUES ('m2', 'h', 't', '2026-11-30 00:00:00')"))
        session.commit()
        assert session.execute(text("SELECT count(*) FROM inbox")).scalar() == 2
    with events_app.test_request_context("/api/v1/events", method="POST"):
        session = request_session()
        session.execute(text("SELECT count(*) FROM inbox"))
        writer = sqlite3.connect(path, timeout=0.2)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            writer.execute("BEGIN IMMEDIATE")
        writer.close()


# --- the APIs: 503 + Retry-After, one line, no traceback -----------------------------------------------------

FACTORIES = {"partners": create_partners, "events": create_events, "notify": create_notify}
#: One request per service that needs its database.
REQUESTS = {
    "partners": ("get", "/api/v1/districts/", None),
    "events": ("get", "/api/v1/events", None),
    "notify": ("post", "/api/v1/subscriptions/", {"email": "a@example.org", "districts": ["rakow"],
                                                   "audiences": ["seniors"], "frequency": "immediate",
                                                   "reminders": False, "language": "pl", "consent": True}),
}


def _assert_503_without_traceback(response, caplog):
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.headers["Retry-After"].isdigit()
    assert response.json["code"] == 503
    assert "try again" in response.json["message"]
    assert not [r for r in caplog.records if r.exc_info], "a known outage logs no traceback"
    assert len([r for r in caplog.records if "answered 503" in r.getMessage()]) == 1


@pytest.fixture(params=sorted(FACTORIES))
def app_without_database(request, tmp_path):
    """An app whose database refuses connections (made in a fixture: create_app sets up logging, which caplog must
    come after)."""
    bus = BusSettings(broker_url="filesystem://", bus_dir=tmp_path / "bus", prefix="osl-down")
    return request.param, FACTORIES[request.param]({"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
                                                    "BUS": bus, "ADMIN_TOKEN": "test-admin-token", "TESTING": True})


def test_an_api_answers_503_with_retry_after_while_its_database_is_down(app_without_database, caplog):
    caplog.set_level(logging.INFO)
    service, app = app_without_database
    method, path, body = REQUESTS[service]
    response = getattr(app.test_client(), method)(path, json=body)
    _assert_503_without_traceback(response, caplog)


@pytest.fixture
def short_busy_timeout(monkeypatch):
    monkeypatch.setenv("OSL_SQLITE_BUSY_SECONDS", "0.2")


@pytest.mark.parametrize("stack", ["embedded"], indirect=True)
def test_an_api_answers_503_while_another_process_holds_the_sqlite_write_lock(short_busy_timeout, partners_app,
                                                                              caplog):
    caplog.set_level(logging.INFO)
    holder = sqlite3.connect(partners_app.extensions["osl"].database.engine.url.database)
    holder.execute("BEGIN IMMEDIATE")
    try:
        response = partners_app.test_client().post(
            "/api/v1/districts/", json={"name": "Zablokowana"}, headers={"Authorization": "Bearer test-admin-token"})
    finally:
        holder.rollback()
        holder.close()
    _assert_503_without_traceback(response, caplog)
    assert partners_app.test_client().get("/api/v1/districts/").status_code == 200


def test_a_connection_the_broker_dropped_is_a_broker_fault_but_a_handlers_own_oserror_is_not():
    import socket

    import amqp.transport

    from services.messaging.faults import fault_of

    transport = amqp.transport.TCPTransport("127.0.0.1:9", connect_timeout=0.1)
    ours, theirs = socket.socketpair()
    theirs.close()  # the server end, gone
    transport.sock, transport._quick_recv, transport._read_buffer = ours, ours.recv, b""
    try:
        transport._read(7)  # what a relay meets when RabbitMQ closes its connection
    except OSError as exc:
        assert fault_of(exc) == "broker"
    else:
        raise AssertionError("reading from a closed connection should fail")
    finally:
        ours.close()
    try:
        open("/nonexistent/folder/file")  # noqa: SIM115
    except OSError as exc:
        assert fault_of(exc) is None
