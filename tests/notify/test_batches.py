"""The sender claims due notices a batch at a time and records each outcome before the next mail: one fan-out sends
each notice once, a second sender skips the batch the first one holds, a temporary failure or a stop gives the rest
of the batch back, and the claims of a sender that died fall due again once their hold runs out."""

import time
from email import message_from_bytes
from email.policy import default

import pytest
from sqlalchemy import func, insert, select, update

from services.messaging.models import utcnow
from services.notify.delivery import MailFolder
from services.notify.models import Notice, Subscriber
from services.notify.notices import Sender
from tests.notify.conftest import folder_mails
from tests.notify.test_consumers import handle


def add_subscribers(app, count: int) -> None:
    rows = [dict(key=f"key{i}", email=f"s{i}@example.org", status="confirmed", districts=[], audiences=[],
                 frequency="immediate", reminders=False, language="pl" if i % 2 else "en",
                 consent_version="2026-11-23", consent_text="…", consent_at=utcnow()) for i in range(count)]
    with app.extensions["osl"].database.session() as session:
        session.execute(insert(Subscriber), rows)


def statuses(app) -> dict[str, int]:
    with app.extensions["osl"].database.session() as session:
        return dict(session.execute(select(Notice.status, func.count()).group_by(Notice.status)).all())


def test_a_fan_out_sends_each_subscriber_one_mail_with_their_own_links(notify, mail_dir):
    add_subscribers(notify, 45)
    handle(notify, "event.published")
    sender = Sender(notify.extensions["osl"].database, {**notify.config, "SEND_BATCH_SIZE": 7})
    assert sender.send_due(limit=1000) == 45
    assert statuses(notify) == {"sent": 45}
    mails = folder_mails(mail_dir)
    assert sorted(m["To"].addresses[0].addr_spec for m in mails) == sorted(f"s{i}@example.org" for i in range(45))
    assert len({m["Message-ID"] for m in mails}) == 45
    for mail in mails:
        text = mail.get_body(("plain",)).get_content()
        english = mail["Content-Language"] == "en"
        assert mail["Subject"].startswith("New event" if english else "Nowe wydarzenie")
        assert str(mail["List-Unsubscribe"]).split(">")[0][1:] in text  # the link in the text is the header's
    assert len({str(m["List-Unsubscribe"]) for m in mails}) == 45
    assert sender.send_due() == 0


class Reentrant(MailFolder):
    """Writes .eml files; during its first mail, a second sender sends what it can."""

    def __init__(self, folder, second: Sender):
        super().__init__(folder)
        self.second = second
        self.second_sent: int | None = None

    def send(self, message) -> None:
        if self.second_sent is None:
            self.second_sent = self.second.send_due()
        super().send(message)


def test_a_second_sender_skips_the_batch_the_first_one_holds(notify, mail_dir):
    add_subscribers(notify, 5)
    handle(notify, "event.published")
    database = notify.extensions["osl"].database
    second = Sender(database, {**notify.config, "SEND_BATCH_SIZE": 10}, transport=MailFolder(mail_dir))
    first = Sender(database, {**notify.config, "SEND_BATCH_SIZE": 3}, transport=Reentrant(mail_dir, second))
    assert first.send_due() == 3  # its batch; the other two were sent by the second sender meanwhile
    assert first.transport.second_sent == 2
    assert statuses(notify) == {"sent": 5}
    recipients = [message_from_bytes(p.read_bytes(), policy=default)["To"].addresses[0].addr_spec
                  for p in mail_dir.glob("*.eml")]
    assert sorted(recipients) == sorted(f"s{i}@example.org" for i in range(5))


class Flaky(MailFolder):
    """Answers the second mail with a temporary failure."""

    def __init__(self, folder):
        super().__init__(folder)
        self.calls = 0

    def send(self, message) -> None:
        from services.notify.delivery import TemporaryFailure

        self.calls += 1
        if self.calls == 2:
            raise TemporaryFailure("421 try later")
        super().send(message)


def test_a_temporary_failure_ends_the_batch_and_the_rest_goes_next_round(notify, mail_dir):
    add_subscribers(notify, 4)
    handle(notify, "event.published")
    sender = Sender(notify.extensions["osl"].database, notify.config, transport=Flaky(mail_dir))
    assert sender.send_due() == 2  # sent one, the second failed: the two after it were not tried
    assert statuses(notify) == {"sent": 1, "queued": 3}
    assert sender.send_due() == 3  # the test's backoff is zero
    assert statuses(notify) == {"sent": 4} and len(folder_mails(mail_dir)) == 4


class Recording(MailFolder):
    """Writes .eml files and, with each, what the database says of every notice at that moment."""

    def __init__(self, folder, app, stop_after: int | None = None, sender: Sender | None = None):
        super().__init__(folder)
        self.app, self.stop_after, self.sender, self.seen = app, stop_after, sender, []

    def send(self, message) -> None:
        self.seen.append(statuses(self.app))
        super().send(message)
        if self.stop_after is not None and len(self.seen) == self.stop_after:
            self.sender.stop()


def test_each_outcome_is_committed_before_the_next_mail_goes_out(notify, mail_dir):
    add_subscribers(notify, 4)
    handle(notify, "event.published")
    transport = Recording(mail_dir, notify)
    sender = Sender(notify.extensions["osl"].database, {**notify.config, "SEND_BATCH_SIZE": 4}, transport=transport)
    assert sender.send_due() == 4
    # As each mail goes out, the ones before it are already recorded as sent: a crash repeats at most one.
    assert transport.seen == [{"sending": 4}, {"sent": 1, "sending": 3}, {"sent": 2, "sending": 2},
                              {"sent": 3, "sending": 1}]
    assert statuses(notify) == {"sent": 4}


def test_a_stop_gives_the_rest_of_the_batch_back(notify, mail_dir):
    add_subscribers(notify, 5)
    handle(notify, "event.published")
    database = notify.extensions["osl"].database
    sender = Sender(database, {**notify.config, "SEND_BATCH_SIZE": 5}, transport=None)
    sender.transport = Recording(mail_dir, notify, stop_after=2, sender=sender)
    assert sender.send_due() == 2
    assert statuses(notify) == {"sent": 2, "queued": 3}
    assert Sender(database, notify.config, transport=MailFolder(mail_dir)).send_due() == 3
    assert len(folder_mails(mail_dir)) == 5


class Dies(MailFolder):
    """Sends one mail, then the process 'dies' (an exception no code path catches) before recording it."""

    def send(self, message) -> None:
        super().send(message)
        raise SystemExit("killed")


def test_the_claims_of_a_sender_that_died_fall_due_when_their_hold_runs_out(notify, mail_dir):
    add_subscribers(notify, 3)
    handle(notify, "event.published")
    database = notify.extensions["osl"].database
    dead = Sender(database, {**notify.config, "SEND_BATCH_SIZE": 3}, transport=Dies(mail_dir))
    dead._release = lambda ids: None  # a killed process gives nothing back
    with pytest.raises(SystemExit):
        dead.send_due()
    assert statuses(notify) == {"sending": 3}
    other = Sender(database, notify.config, transport=MailFolder(mail_dir))
    assert other.send_due() == 0  # still held
    with database.session() as session:  # the hold runs out
        session.execute(update(Notice).values(next_attempt_at=utcnow()))
    assert other.send_due() == 3
    assert statuses(notify) == {"sent": 3}
    recipients = sorted(m["To"].addresses[0].addr_spec for m in folder_mails(mail_dir))
    # The one mail the dead sender had in hand goes twice; none of the others do.
    assert len(recipients) == 4 and len(set(recipients)) == 3


class Slow(MailFolder):
    """Takes its time over each mail; meanwhile, notes how many claimed notices another sender could take."""

    def __init__(self, folder, app, seconds: float):
        super().__init__(folder)
        self.app, self.seconds, self.up_for_grabs = app, seconds, []

    def send(self, message) -> None:
        time.sleep(self.seconds)
        with self.app.extensions["osl"].database.session() as session:
            self.up_for_grabs.append(session.scalar(select(func.count()).select_from(Notice).where(
                Notice.status == "sending", Notice.next_attempt_at <= utcnow())))
        super().send(message)


def test_a_slow_batch_renews_its_hold_so_no_other_sender_takes_it(notify, mail_dir):
    add_subscribers(notify, 8)
    handle(notify, "event.published")
    transport = Slow(mail_dir, notify, seconds=0.3)
    config = {**notify.config, "SEND_BATCH_SIZE": 8, "SEND_CLAIM_SECONDS": 1.5}
    assert Sender(notify.extensions["osl"].database, config, transport=transport).send_due() == 8
    # The batch takes 2.4 s against a 1.5 s hold: without renewing, its tail would have been free for the taking.
    # (The hold is renewed once half of it has gone, checked before each mail: a mail may take up to 0.75 s, its
    # rendering included, before the count sees a claim run out; a loaded test machine takes far less.)
    assert transport.up_for_grabs == [0] * 8
    assert statuses(notify) == {"sent": 8}
