"""Reminders and digests, queued by the sender's loop, which also forgets the addresses of members who have left.
Idempotent: a notice is unique on (subscriber, event or digest period, sequence, kind, occurrence), so a restart, a
second sender or a repeated tick never queues one twice.

Both work on occurrences (services/notify/occurrences.py): a weekly club gets a reminder before each meeting, once
per subscriber and meeting, and a digest lists each of its meetings in the period.
"""

import logging
from datetime import datetime, time, timedelta

from sqlalchemy import and_, or_, select

from services.calendar.times import WARSAW, local_date
from services.notify import occurrences, operations
from services.notify.consumers import matches
from services.notify.meetings import forget_former_members
from services.notify.models import EventCopy, Notice, Subscriber, aware
from services.notify.occurrences import Occurrence

log = logging.getLogger(__name__)



def _upcoming(session, start: datetime, end: datetime) -> list[Occurrence]:
    """The occurrences of public, scheduled events that start in [start, end), soonest first.

    The candidates are the events that start in the window and every series that began before its end; a series
    whose rule has run out, or that only skips the window, yields nothing.
    """
    single = and_(EventCopy.starts_at >= start, EventCopy.starts_at < end)
    series = and_(EventCopy.recurring.is_(True), EventCopy.starts_at < end)
    found: list[Occurrence] = []
    for copy in session.scalars(select(EventCopy).where(or_(single, series))):
        event = copy.snapshot
        if event["visibility"] == "public" and event["status"] == "scheduled":
            found += occurrences.between(event, start, end)
    return sorted(found, key=lambda o: (o.starts_at.timestamp(), o.event["id"]))


def _already(session, event_id: str, sequence: int, kind: str, occurrence: str = "") -> set[int]:
    return set(session.scalars(select(Notice.subscriber_id).where(
        Notice.event_id == event_id, Notice.sequence == sequence, Notice.kind == kind,
        Notice.occurrence == occurrence)))


def queue_reminders(session, found: list[Occurrence], digest_keys: tuple[str, ...] = ()) -> int:
    """A reminder of each occurrence ``found`` (those starting within the reminder hours), to confirmed subscribers
    who want them; but not of an occurrence that a subscriber's digest of the same day lists (``digest_keys``: the
    periods of the digests due today), which tells them already. The notice carries the occurrence's times, which
    the e-mail shows (a series' first date may be long past)."""
    if not found:
        return 0
    listed = _digested(session, digest_keys)
    wanting = session.scalars(select(Subscriber).where(Subscriber.status == "confirmed",
                                                       Subscriber.reminders.is_(True))).all()
    queued = 0
    for occurrence in found:
        event = occurrence.event
        done = _already(session, event["id"], event["sequence"], "reminder", occurrence.key)
        for subscriber in wanting:
            if (subscriber.id not in done and matches(subscriber, event)
                    and (event["id"], occurrence.times()["starts_at"]) not in listed.get(subscriber.id, ())):
                operations.queue_notice(session, subscriber=subscriber, event_id=event["id"],
                                        sequence=event["sequence"], kind="reminder", occurrence=occurrence.key,
                                        payload={"event": event, "occurrence": occurrence.times()})
                queued += 1
    return queued


def _digested(session, keys: tuple[str, ...]) -> dict[int, set[tuple[str, str]]]:
    """Each subscriber's occurrences (event id, start) that their digests of the periods ``keys`` list."""
    listed: dict[int, set[tuple[str, str]]] = {}
    if keys:
        for subscriber_id, payload in session.execute(select(Notice.subscriber_id, Notice.payload).where(
                Notice.kind == "digest", Notice.event_id.in_(keys))):
            listed.setdefault(subscriber_id, set()).update(
                (shown["id"], shown["starts_at"]) for shown in payload.get("occurrences", ()))
    return listed


def digest_period(frequency: str, now: datetime, hour: int) -> tuple[str, datetime, datetime] | None:
    """The digest due at ``now``: (key, first and last moment of the events it lists), or None before its hour.

    A daily digest goes from ``hour`` o'clock (Warsaw) and lists today and tomorrow; a weekly one on Mondays from
    that hour (as the subscribe form says) and lists the seven days ahead. A digest missed (sender down) goes out
    later the same day; a subscriber who chose the weekly digest on another day gets the first the next Monday.
    """
    local = now.astimezone(WARSAW)
    if frequency == "weekly" and local.weekday() != 0:
        return None
    if frequency == "daily":
        start = datetime.combine(local.date(), time(hour), WARSAW)
        key, days = f"daily:{local.date().isoformat()}", 2
    else:
        monday = local.date() - timedelta(days=local.weekday())
        start = datetime.combine(monday, time(hour), WARSAW)
        year, week, _ = local.isocalendar()
        key, days = f"weekly:{year}-W{week:02d}", 7
    if local < start:
        return None
    end = datetime.combine(local.date() + timedelta(days=days), time(0), WARSAW)
    return key, now, end


def queue_digests(session, due: dict[str, tuple[str, list[Occurrence]]]) -> int:
    """Each daily or weekly subscriber's digest of matching upcoming events, once per period; none when empty.
    ``due`` gives, for each frequency whose digest is due, the period's key and the occurrences it lists."""
    queued = 0
    for frequency, (key, found) in due.items():
        done = _already(session, key, 0, "digest")
        subscribers = session.scalars(select(Subscriber).where(Subscriber.status == "confirmed",
                                                               Subscriber.frequency == frequency))
        for subscriber in subscribers:
            chosen = [occurrence for occurrence in found if matches(subscriber, occurrence.event)]
            if subscriber.id in done or not chosen:
                continue
            operations.queue_digest(session, subscriber, key, digest_payload(chosen, frequency))
            queued += 1
    return queued


def digest_payload(chosen: list[Occurrence], frequency: str) -> dict:
    """What a digest's e-mail shows: each occurrence in the period, soonest first, at its own date and time (a daily
    club is listed on each of its days), and each event's snapshot once, for the .ics and the cancellations."""
    events = {occurrence.event["id"]: occurrence.event for occurrence in chosen}
    return {"events": list(events.values()), "frequency": frequency,
            "occurrences": [{"id": occurrence.event["id"], **occurrence.times()} for occurrence in chosen]}


def tick(database, config: dict, now: datetime) -> int:
    """Queue what is due at ``now``; returns how many notices were queued."""
    now = aware(now)
    periods = {frequency: period for frequency in ("daily", "weekly")
               if (period := digest_period(frequency, now, config["DIGEST_HOUR"])) is not None}
    # Expanding the series is the slow part: it is done in a session that takes no write lock (on SQLite), so that
    # the write transaction only checks what was queued already and adds the notices.
    with database.session(read_only=True) as reading:
        reminders = _upcoming(reading, now, now + timedelta(hours=config["REMINDER_HOURS"]))
        digests = {frequency: (key, _upcoming(reading, start, end)) for frequency, (key, start, end) in periods.items()}
    with database.session() as session:
        # The digests first: a reminder of what a digest of the same day lists is not queued.
        queued = queue_digests(session, digests)
        queued += queue_reminders(session, reminders, tuple(key for key, _ in digests.values()))
        forget_former_members(session, local_date(now))
    if queued:
        log.info("scheduler queued %d reminder and digest notice(s)", queued)
    queued += registration_jobs(database, config, now)
    return queued


def registration_jobs(database, config: dict, now: datetime) -> int:
    """Registrations: release e-mail registrations never confirmed, remind the day before (each occurrence, as
    the calendar core expands it), and anonymise those whose date ended the retention period ago (counts stay)."""
    with database.session() as session:
        expired = operations.expire_unconfirmed(session, now, config["REGISTRATION_CONFIRM_HOURS"])
    with database.session() as session:
        queued = operations.queue_reg_reminders(session, now, config["REMINDER_HOURS"])
    with database.session() as session:
        anonymised = operations.anonymise_registrations(session, now, config["REGISTRATION_RETENTION_DAYS"])
    if expired or queued or anonymised:
        log.info("scheduler: %d registration(s) expired, %d reminder(s) queued, %d date(s) anonymised", expired,
                 queued, anonymised)
    return queued
