"""Notices: queued in the transaction that causes them, sent later by the sender, retried with backoff. What each
step writes (a claim, its renewal or release, an outcome) is in operations.py; this module sends."""

import logging
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from services.messaging.faults import fault_of, reason
from services.messaging.metrics import NOTICES, NOTICES_SENT, CountsCollector, job_run, smtp_timer
from services.messaging.models import utcnow
from services.notify import operations, scheduler
from services.notify.account_mail import build_account_message, forgotten, is_account_mail
from services.notify.delivery import Outgoing, PermanentFailure, TemporaryFailure, make_transport
from services.notify.mail.compose import build_message, new_message_id
from services.notify.mail.fanout import prepared
from services.notify.models import MemberContact, Notice, Organisation, Registration, Subscriber
from services.notify.models.notices import STATUSES as NOTICE_STATUSES
from services.notify.tokens import MEMBER, contact_links, links, registration_links

log = logging.getLogger(__name__)


def retry_delay(config: dict, attempts: int) -> float:
    return min(config["SEND_RETRY_BASE_SECONDS"] * 2 ** min(attempts - 1, 30), config["SEND_RETRY_MAX_SECONDS"])


def retries_left(config: dict, attempts: int) -> bool:
    """Whether a notice that failed its try number ``attempts`` for a temporary reason is tried again: for as long
    as its backoff so far stays within ``SEND_RETRY_SECONDS`` (24 hours by default). Counting the backoff, not the
    clock, keeps the promise when the sender itself was stopped for a while, and starts it over on a resend."""
    waited = sum(retry_delay(config, attempt) for attempt in range(1, attempts + 1))
    return waited < config["SEND_RETRY_SECONDS"]


def notices_by_status(database) -> CountsCollector:
    """The metric of notices by status (every status shown, even when none is), counted when Prometheus scrapes
    the sender."""
    return CountsCollector(NOTICES, "Notices by status: queued, sending (claimed), sent, failed.",
                           "status", database,
                           lambda session: session.execute(select(Notice.status, func.count()).group_by(Notice.status)),
                           values=NOTICE_STATUSES)


@dataclass(frozen=True)
class Job:
    """A claimed notice, with what its e-mail needs, read in the claim's transaction."""

    id: int
    kind: str
    payload: dict
    attempts: int
    message_id: str
    to: str
    language: str
    links: dict[str, str]


class Sender:
    """Sends due notices through one transport (one SMTP connection, reused)."""

    def __init__(self, database, config: dict, transport=None):
        self.database = database
        self.config = config
        self.transport = transport or make_transport(config)
        self.stopping = threading.Event()
        self.batch_size = max(1, config["SEND_BATCH_SIZE"])
        self.hold = timedelta(seconds=config["SEND_CLAIM_SECONDS"])
        #: Waits for a database that does not answer; grows across failures, starts over once it answers.
        self.backoff = config["BUS"].backoff()
        #: Database faults waited out so far (what tests watch).
        self.fault_retries = 0

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
                except Exception as exc:  # an outage must not end the sender; the next loop tries again
                    self._wait_out("sending", exc)
                    continue
                self.backoff.reset()
                if sent == 0:
                    self.stopping.wait(self.config["SEND_POLL_SECONDS"])
        finally:
            self.transport.close()
            log.info("sender stopped")

    def schedule(self) -> None:
        """Queue due reminders and digests; another sender doing the same at that moment is harmless."""
        try:
            with job_run("notify_scheduler"):
                scheduler.tick(self.database, self.config, utcnow())
        except IntegrityError:
            log.info("scheduler: another sender queued the same notices first")
        except Exception as exc:  # as above: the loop outlives an outage
            if fault_of(exc) is None:
                log.exception("scheduler: failed; trying again later")
            else:
                log.warning("scheduler: %s unavailable, trying again later: %s", fault_of(exc), reason(exc))

    def _wait_out(self, what: str, exc: Exception) -> None:
        """After a failed step of the loop: one line for a known outage (a traceback only for the unexpected), then
        a growing, capped, jittered wait."""
        self.fault_retries += 1
        delay = self.backoff.next()
        if fault_of(exc) is None:
            log.exception("sender: %s failed; trying again in %.1f s", what, delay)
        else:
            log.warning("sender: %s: %s unavailable, trying again in %.1f s: %s", what, fault_of(exc), delay,
                        reason(exc))
        self.stopping.wait(delay)

    def send_due(self, limit: int = 100) -> int:
        """Try every due notice once, a batch at a time; returns how many were tried."""
        tried = 0
        while tried < limit and not self.stopping.is_set():
            jobs = self.claim(min(self.batch_size, limit - tried))
            count, go_on = self.send_claimed(jobs)
            tried += count
            if not jobs or not go_on:
                break
        return tried

    def claim(self, size: int) -> list[Job]:
        """Mark up to ``size`` due notices as this sender's, in one commit. A notice still ``sending`` after its hold
        ran out was claimed by a sender that died: it is claimed again (and may be sent a second time, if it was
        the one that sender had in hand)."""
        with self.database.session() as session:
            self._fast_commit(session)
            notices = operations.claim_due(session, size, self.hold,
                                           lambda: new_message_id(self.config["PUBLIC_HOST"]))
            subscribers = self._by_id(session, Subscriber, {n.subscriber_id for n in notices})
            organisations = self._by_id(session, Organisation, {n.organisation_id for n in notices})
            members = {row.membership_id: row for row in session.scalars(select(MemberContact).where(
                MemberContact.membership_id.in_({n.member_contact_id for n in notices})))}
            registrations = self._by_id(session, Registration, {n.registration_id for n in notices})
            return [self._job(notice, subscribers.get(notice.subscriber_id),
                              organisations.get(notice.organisation_id) or members.get(notice.member_contact_id),
                              registrations.get(notice.registration_id))
                    for notice in notices]

    def send_claimed(self, jobs: list[Job]) -> tuple[int, bool]:
        """Send claimed notices in order, recording each outcome before the next; a temporary failure (SMTP down?)
        or a stop gives the rest back. Returns how many were tried, and whether to go on with the next batch."""
        tried, go_on = 0, True
        renewed = time.monotonic()
        try:
            with self._marks() as marks:
                for index, job in enumerate(jobs):
                    if self.stopping.is_set():
                        break
                    if time.monotonic() - renewed > self.hold.total_seconds() / 2:  # a slow SMTP server, a low rate
                        self._renew(marks, [later.id for later in jobs[index:]])
                        renewed = time.monotonic()
                    outcome = self._send(job)
                    tried += 1
                    if not self._record(marks, job, outcome):
                        go_on = False  # the database failed: the rest of the batch is given back now
                        break
                    if outcome["status"] == "queued":
                        go_on = False
                        break
        finally:
            if tried < len(jobs):
                self._release([job.id for job in jobs[tried:]])
        return tried, go_on and tried == len(jobs)

    @contextmanager
    def _marks(self):
        """One connection for a batch's outcomes. On PostgreSQL each outcome is then one autocommitted UPDATE,
        written without waiting for the disk (see ``_fast_commit``); SQLite commits each in its own transaction."""
        with self.database.engine.connect() as connection:
            if connection.dialect.name != "postgresql":
                yield connection
                return
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.execute(text("SET synchronous_commit TO OFF"))
            try:
                yield connection
            finally:
                if not connection.invalidated:  # a connection lost to an outage goes back to the pool unused
                    connection.execute(text("RESET synchronous_commit"))

    def _fast_commit(self, session) -> None:
        if self.database.engine.dialect.name == "postgresql":
            # A claim need not wait for the disk (nor, in ``_marks``, an outcome): each commit still reaches the
            # server before the next mail goes out, so a sender crash repeats at most one; only a crash of PostgreSQL
            # itself within its WAL writer delay (0.2 s by default) could forget a mark, and send that notice again.
            session.execute(text("SET LOCAL synchronous_commit TO OFF"))

    def _record(self, marks, job: Job, values: dict) -> bool:
        """Record a sent (or failed) mail's outcome; True if the first write took. Should the database fail, the
        outcome is held here and written as soon as it answers again: a mail is never sent twice for a lost write."""
        statement = operations.record_outcome(job.id, job.attempts, values)
        try:
            self._mark(marks, statement)
            return True
        except Exception as exc:
            if fault_of(exc) != "database":
                raise
            self._rollback(marks)
            self._until_written(f"recording notice {job.id} ({values['status']})", exc, statement)
            return False

    def _until_written(self, what: str, exc: Exception, statement) -> bool:
        """Write ``statement`` in a transaction of its own, waiting out a database fault for as long as it lasts;
        False only if the sender was asked to stop first."""
        while True:
            self._wait_out(what, exc)
            try:
                with self.database.engine.begin() as connection:
                    connection.execute(statement)
            except Exception as again:
                if fault_of(again) != "database":
                    raise
                if self.stopping.is_set():
                    log.error("sender: stopped before %s could be written; the database is still down", what)
                    return False
                exc = again
                continue
            self.backoff.reset()
            log.info("sender: the database answers again; %s done", what)
            return True

    @staticmethod
    def _rollback(marks) -> None:
        try:
            marks.rollback()
        except Exception:  # the connection is gone already; the pool replaces it
            pass

    def _renew(self, marks, ids: list[int]) -> None:
        """Hold the rest of the batch longer, before the hold runs out and another sender takes it."""
        self._mark(marks, operations.renew_claims(ids, self.hold))

    @staticmethod
    def _mark(marks, statement) -> None:
        """Commit one statement on the ``_marks`` connection (autocommitted already on PostgreSQL)."""
        if marks.dialect.name == "postgresql":
            marks.execute(statement)
            return
        with marks.begin():
            marks.execute(statement)

    def _release(self, ids: list[int]) -> None:
        """Give claimed notices back at once, or as soon as the database answers again; should the sender be
        stopped before, their hold runs out instead."""
        statement = operations.release_claims(ids)
        try:
            with self.database.engine.begin() as connection:
                connection.execute(statement)
        except Exception as exc:
            if fault_of(exc) != "database":
                log.exception("sender: could not give back %d claimed notices; they fall due in %s", len(ids),
                              self.hold)
                return
            self._until_written(f"giving back {len(ids)} claimed notices", exc, statement)

    @staticmethod
    def _by_id(session, model, ids: set) -> dict:
        ids.discard(None)
        return {row.id: row for row in session.scalars(select(model).where(model.id.in_(ids)))} if ids else {}

    def _job(self, notice: Notice, subscriber: Subscriber | None,
             contact: Organisation | MemberContact | None, registration: Registration | None = None) -> Job:
        if is_account_mail(notice.kind):  # to a staff member: the address came with the request
            language, to, signed = notice.payload["language"], notice.payload["to"], {}
        elif registration is not None:
            language, to = registration.language, registration.email
            signed = registration_links(self.config, registration.key)
        elif isinstance(contact, MemberContact):
            language, to = "pl", contact.email
            signed = contact_links(self.config, f"{MEMBER}{contact.membership_id}")
        elif contact is not None:
            language, to, signed = "pl", contact.email, contact_links(self.config, str(contact.id))
        else:
            language = notice.payload.get("language") or subscriber.language
            to, signed = subscriber.email, links(self.config, subscriber.key)
        return Job(notice.id, notice.kind, notice.payload, notice.attempts + 1, notice.message_id, to, language,
                   signed)

    def _send(self, job: Job) -> dict:
        """Hand one notice to the transport; returns the columns that record the outcome."""
        try:
            message = self._message(job)
            with smtp_timer():
                self.transport.send(message)
        except TemporaryFailure as exc:
            outcome = self._temporary(job, exc)
            NOTICES_SENT.labels(job.kind, "retry" if outcome["status"] == "queued" else "failed").inc()
            return outcome
        except PermanentFailure as exc:
            NOTICES_SENT.labels(job.kind, "failed").inc()
            log.warning("notice %s failed for good: %s", job.id, exc)
            return operations.failed(str(exc))
        except Exception as exc:  # a message that cannot be built or encoded: failed, visible, resendable
            NOTICES_SENT.labels(job.kind, "failed").inc()
            log.exception("notice %s could not be sent", job.id)
            return operations.failed(f"{type(exc).__name__}: {exc}")
        NOTICES_SENT.labels(job.kind, "sent").inc()
        log.info("notice %s (%s) sent as %s", job.id, job.kind, job.message_id)
        sent = operations.sent()
        if is_account_mail(job.kind):  # its address and one-time link are not kept once sent
            sent["payload"] = forgotten(job.payload)
        return sent

    def _temporary(self, job: Job, exc: Exception) -> dict:
        if not retries_left(self.config, job.attempts):
            log.warning("notice %s failed after %d tries: %s", job.id, job.attempts, exc)
            return operations.failed(str(exc))
        delay = retry_delay(self.config, job.attempts)
        log.info("notice %s: temporary failure (try %d), retrying in %.0f s: %s", job.id, job.attempts, delay, exc)
        return operations.retry_later(str(exc), delay)

    def _message(self, job: Job):
        """The e-mail of a notice: a copy of the one prepared for its event when it can be, else built whole."""
        if is_account_mail(job.kind):
            return build_account_message(self.config, kind=job.kind, language=job.language, to=job.to,
                                         payload=job.payload, message_id=job.message_id)
        shared = prepared(self.config, job.kind, job.language, job.payload, tuple(sorted(job.links)))
        data = shared and shared.copy(job.to, job.links, job.message_id)
        if data is not None:
            return Outgoing(shared.mail_from, (job.to,), data, shared.subject)
        return build_message(self.config, kind=job.kind, language=job.language, to=job.to, links=job.links,
                             payload=job.payload, message_id=job.message_id)
