"""Notices: queued in the transaction that causes them, sent later by the sender, retried with backoff."""

import logging
import threading
import time
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.messaging.models import utcnow
from services.notify import scheduler
from services.notify.delivery import PermanentFailure, TemporaryFailure, make_transport
from services.notify.mail.compose import build_message, new_message_id
from services.notify.models import Notice, Organisation, Subscriber
from services.notify.tokens import contact_links, links

log = logging.getLogger(__name__)


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

    def _due_ids(self, limit: int) -> list[int]:
        with self.database.session() as session:
            query = (select(Notice.id).where(Notice.status == "queued", Notice.next_attempt_at <= utcnow())
                     .order_by(Notice.id).limit(limit))
            return list(session.scalars(query))

    def send_due(self, limit: int = 100) -> int:
        """Try every due notice once; returns how many were tried."""
        ids = self._due_ids(limit)
        for notice_id in ids:
            if self.stopping.is_set():
                break
            self.send_one(notice_id)
        return len(ids)

    def send_one(self, notice_id: int) -> str | None:
        """Send one queued notice, holding its row so that a second sender skips it; returns its new status."""
        with self.database.session() as session:
            notice = session.scalar(select(Notice).where(Notice.id == notice_id, Notice.status == "queued")
                                    .with_for_update(skip_locked=True))
            if notice is None:
                return None
            notice.attempts += 1
            notice.message_id = notice.message_id or new_message_id(self.config["PUBLIC_HOST"])
            try:
                self.transport.send(self._message(session, notice))
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
            return notice.status

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

    def _message(self, session, notice: Notice):
        if notice.organisation_id is not None:
            organisation = session.get(Organisation, notice.organisation_id)
            return build_message(self.config, kind=notice.kind, language="pl", to=organisation.email,
                                 links=contact_links(self.config, organisation.id), payload=notice.payload,
                                 message_id=notice.message_id)
        subscriber = session.get(Subscriber, notice.subscriber_id)
        return build_message(self.config, kind=notice.kind,
                             language=notice.payload.get("language") or subscriber.language, to=subscriber.email,
                             links=links(self.config, subscriber.key), payload=notice.payload,
                             message_id=notice.message_id)


def resend(notice: Notice) -> None:
    """Queue a failed notice again, for a fresh set of tries."""
    notice.status, notice.attempts, notice.next_attempt_at = "queued", 0, utcnow()
