"""What only a real broker can show: an outage mid-stream, a killed consumer, and plain-AMQP integration."""

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time

import pika
import pytest
from sqlalchemy import select

from services.messaging.outbox import Relay
from services.messaging.testing import running, wait_until
from services.messaging.topology import Topology
from services.partners import operations
from services.partners.models import OutboxMessage
from tests.messaging.helpers import CountingHandlers, create_districts, events_worker, inbox_count, replica_names
from tests.messaging.tcp_proxy import TcpProxy

# Only the servers stack: the embedded bus has no broker to cut, and loses unacked messages on SIGKILL by design.
pytestmark = [pytest.mark.slow, pytest.mark.parametrize("stack", ["servers"], indirect=True)]


@pytest.fixture
def servers(stack):
    return stack


def published_count(partners_app) -> int:
    with partners_app.extensions["osl"].database.session() as session:
        return len(session.scalars(select(OutboxMessage.seq).where(OutboxMessage.published_at.is_not(None))).all())


def test_the_relay_rides_out_a_broker_outage(servers, partners_app, events_app):
    host, port = "127.0.0.1", 5672
    proxy = TcpProxy((host, port))
    try:
        through_proxy = dataclasses.replace(
            servers.bus, broker_url=f"amqp://guest:guest@127.0.0.1:{proxy.port}//", relay_batch=20
        )
        service = partners_app.extensions["osl"]
        relay = Relay(service.database, service.outbox_model, through_proxy)
        names = create_districts(partners_app, 1000)
        handlers = CountingHandlers()
        with running(relay) as relay_thread, running(events_worker(events_app, handlers)):
            wait_until(lambda: published_count(partners_app) >= 200, message="200 published before the cut")
            proxy.cut()
            cut_at = published_count(partners_app)
            time.sleep(3)
            assert relay_thread.is_alive()
            assert published_count(partners_app) - cut_at <= relay.settings.relay_batch
            proxy.restore()
            wait_until(lambda: inbox_count(events_app) == 1000, timeout=120, message="all 1,000 after the outage")
        assert cut_at < 1000
        assert handlers.calls == 1000
        assert replica_names(events_app) == sorted(names)
    finally:
        proxy.close()


def _consumer_process(stack, events_app, log_path) -> subprocess.Popen:
    env = dict(os.environ, EVENTS_DATABASE_URL=events_app.config["DATABASE_URL"], BROKER_URL=stack.bus.broker_url,
               OSL_BUS_PREFIX=stack.bus.prefix, LOG_LEVEL="WARNING")
    with open(log_path, "ab") as log:
        return subprocess.Popen([sys.executable, "-m", "services.events", "consume"], env=env,
                                stdout=log, stderr=subprocess.STDOUT)


def test_a_consumer_killed_mid_stream_loses_and_doubles_nothing(servers, partners_app, events_app, process_log):
    names = create_districts(partners_app, 1000)
    log = process_log("consumer.log")
    consumer = _consumer_process(servers, events_app, log)
    try:
        with running(partners_app.extensions["osl"].relay()):
            wait_until(lambda: inbox_count(events_app) >= 150, timeout=60, message="150 handled before the kill")
            consumer.send_signal(signal.SIGKILL)
            consumer.wait(timeout=10)
            killed_at = inbox_count(events_app)
            consumer = _consumer_process(servers, events_app, log)
            wait_until(lambda: inbox_count(events_app) == 1000, timeout=120, message="all 1,000 after the restart")
        assert killed_at < 1000
        assert replica_names(events_app) == sorted(names)
        time.sleep(1)  # anything redelivered late would show up as an extra inbox row
        assert inbox_count(events_app) == 1000
    finally:
        consumer.terminate()
        consumer.wait(timeout=30)


def test_sigterm_finishes_the_message_in_hand_and_exits_cleanly(servers, partners_app, events_app, process_log):
    create_districts(partners_app, 300)
    log = process_log("consumer.log")
    consumer = _consumer_process(servers, events_app, log)
    with running(partners_app.extensions["osl"].relay()):
        wait_until(lambda: inbox_count(events_app) >= 50, timeout=60, message="50 handled")
        consumer.send_signal(signal.SIGTERM)
        assert consumer.wait(timeout=30) == 0, log.read_text()
    stopped_at = inbox_count(events_app)
    handlers = CountingHandlers()
    with running(events_worker(events_app, handlers)):
        wait_until(lambda: inbox_count(events_app) == 300, timeout=60, message="the rest after a restart")
    assert handlers.calls == 300 - stopped_at


def test_a_plain_pika_consumer_reads_what_the_project_publishes(servers, partners_app):
    """Other city systems can integrate with plain AMQP and JSON, with no OSL code."""
    exchange = Topology(servers.bus).exchange_name("partners")
    connection = pika.BlockingConnection(pika.ConnectionParameters(
        "127.0.0.1", 5672, "/", pika.PlainCredentials("guest", "guest")))
    try:
        channel = connection.channel()
        channel.exchange_declare(exchange, exchange_type="topic", durable=True)
        queue = channel.queue_declare("", exclusive=True).method.queue
        channel.queue_bind(queue, exchange, routing_key="district.*")
        with partners_app.extensions["osl"].database.session() as session:
            operations.create_district(session, "Częstochówka-Parkitka")
        with running(partners_app.extensions["osl"].relay()):
            method, properties, body = wait_until(lambda: _get(channel, queue), message="a message in pika's queue")
    finally:
        connection.close()
    message = json.loads(body)
    assert method.routing_key == "district.created"
    assert properties.content_type == "application/cloudevents+json"
    assert message["specversion"] == "1.0"
    assert message["type"] == "district.created"
    assert message["source"] == "/osl/partners"
    assert message["datacontenttype"] == "application/json"
    assert len(message["id"]) == 36 and message["correlationid"]
    assert message["data"]["name"] == "Częstochówka-Parkitka"
    assert message["data"]["slug"] == "czestochowka-parkitka"


def _get(channel, queue):
    method, properties, body = channel.basic_get(queue, auto_ack=True)
    return (method, properties, body) if method else None
