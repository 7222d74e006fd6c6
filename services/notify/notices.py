"""Notices: queued in the transaction that causes them, sent later by the sender, retried with backoff."""

import logging
import threading
import time
from datetime import timedelta

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from services.messaging.models import utcnow
from services.notify import scheduler
from services.notify.delivery import Outgoing, PermanentFailure, TemporaryFailure, make_transport
from services.notify.mail.compose import build_message, new_message_id
from services.notify.mail.fanout import prepared
from services.notify.models import Notice, Organisation, Subscriber
from services.notify.tokens import contact_links, links

log = logging.getLogger(__name__)
#: Notices claimed and committed together. The default is one: a sender that dies between SMTP's answer and its
#: commit can then send at most that one notice again. ``NOTIFY_SEND_BATCH`` raises it on PostgreSQL for more
#: throughput, at the price of up to that many repeats after a crash. On SQLite a transaction holds the database's
#: only write lock, so there it stays one, as the API must not wait for SMTP.
SEND_BATCH_SIZE = {"postgresql": 1, "sqlite": 1}


def queue_confirmation(session, subscriber: Subscriber, language: str) -> Notice:
    """A confirmation e-mail, in the language of the request it answers."""
    notice = Notice(subscriber_id=subscriber.id, kind="confirmation", payload={"language": language}, status="queued",
                    next_attempt_at=utcnow())
    session.add(notice)
    return notice


def retry_delay(config: dict, attempts: int) -> float:
    return min(config["SEND_RETRY_BASE_SECONDS"] * 2 ** (attempts - 1), config["SEND_RETRY_MAX_SECONDS"])


class Sender:
    """Sends due notices through one transport (one SMTP connection, reused)."""

    def __init__(self, database, config: dict, transport=None):
        self.database = database
        self.config = config
        self.transport = transport or make_transport(config)
        self.stopping = threading.Event()
        dialect = database.engine.dialect.name
        wanted = config.get("SEND_BATCH_SIZE") or SEND_BATCH_SIZE.get(dialect, 1)
        self.batch_size = wanted if dialect == "postgresql" else 1

    def stop(self, *_args) -> None:
        self.stopping.set()

    def run(self) -> None:
        """Send until stopped; an idle sender looks for due notices every ``SEND_POLL_SECONDS``."""
        log.info("sender started (%s)", type(self.transport).__name__)
        last_schedule = 0.0
        try:
            while not self.stopping.is_set():
                if time.monotonic() - last_schedule >= self.config["SCHEDULE_SECONDS"]:
                    last_schedule = time.monotonic()
                    self.schedule()
                try:
                    sent = self.send_due()
                except Exception:  # a database outage must not end the sender; the next loop tries again
                    log.exception("sender: sending failed; trying again")
                    sent = 0
                if sent == 0:
                    self.stopping.wait(self.config["SEND_POLL_SECONDS"])
        finally:
            self.transport.close()
            log.info("sender stopped")

    def schedule(self) -> None:
        """Queue due reminders and digests; another sender doing the same at that moment is harmless."""
        try:
            scheduler.tick(self.database, self.config, utcnow())
        except IntegrityError:
            log.info("scheduler: another sender queued the same notices first")
        except Exception:  # as above: the loop outlives an outage
            log.exception("scheduler: failed; trying again later")

    def send_due(self, limit: int = 100) -> int:
        """Try every due notice once, a batch at a time; returns how many were tried."""
        tried, after = 0, 0
        while tried < limit and not self.stopping.is_set():
            size = min(self.batch_size, limit - tried)
            count, after, whole = self.send_batch(size, after)
            tried += count
            if count == 0 or not whole:
                break
        return tried

    def send_batch(self, size: int, after: int = 0) -> tuple[int, int, bool]:
        """Claim up to ``size`` due notices (ids above ``after``) in one transaction, send them, and record every
        outcome in that transaction's commit; returns how many were tried, the last id tried, and whether the
        whole batch was tried: a temporary failure (SMTP down?) or a stop leaves the rest queued for the next one.

        The rows stay locked until the commit, so a second sender skips them; a crash before the commit sends
        at most this batch again (as a crash between SMTP's answer and the commit always could, one notice).
        """
        with self.database.session() as session:
            if self.database.engine.dialect.name == "postgresql":
                # Marking a notice sent need not wait for the disk: the commit still reaches the server before the
                # next notice goes out, so a sender crash repeats nothing; only a crash of PostgreSQL itself within
                # its WAL writer delay (0.2 s by default) could forget a mark, and send that notice again.
                session.execute(text("SET LOCAL synchronous_commit TO OFF"))
            query = (select(Notice).where(Notice.status == "queued", Notice.next_attempt_at <= utcnow(),
                                          Notice.id > after)
                     .order_by(Notice.id).limit(size).with_for_update(skip_locked=True))
            notices = session.scalars(query).all()
            if not notices:
                return 0, after, True
            subscribers = self._by_id(session, Subscriber, {n.subscriber_id for n in notices})
            organisations = self._by_id(session, Organisation, {n.organisation_id for n in notices})
            tried = 0
            for notice in notices:
                if self.stopping.is_set():
                    break
                self._send(notice, subscribers.get(notice.subscriber_id), organisations.get(notice.organisation_id))
                tried, after = tried + 1, notice.id
                if notice.status == "queued":  # a temporary failure: the next notices wait for the next round
                    return tried, after, False
            return tried, after, tried == len(notices)

    @staticmethod
    def _by_id(session, model, ids: set) -> dict:
        ids.discard(None)
        return {row.id: row for row in session.scalars(select(model).where(model.id.in_(ids)))} if ids else {}

    def send_one(self, notice_id: int) -> str | None:
        """Send one queued notice, holding its row so that a second sender skips it; returns its new status."""
        with self.database.session() as session:
            notice = session.scalar(select(Notice).where(Notice.id == notice_id, Notice.status == "queued")
                                    .with_for_update(skip_locked=True))
            if notice is None:
                return None
            self._send(notice, notice.subscriber_id and session.get(Subscriber, notice.subscriber_id),
                       notice.organisation_id and session.get(Organisation, notice.organisation_id))
            return notice.status

    def _send(self, notice: Notice, subscriber: Subscriber | None, organisation: Organisation | None) -> None:
        notice.attempts += 1
        notice.message_id = notice.message_id or new_message_id(self.config["PUBLIC_HOST"])
        try:
            self.transport.send(self._message(notice, subscriber, organisation))
        except TemporaryFailure as exc:
            self._temporary(notice, exc)
        except PermanentFailure as exc:
            notice.status, notice.last_error = "failed", str(exc)
            log.warning("notice %s failed for good: %s", notice.id, exc)
        except Exception as exc:  # a message that cannot be built or encoded: failed, visible, resendable
            notice.status, notice.last_error = "failed", f"{type(exc).__name__}: {exc}"[:1000]
            log.exception("notice %s could not be sent", notice.id)
        else:
            notice.status, notice.sent_at, notice.last_error = "sent", utcnow(), None
            log.info("notice %s (%s) sent as %s", notice.id, notice.kind, notice.message_id)

    def _temporary(self, notice: Notice, exc: Exception) -> None:
        notice.last_error = str(exc)
        if notice.attempts >= self.config["SEND_MAX_ATTEMPTS"]:
            notice.status = "failed"
            log.warning("notice %s failed after %d tries: %s", notice.id, notice.attempts, exc)
            return
        delay = retry_delay(self.config, notice.attempts)
        notice.next_attempt_at = utcnow() + timedelta(seconds=delay)
        log.info("notice %s: temporary failure (try %d), retrying in %.0f s: %s", notice.id, notice.attempts,
                 delay, exc)

    def _message(self, notice: Notice, subscriber: Subscriber | None, organisation: Organisation | None):
        """The e-mail of a notice: a copy of the one prepared for its event when it can be, else built whole."""
        if organisation is not None:
            language, to, signed = "pl", organisation.email, contact_links(self.config, organisation.id)
        else:
            language = notice.payload.get("language") or subscriber.language
            to, signed = subscriber.email, links(self.config, subscriber.key)
        shared = prepared(self.config, notice.kind, language, notice.payload, tuple(sorted(signed)))
        data = shared and shared.copy(to, signed, notice.message_id)
        if data is not None:
            return Outgoing(shared.mail_from, (to,), data, shared.subject)
        return build_message(self.config, kind=notice.kind, language=language, to=to, links=signed,
                             payload=notice.payload, message_id=notice.message_id)


def resend(notice: Notice) -> None:
    """Queue a failed notice again, for a fresh set of tries."""
    notice.status, notice.attempts, notice.next_attempt_at = "queued", 0, utcnow()
