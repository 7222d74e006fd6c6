"""Notify through outages: the database failing under the sender and the consumer, and a long SMTP outage.

The database is made unavailable the way it happens in production: on PostgreSQL a TCP proxy between the app and
the server is cut (its connections drop, new ones are refused), on SQLite another process holds the write lock.
"""

import logging
import sqlite3
import threading
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from services.messaging.dead_letters import list_dead_letters
from services.messaging.envelope import Envelope
from services.messaging.models import utcnow
from services.messaging.testing import running, wait_until
from services.notify.delivery import MailFolder, TemporaryFailure
from services.notify.models import Notice
from services.notify.notices import Sender
from tests.conftest import make_app
from tests.messaging.tcp_proxy import TcpProxy
from tests.notify.conftest import add_districts, folder_mails
from tests.notify.events import event_snapshot
from tests.notify.test_batches import add_subscribers, statuses
from tests.notify.test_consumers import handle, worker
from tests.notify.test_flow import publish
from tests.notify.test_operations import REQUEST

ADMIN = {"Authorization": "Bearer test-admin-token"}


class DatabaseOutage:
    """Makes the app's database unavailable, and brings it back."""

    def __init__(self, url: str):
        self.url = make_url(url)
        self.proxy = None
        self.holder: sqlite3.Connection | None = None
        if self.url.get_backend_name() == "postgresql":
            self.proxy = TcpProxy((self.url.host or "127.0.0.1", self.url.port or 5432))
            self.app_url = self.url.set(host="127.0.0.1", port=self.proxy.port).render_as_string(hide_password=False)
        else:
            self.app_url = url

    def start(self) -> None:
        if self.proxy is not None:
            self.proxy.cut()
            return
        # Another process's writer that holds the lock: the app's writers meet "database is locked".
        self.holder = sqlite3.connect(self.url.database, check_same_thread=False)
        self.holder.execute("BEGIN IMMEDIATE")

    def end(self) -> None:
        if self.proxy is not None:
            self.proxy.restore()
            return
        self.holder.rollback()
        self.holder.close()

    def close(self) -> None:
        if self.proxy is not None:
            self.proxy.close()


@pytest.fixture
def outage_notify(stack, mail_dir, monkeypatch):
    """The notify app reaching its database through a ``DatabaseOutage``; SQLite writers wait at most 1 s."""
    from services.notify import create_app

    monkeypatch.setenv("OSL_SQLITE_BUSY_SECONDS", "1")
    outage = DatabaseOutage(stack.database_url("notify", create_app))
    app = make_app(create_app, stack, "notify", DATABASE_URL=outage.app_url, MAIL_DIR=mail_dir, SMTP=None,
                   BASE_URL="https://osl.example", PUBLIC_HOST="osl.example", SEND_RETRY_BASE_SECONDS=0.0,
                   SEND_RETRY_MAX_SECONDS=0.0)
    add_districts(app)
    yield app, outage
    app.extensions["osl"].database.dispose()
    outage.close()


class FailsTheWrite(MailFolder):
    """Sends the ``at``-th mail, then takes the database away for ``seconds``, so that recording it fails."""

    def __init__(self, folder, outage: DatabaseOutage, at: int, seconds: float):
        super().__init__(folder)
        self.outage, self.at, self.seconds, self.calls = outage, at, seconds, 0

    def send(self, message) -> None:
        super().send(message)
        self.calls += 1
        if self.calls == self.at:
            self.outage.start()
            threading.Timer(self.seconds, self.outage.end).start()


def recipients(mail_dir) -> Counter:
    return Counter(mail["To"].addresses[0].addr_spec for mail in folder_mails(mail_dir))


def test_the_database_failing_during_the_outcome_write_sends_no_mail_twice(outage_notify, mail_dir):
    app, outage = outage_notify
    add_subscribers(app, 6)
    handle(app, "event.published")
    transport = FailsTheWrite(mail_dir, outage, at=2, seconds=3)
    sender = Sender(app.extensions["osl"].database, {**app.config, "SEND_BATCH_SIZE": 6}, transport=transport)
    # The second mail's outcome is held until the database answers; the other four are given back, not held.
    assert sender.send_due() == 2
    assert sender.fault_retries > 0
    assert statuses(app) == {"sent": 2, "queued": 4}
    assert sender.send_due() == 4
    assert statuses(app) == {"sent": 6}
    assert recipients(mail_dir) == Counter({f"s{i}@example.org": 1 for i in range(6)})


@pytest.mark.slow
def test_a_20_second_database_outage_under_a_backlog_loses_nothing_and_repeats_nothing(outage_notify, mail_dir,
                                                                                        caplog):
    """The issue's case: the database goes for 20 s while notify has event messages queued. Afterwards every notice
    is sent once, with no dead letters and nobody acting; meanwhile the API answers 503 with Retry-After."""
    caplog.set_level(logging.INFO)
    app, outage = outage_notify
    add_subscribers(app, 40)
    events = [Envelope.new("event.published", event_snapshot(id=str(uuid.uuid4()))) for _ in range(12)]
    publish(app, *events[:6])
    consumer = worker(app)
    sender = Sender(app.extensions["osl"].database, {**app.config, "SEND_BATCH_SIZE": 10, "SEND_POLL_SECONDS": 0.1})
    expected = 40 * len(events)
    with running(consumer), running(sender):
        wait_until(lambda: len(list(mail_dir.glob("*.eml"))) >= 20, timeout=60, message="the first mails out")
        outage.start()
        try:
            publish(app, *events[6:])  # the bus still takes the events service's messages
            wait_until(lambda: consumer.down == "database" or consumer.fault_retries, timeout=30,
                       message="the consumer meeting the outage")
            answer = app.test_client().post("/api/v1/subscriptions/", json={**REQUEST, "email": "x@example.org"})
            assert answer.status_code == 503 and answer.headers["Retry-After"].isdigit()
            threading.Event().wait(20)
        finally:
            outage.end()
        wait_until(lambda: len(list(mail_dir.glob("*.eml"))) >= expected, timeout=240, message="every mail out")
        wait_until(lambda: statuses(app) == {"sent": expected}, timeout=30, message="every notice recorded sent")
    assert consumer.fault_retries > 0 and sender.fault_retries > 0  # both really met the outage
    assert not [r for r in caplog.records if r.exc_info], "a known outage logs no traceback"
    assert list_dead_letters(app.extensions["osl"].bus, "notify") == []
    sent = recipients(mail_dir)
    assert sum(sent.values()) == expected  # none twice
    assert sent == Counter({f"s{i}@example.org": len(events) for i in range(40)})


# --- a long SMTP outage, on a fast clock ----------------------------------------------------------------------


class Clock:
    def __init__(self):
        self.now = utcnow()

    def __call__(self):
        return self.now


class SmtpOutage(MailFolder):
    """A mail server that answers 421 until ``clock`` reaches ``back_at``."""

    def __init__(self, folder, clock: Clock, back_at):
        super().__init__(folder)
        self.clock, self.back_at, self.refused = clock, back_at, 0

    def send(self, message) -> None:
        if self.clock() < self.back_at:
            self.refused += 1
            raise TemporaryFailure("421 4.3.2 Service not available, closing transmission channel")
        super().send(message)


def _run_until_settled(app, sender: Sender, clock: Clock) -> None:
    """Send whatever is due, moving the clock on to the next notice due, until nothing is left queued."""
    database = app.extensions["osl"].database
    for _ in range(10_000):
        sender.send_due(limit=1000)
        with database.session() as session:
            due = session.scalar(select(func.min(Notice.next_attempt_at)).where(Notice.status == "queued"))
        if due is None:
            return
        clock.now = max(clock.now, due.replace(tzinfo=clock.now.tzinfo) if due.tzinfo is None else due)
    raise AssertionError("the queue never settled")


@pytest.fixture
def fast_clock(monkeypatch):
    clock = Clock()
    for module in ("notices", "operations.notices"):  # the sender's clock, and that of the marks it writes
        monkeypatch.setattr(f"services.notify.{module}.utcnow", clock)
    return clock


def _long_outage(app, mail_dir, clock, **config) -> tuple[Sender, SmtpOutage]:
    add_subscribers(app, 8)
    handle(app, "event.published")
    transport = SmtpOutage(mail_dir, clock, back_at=clock.now + timedelta(hours=2))
    # The production backoff: 30 s doubling up to 15 minutes.
    settings = {**app.config, "SEND_RETRY_BASE_SECONDS": 30.0, "SEND_RETRY_MAX_SECONDS": 900.0, **config}
    return Sender(app.extensions["osl"].database, settings, transport=transport), transport


def test_a_two_hour_smtp_outage_ends_with_every_notice_delivered_once(notify, mail_dir, fast_clock):
    sender, transport = _long_outage(notify, mail_dir, fast_clock)
    started = fast_clock.now
    _run_until_settled(notify, sender, fast_clock)
    assert statuses(notify) == {"sent": 8}
    assert transport.refused > 8 * 5  # each notice was refused many times over the two hours
    assert recipients(mail_dir) == Counter({f"s{i}@example.org": 1 for i in range(8)})
    # Delivered within one longest backoff of the server's return.
    assert fast_clock.now - started <= timedelta(hours=2, seconds=900)


def test_notices_failed_by_an_outage_longer_than_the_retry_period_are_resent_in_one_call_once_each(
        notify, mail_dir, fast_clock):
    sender, transport = _long_outage(notify, mail_dir, fast_clock, SEND_RETRY_SECONDS=3600.0)
    _run_until_settled(notify, sender, fast_clock)
    assert statuses(notify) == {"failed": 8}  # given up after an hour of retries
    assert list(mail_dir.glob("*.eml")) == []
    with notify.extensions["osl"].database.session() as session:  # a failure of another kind, not to be resent
        other = session.scalars(select(Notice)).first()
        other.last_error = "550 5.1.1 No such user here"
    fast_clock.now += timedelta(hours=2)  # the mail server is back

    client = notify.test_client()
    assert client.post("/api/v1/notices/resend", json={"reason": "421"}).status_code == 401
    assert client.post("/api/v1/notices/resend", json={"kind": "nonsense"}, headers=ADMIN).status_code == 422
    later = (utcnow() + timedelta(days=1)).isoformat()
    assert client.post("/api/v1/notices/resend", json={"created_from": later}, headers=ADMIN).json == {"resent": 0}
    assert client.post("/api/v1/notices/resend", json={"event_id": "no-such-event"}, headers=ADMIN).json == \
        {"resent": 0}
    answer = client.post("/api/v1/notices/resend", json={"reason": "421", "event_id": str(uuid.UUID(int=7)),
                                                         "created_to": later}, headers=ADMIN)
    assert answer.status_code == 200 and answer.json == {"resent": 7}
    # A second call, as a retried request would be, queues nothing more.
    assert client.post("/api/v1/notices/resend", json={"reason": "421"}, headers=ADMIN).json == {"resent": 0}
    _run_until_settled(notify, sender, fast_clock)
    assert statuses(notify) == {"sent": 7, "failed": 1}
    sent = recipients(mail_dir)
    assert sum(sent.values()) == 7 and set(sent.values()) == {1}
