"""Reminders and digests, queued by the sender's loop. Idempotent: a notice is unique on (subscriber, event or
digest period, sequence, kind), so a restart, a second sender or a repeated tick never queues one twice.
"""

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from services.notify.consumers import matches
from services.notify.models import DigestItem, EventCopy, Notice, Subscriber, aware

log = logging.getLogger(__name__)

WARSAW = ZoneInfo("Europe/Warsaw")


def _upcoming(session, start: datetime, end: datetime) -> list[dict]:
    """Public, scheduled events whose (first) start is in [start, end), soonest first."""
    copies = session.scalars(select(EventCopy).where(EventCopy.starts_at >= start, EventCopy.starts_at < end)
                             .order_by(EventCopy.starts_at))
    return [c.snapshot for c in copies if c.snapshot["visibility"] == "public" and c.snapshot["status"] == "scheduled"]


def _already(session, event_id: str, sequence: int, kind: str) -> set[int]:
    return set(session.scalars(select(Notice.subscriber_id).where(
        Notice.event_id == event_id, Notice.sequence == sequence, Notice.kind == kind)))


def queue_reminders(session, now: datetime, hours: float) -> int:
    """A reminder of each matching event starting within ``hours``, to confirmed subscribers who want them."""
    events = _upcoming(session, now, now + timedelta(hours=hours))
    if not events:
        return 0
    wanting = session.scalars(select(Subscriber).where(Subscriber.status == "confirmed",
                                                       Subscriber.reminders.is_(True))).all()
    queued = 0
    for event in events:
        done = _already(session, event["id"], event["sequence"], "reminder")
        for subscriber in wanting:
            if subscriber.id not in done and matches(subscriber, event):
                session.add(Notice(subscriber_id=subscriber.id, event_id=event["id"], sequence=event["sequence"],
                                   kind="reminder", payload={"event": event}, status="queued"))
                queued += 1
    return queued


def digest_period(frequency: str, now: datetime, hour: int) -> tuple[str, datetime, datetime] | None:
    """The digest due at ``now``: (key, first and last moment of the events it lists), or None before its hour.

    A daily digest goes from ``hour`` o'clock (Warsaw) and lists today and tomorrow; a weekly one from Monday at that
    hour and lists the seven days ahead. A digest missed (sender down) goes out later the same day or week.
    """
    local = now.astimezone(WARSAW)
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


def queue_digests(session, now: datetime, hour: int) -> int:
    """Each daily or weekly subscriber's digest of matching upcoming events, once per period; none when empty."""
    queued = 0
    for frequency in ("daily", "weekly"):
        period = digest_period(frequency, now, hour)
        if period is None:
            continue
        key, start, end = period
        events = _upcoming(session, start, end)
        done = _already(session, key, 0, "digest")
        subscribers = session.scalars(select(Subscriber).where(Subscriber.status == "confirmed",
                                                               Subscriber.frequency == frequency))
        for subscriber in subscribers:
            chosen = [event for event in events if matches(subscriber, event)]
            if subscriber.id in done or not chosen:
                continue
            notice = Notice(subscriber_id=subscriber.id, event_id=key, sequence=0, kind="digest",
                            payload={"events": chosen, "frequency": frequency}, status="queued")
            session.add(notice)
            session.flush()
            session.add_all([DigestItem(notice_id=notice.id, event_id=event["id"]) for event in chosen])
            queued += 1
    return queued


def tick(database, config: dict, now: datetime) -> int:
    """Queue what is due at ``now``; returns how many notices were queued."""
    now = aware(now)
    with database.session() as session:
        queued = queue_reminders(session, now, config["REMINDER_HOURS"])
        queued += queue_digests(session, now, config["DIGEST_HOUR"])
    if queued:
        log.info("scheduler queued %d reminder and digest notice(s)", queued)
    return queued
