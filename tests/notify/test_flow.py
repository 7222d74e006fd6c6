"""The flow on both transports: subscribe, confirm, event messages over the bus, SMTP delivery, unsubscribe.

The events service is stood in for by publishing its messages (the contract in messages/events.py) to its
exchange, as its relay does.
"""

import re
from email import message_from_bytes
from email.policy import default

import pytest
from kombu import Consumer, Producer
from sqlalchemy import func, select

from services.messaging.connection import connect
from services.messaging.envelope import CONTENT_TYPE, Envelope, parse
from services.messaging.testing import running, wait_until
from services.messaging.topology import Topology
from services.notify.models import InboxMessage, Notice
from tests.notify.events import event_snapshot
from tests.notify.test_consumers import add_subscribers, worker
from tests.notify.test_delivery import smtp_sender
from tests.notify.test_operations import REQUEST

pytestmark = pytest.mark.slow


def publish(app, *envelopes: Envelope) -> None:
    settings = app.extensions["osl"].bus
    topology = Topology(settings)
    with connect(settings) as connection:
        channel = connection.channel()
        topology.declare_all(channel)
        producer = Producer(channel)
        for envelope in envelopes:
            producer.publish(envelope.to_json().encode(), exchange=topology.exchange_name("events"),
                             routing_key=envelope.type, content_type=CONTENT_TYPE, content_encoding="utf-8",
                             delivery_mode=2)


def handled(app) -> int:
    with app.extensions["osl"].database.session() as session:
        return session.scalar(select(func.count()).select_from(InboxMessage).where(InboxMessage.handler == "events"))


def mails(sink) -> list:
    return [message_from_bytes(raw, policy=default) for raw in sink.accepted]


def link(mail, purpose: str) -> str:
    text = mail.get_body(("plain",)).get_content()
    return re.search(rf"https://osl\.example(/subscriptions/{purpose}/\S+)", text).group(1)


def test_subscribe_confirm_notice_cancel_unsubscribe(notify, smtp_sink):
    sink, port = smtp_sink
    client = notify.test_client()
    sender = smtp_sender(notify, port)
    for email, districts in (("anna@example.org", ["rakow"]), ("piotr@example.org", ["polnoc"])):
        client.post("/api/v1/subscriptions/", json={**REQUEST, "email": email, "districts": districts})
    client.post("/api/v1/subscriptions/", json={**REQUEST, "email": "never-confirms@example.org"})
    sender.send_due()
    confirmations = mails(sink)
    assert len(confirmations) == 3
    for mail in confirmations[:2]:
        assert client.get(link(mail, "confirm")).status_code == 200

    published = Envelope.new("event.published", event_snapshot())
    cancelled = Envelope.new("event.cancelled", event_snapshot(version=2, sequence=1, status="cancelled",
                                                              cancelled_at="2026-11-24T10:00:00+00:00"))
    with running(worker(notify)):
        publish(notify, published, published)  # the second copy stands for a redelivery
        wait_until(lambda: handled(notify) == 1, message="the event message handled")
        sender.send_due()
        notices = mails(sink)[3:]
        assert [m["To"].addresses[0].addr_spec for m in notices] == ["anna@example.org"]
        assert notices[0]["Subject"].startswith("Nowe wydarzenie")

        publish(notify, cancelled)
        wait_until(lambda: handled(notify) == 2, message="the cancellation handled")
        sender.send_due()
        [cancellation] = mails(sink)[4:]
        assert cancellation["Subject"].startswith("Odwołane")
        assert cancellation["To"].addresses[0].addr_spec == "anna@example.org"

        assert client.post(link(cancellation, "unsubscribe"), data=b"").status_code == 200
        again = Envelope.new("event.published", event_snapshot(id="00000000-0000-0000-0000-000000000008"))
        publish(notify, again)
        wait_until(lambda: handled(notify) == 3, message="the second event handled")
    assert sender.send_due() == 0
    sender.transport.close()
    assert len(sink.accepted) == 5
    with notify.extensions["osl"].database.session() as session:
        assert session.scalar(select(func.count()).select_from(Notice).where(Notice.kind == "published")) == 1


def test_a_message_redelivered_after_its_handler_committed_makes_no_second_notice(notify):
    """Handled and committed, but the ack never reached the broker (a crash): the broker delivers it again."""
    add_subscribers(notify)
    settings = notify.extensions["osl"].bus
    queue = Topology(settings).queue(next(s for s in Topology(settings).subscriptions_of("notify")
                                          if s.handler == "events"))
    publish(notify, Envelope.new("event.published", event_snapshot()))
    received = []
    with connect(settings) as connection:
        channel = connection.channel()
        with Consumer(channel, queues=[queue], callbacks=[lambda body, message: received.append(message)]):
            wait_until(lambda: connection.drain_events(timeout=1) or received, message="the first delivery")
        message = received[0]
        assert worker(notify).handle("events", parse(message.body)) is True
        # The connection closes without an ack: the broker puts the message back.
    assert notices_count(notify) == 2
    redelivery = worker(notify)
    with running(redelivery):
        wait_until(lambda: redelivery.deliveries == 1, message="the redelivery")
    assert notices_count(notify) == 2
    assert handled(notify) == 1


def notices_count(app) -> int:
    with app.extensions["osl"].database.session() as session:
        return session.scalar(select(func.count()).select_from(Notice))
