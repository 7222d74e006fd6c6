"""Idle relays and consumers keep their RabbitMQ connections: heartbeats go out while nothing else does.

The heartbeat is shortened to 2 s so that the idle spells below (12 s, six heartbeats) are long enough for RabbitMQ
to close a silent connection, as it did after a quiet minute with the default 30 s."""

import dataclasses
import logging
import threading

import pytest

from services.messaging.testing import running, wait_until
from tests.messaging.helpers import create_districts, events_worker, inbox_count
from tests.messaging.test_faults import Locked

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("stack", ["servers"], indirect=True)]

HEARTBEAT = 2.0
IDLE = 6 * HEARTBEAT


def _short_heartbeat(app) -> None:
    service = app.extensions["osl"]
    service.bus = dataclasses.replace(service.bus, heartbeat_seconds=HEARTBEAT)


def test_an_idle_relay_publishes_its_next_message_on_the_same_connection(partners_app, events_app, caplog):
    _short_heartbeat(partners_app)
    caplog.set_level(logging.INFO)
    relay = partners_app.extensions["osl"].relay()
    with running(relay), running(events_worker(events_app)):
        create_districts(partners_app, 1, prefix="Przed")
        wait_until(lambda: inbox_count(events_app) == 1, message="the first message handled")
        caplog.clear()
        threading.Event().wait(IDLE)  # idle: nothing to publish
        create_districts(partners_app, 1, prefix="Po ciszy")
        wait_until(lambda: inbox_count(events_app) == 2, message="the message after the quiet spell handled")
    assert relay.connections == 1
    assert not [r for r in caplog.records if r.name.startswith("services.messaging.outbox") and
                r.levelno >= logging.WARNING]


def test_a_consumer_holding_a_message_through_a_database_fault_keeps_its_connection(partners_app, events_app):
    _short_heartbeat(events_app)
    handlers = Locked()
    worker = events_worker(events_app, handlers)
    create_districts(partners_app, 1, prefix="Trzymana")
    with running(partners_app.extensions["osl"].relay()), running(worker):
        wait_until(lambda: worker.fault_retries, message="the consumer meeting the fault")
        threading.Event().wait(IDLE)  # the message is held, and nothing else goes over the connection
        handlers.release.set()
        wait_until(lambda: inbox_count(events_app) == 1, message="the held message handled")
        create_districts(partners_app, 1, prefix="Następna")  # and the connection still serves the next one
        wait_until(lambda: inbox_count(events_app) == 2, message="the next message handled")
    assert worker.connections == 1
