"""Pulling due sources on a schedule: ``python -m services.events import``.

Each source is pulled in a worker thread of its own within its budgets (the fetch's total time, then the parse and
sync's), so a hostile or slow source holds one worker for a bounded time and never the others. A source is claimed
before it is pulled (its ``next_due_at`` moved past the budgets), so two import processes never pull it at once.

After a pull, the source shows what happened (status, ETag, counts, warnings) and when it is due again: the feed's
REFRESH-INTERVAL / X-PUBLISHED-TTL within 15 minutes and a day, else ``IMPORT_REFRESH_SECONDS``. A 410 switches the
source off; other failures back off (15 minutes, doubling up to 6 hours), and once a source has failed for a day
its organisation is told by e-mail (``import_source.failing``, which notify sends), once per run of failures.
"""

import hashlib
import logging
import re
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from datetime import datetime, timedelta

from sqlalchemy import select, update

from services.calendar import recurrence
from services.events.imports.fetch import FetchError, FetchLimits, fetch
from services.events.imports.parse import MAX_REFRESH, MIN_REFRESH, FeedError, parse
from services.events.imports.sync import Counts, known_blocks, sync
from services.events.models import ImportSource, OutboxMessage
from services.messaging.faults import fault_of
from services.messaging.metrics import job_run
from services.messaging.models import utcnow
from services.messaging.outbox import add_message

log = logging.getLogger(__name__)

FIRST_BACKOFF = timedelta(minutes=15)
LONGEST_BACKOFF = timedelta(hours=6)
#: A source failing this long is reported to its organisation.
REPORT_AFTER = timedelta(days=1)


def _database(app):
    return app.extensions["osl"].database


def claim_due(app, limit: int, now: datetime | None = None) -> list[int]:
    """Take up to ``limit`` due sources, soonest due first, moving them past their budgets so nobody else does."""
    now = now or utcnow()
    lease = timedelta(seconds=app.config["IMPORT_FETCH_SECONDS"] + app.config["IMPORT_SYNC_SECONDS"] + 60)
    with _database(app).session() as session:
        query = (select(ImportSource.id).where(ImportSource.enabled.is_(True), ImportSource.next_due_at <= now)
                 .order_by(ImportSource.next_due_at).limit(limit).with_for_update(skip_locked=True))
        ids = list(session.scalars(query))
        if ids:
            session.execute(update(ImportSource).where(ImportSource.id.in_(ids)).values(next_due_at=now + lease))
    return ids


def pull(app, source_id: int, resolver=None) -> str:
    """Fetch, parse and sync one source now; returns its status afterwards."""
    with app.app_context():
        with _database(app).session(read_only=True) as session:
            source = session.get(ImportSource, source_id)
            if source is None or not source.enabled:
                return "off"
            url, etag, last_modified = source.url, source.etag, source.last_modified
        try:
            fetched = fetch(url, FetchLimits.of(app.config), etag, last_modified, resolver=resolver)
        except FetchError as exc:
            return _record_failure(app, source_id, exc.kind, str(exc), exc.status)
        if fetched.status == 304:
            return _record(app, source_id, "not_modified", fetched)
        try:
            with recurrence.time_budget(app.config["IMPORT_SYNC_SECONDS"]):
                return _sync(app, source_id, fetched)
        except FeedError as exc:
            return _record_failure(app, source_id, "feed", f"unreadable feed: {exc}")
        except recurrence.OverBudget:
            return _record_failure(app, source_id, "timeout", "reading the feed took longer than its time budget")
        except Exception as exc:
            if fault_of(exc) is not None:  # the database is down: the source is pulled again once its claim ends
                raise
            # A feed this code cannot read is the feed's failure, shown on the source; the worker goes on.
            log.exception("import source %s: the feed could not be synced", source_id)
            return _record_failure(app, source_id, "feed", f"unreadable feed: {type(exc).__name__}")


#: DTSTAMP says when the feed was made (Google: at every request), not what it holds.
_STAMPS = re.compile(rb"^DTSTAMP[;:][^\r\n]*\r?\n", re.MULTILINE | re.IGNORECASE)


def content_hash(body: bytes) -> str:
    """The hash of what a feed holds: its bytes but the DTSTAMPs. The same again is not even parsed."""
    return hashlib.sha256(_STAMPS.sub(b"", body)).hexdigest()


def _sync(app, source_id: int, fetched) -> str:
    digest = content_hash(fetched.body)
    with _database(app).session(read_only=True) as session:
        source = session.get(ImportSource, source_id)
        if source.body_hash == digest:
            return _record(app, source_id, "ok", fetched, same_body=True)
        known = known_blocks(session, source) if source.body_hash else {}  # none after new defaults
        previous_warnings = list(source.warnings or [])
    feed = parse(fetched.body, fetched.charset, app.config["IMPORT_MAX_EVENTS"], known)
    now = utcnow()
    window = (now - timedelta(days=app.config["IMPORT_PAST_DAYS"]),
              now + timedelta(days=app.config["IMPORT_FUTURE_DAYS"]))
    with _database(app).session() as session:
        source = session.get(ImportSource, source_id, with_for_update=True)
        if source is None or not source.enabled:
            return "off"
        # What was not parsed again said nothing new: its warnings of last time still hold.
        warnings = list(dict.fromkeys(feed.warnings + (previous_warnings if feed.unchanged else [])))
        counts = sync(session, source, feed, window, warnings)
        source.refresh_seconds = feed.refresh_seconds
        source.body_hash = digest
        _succeeded(app, source, "ok", fetched, counts, warnings)
    return "ok"


def _record(app, source_id: int, status: str, fetched, same_body: bool = False) -> str:
    """A pull that changed nothing: a 304, or the very body synced last time."""
    with _database(app).session() as session:
        source = session.get(ImportSource, source_id, with_for_update=True)
        if source is None:
            return "off"
        seen = source.new_count + source.changed_count + source.unchanged_count
        counts = Counts(unchanged=seen) if same_body or status == "not_modified" else Counts()
        _succeeded(app, source, status, fetched, counts, source.warnings)
    return status


def _succeeded(app, source: ImportSource, status: str, fetched, counts: Counts, warnings: list) -> None:
    now = utcnow()
    source.status, source.last_error = status, None
    source.last_fetch_at = source.last_success_at = now
    source.etag = fetched.etag or (source.etag if status == "not_modified" else None)
    source.last_modified = fetched.last_modified or (source.last_modified if status == "not_modified" else None)
    source.new_count, source.changed_count = counts.new, counts.changed
    source.cancelled_count, source.unchanged_count = counts.cancelled, counts.unchanged
    source.warnings = list(warnings)[:60]
    source.failures, source.failing_since, source.failure_reported_at = 0, None, None
    every = source.refresh_seconds or app.config["IMPORT_REFRESH_SECONDS"]
    source.next_due_at = now + timedelta(seconds=min(max(every, MIN_REFRESH), MAX_REFRESH))


def _record_failure(app, source_id: int, kind: str, message: str, status: int | None = None) -> str:
    now = utcnow()
    with _database(app).session() as session:
        source = session.get(ImportSource, source_id, with_for_update=True)
        if source is None:
            return "off"
        source.last_fetch_at, source.last_error = now, message[:1000]
        if status == 410:
            source.status, source.enabled = "gone", False
            log.info("import source %s answered 410 Gone: switched off", source_id)
            return "gone"
        source.failures += 1
        source.failing_since = source.failing_since or now
        source.status = "refused" if kind == "refused" else "failed"
        source.next_due_at = now + min(FIRST_BACKOFF * 2 ** (source.failures - 1), LONGEST_BACKOFF)
        log.info("import source %s failed (%d in a row): %s", source_id, source.failures, message[:200])
        if now - source.failing_since >= REPORT_AFTER and source.failure_reported_at is None:
            add_message(session, OutboxMessage, "import_source.failing", {
                "source_id": source.id, "organisation_id": source.organisation_id, "url": source.url,
                "failing_since": source.failing_since.isoformat(), "failures": source.failures,
                "last_error": source.last_error})
            source.failure_reported_at = now
        return source.status


class Importer:
    """The import process: claims due sources and pulls each in a worker thread, until stopped."""

    def __init__(self, app, resolver=None):
        self.app = app
        self.resolver = resolver
        self.stopping = threading.Event()
        self.backoff = app.config["BUS"].backoff()

    def stop(self, *_args) -> None:
        self.stopping.set()

    def run(self) -> None:
        workers = max(1, self.app.config["IMPORT_WORKERS"])
        poll = self.app.config["IMPORT_POLL_SECONDS"]
        in_flight = {}
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="import") as pool:
            while not self.stopping.is_set():
                try:
                    # One look for due sources is one run of the ``import`` job (its metrics: runs, errors, the
                    # time of the last success); each source's own health is on the source.
                    with job_run("import"):
                        free = workers - len(in_flight)
                        for source_id in claim_due(self.app, free) if free else []:
                            in_flight[pool.submit(pull, self.app, source_id, self.resolver)] = source_id
                    self.backoff.reset()
                except Exception as exc:  # a database outage is waited out, never fatal
                    fault = fault_of(exc)
                    if fault is None:
                        log.exception("import: unexpected error")
                    else:
                        log.warning("import: the %s is down; trying again", fault)
                    self.stopping.wait(self.backoff.next())
                    continue
                if in_flight:
                    done, _ = wait(in_flight, timeout=poll, return_when=FIRST_COMPLETED)
                    for future in done:
                        source_id = in_flight.pop(future)
                        if future.exception() is not None:
                            log.error("import source %s: %r", source_id, future.exception())
                else:
                    self.stopping.wait(poll)
            for future in list(in_flight):
                future.cancel()
        log.info("import stopped")


def run_once(app, resolver=None, deadline_seconds: float = 600) -> None:
    """Pull every due source once, in parallel as the process would (for tests and the benchmark)."""
    with ThreadPoolExecutor(max_workers=max(1, app.config["IMPORT_WORKERS"])) as pool:
        futures = [pool.submit(pull, app, source_id, resolver) for source_id in claim_due(app, 10_000)]
        started = time.monotonic()
        for future in futures:
            future.result(timeout=max(1.0, deadline_seconds - (time.monotonic() - started)))
