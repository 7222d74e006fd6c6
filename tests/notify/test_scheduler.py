"""Reminders and digests: the right events to the right subscribers, and never twice."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from services.messaging.models import utcnow
from services.notify.models import Notice, Subscriber
from services.notify.scheduler import digest_period, tick
from tests.notify.test_consumers import handle

WARSAW = ZoneInfo("Europe/Warsaw")
MONDAY_8 = datetime(2026, 11, 23, 8, 0, tzinfo=WARSAW)
EVENTS = {  # id suffix: (start, end)
    1: ("2026-11-23T18:00:00+01:00", "2026-11-23T20:00:00+01:00"),  # this evening
    2: ("2026-11-24T17:00:00+01:00", "2026-11-24T19:00:00+01:00"),  # tomorrow
    3: ("2026-11-27T10:00:00+01:00", "2026-11-27T12:00:00+01:00"),  # Friday
    4: ("2026-12-05T10:00:00+01:00", "2026-12-05T12:00:00+01:00"),  # in two weeks
}
#: name: (frequency, reminders, districts)
SUBSCRIBERS = {"reminded": ("immediate", True, []), "not-reminded": ("immediate", False, []),
               "elsewhere": ("immediate", True, ["polnoc"]), "daily": ("daily", False, ["rakow"]),
               "weekly": ("weekly", False, [])}


def event_id(n: int) -> str:
    return f"00000000-0000-0000-0000-00000000000{n}"


def setup(app) -> None:
    with app.extensions["osl"].database.session() as session:
        for name, (frequency, reminders, districts) in SUBSCRIBERS.items():
            session.add(Subscriber(key=name, email=f"{name}@example.org", status="confirmed", frequency=frequency,
                                   districts=districts, audiences=[], reminders=reminders, language="pl",
                                   consent_version="2026-11-23", consent_text="…", consent_at=utcnow()))
    for n, (start, end) in EVENTS.items():
        handle(app, "event.published", id=event_id(n), starts_at=start, ends_at=end, title=f"Wydarzenie {n}")
    handle(app, "event.published", id=event_id(5), starts_at=EVENTS[1][0], ends_at=EVENTS[1][1],
           visibility="partnership", partnership_id=1, partnership_name="PL")
    with app.extensions["osl"].database.session() as session:
        for notice in session.scalars(select(Notice)):
            session.delete(notice)  # keep only what the scheduler queues


def queued(app, kind: str) -> dict[str, list]:
    with app.extensions["osl"].database.session() as session:
        rows = session.execute(select(Subscriber.key, Notice).join(Subscriber).where(Notice.kind == kind))
        result: dict[str, list] = {}
        for key, notice in rows:
            titles = [e["title"] for e in notice.payload["events"]] if kind == "digest" else notice.payload["event"][
                "title"]
            result.setdefault(key, []).append((notice.event_id, titles))
        return result


def test_digest_periods_follow_warsaw_time():
    assert digest_period("daily", datetime(2026, 11, 23, 6, 59, tzinfo=WARSAW), 7) is None
    key, _, end = digest_period("daily", MONDAY_8, 7)
    assert key == "daily:2026-11-23" and end == datetime(2026, 11, 25, tzinfo=WARSAW)
    assert digest_period("weekly", datetime(2026, 11, 25, 12, tzinfo=WARSAW), 7)[0] == "weekly:2026-W48"
    assert digest_period("weekly", datetime(2026, 11, 23, 6, tzinfo=WARSAW), 7) is None


def test_reminders_go_once_to_matching_subscribers_who_want_them(notify):
    setup(notify)
    tick(notify.extensions["osl"].database, notify.config, MONDAY_8)
    assert queued(notify, "reminder") == {"reminded": [(event_id(1), "Wydarzenie 1")]}
    assert tick(notify.extensions["osl"].database, notify.config, MONDAY_8.replace(hour=9)) == 0
    tick(notify.extensions["osl"].database, notify.config, datetime(2026, 11, 23, 18, 0, tzinfo=WARSAW))
    assert queued(notify, "reminder")["reminded"][1] == (event_id(2), "Wydarzenie 2")


def test_digests_list_the_period_ahead_once_per_period(notify):
    setup(notify)
    database = notify.extensions["osl"].database
    tick(database, notify.config, MONDAY_8.replace(hour=6))
    assert queued(notify, "digest") == {}
    tick(database, notify.config, MONDAY_8)
    digests = queued(notify, "digest")
    assert digests["daily"] == [("daily:2026-11-23", ["Wydarzenie 1", "Wydarzenie 2"])]
    assert digests["weekly"] == [("weekly:2026-W48", ["Wydarzenie 1", "Wydarzenie 2", "Wydarzenie 3"])]
    assert set(digests) == {"daily", "weekly"}
    tick(database, notify.config, MONDAY_8.replace(hour=20))  # a restart later that day
    assert queued(notify, "digest") == digests
    tick(database, notify.config, datetime(2026, 11, 24, 7, 30, tzinfo=WARSAW))
    digests = queued(notify, "digest")
    assert digests["daily"][1] == ("daily:2026-11-24", ["Wydarzenie 2"])
    assert len(digests["weekly"]) == 1


def test_a_cancellation_reaches_those_told_by_a_digest(notify):
    setup(notify)
    tick(notify.extensions["osl"].database, notify.config, MONDAY_8)
    handle(notify, "event.cancelled", id=event_id(3), starts_at=EVENTS[3][0], ends_at=EVENTS[3][1], version=2,
           sequence=1, status="cancelled", cancelled_at="2026-11-23T09:00:00+00:00")
    assert sorted(queued(notify, "cancelled")) == ["weekly"]
