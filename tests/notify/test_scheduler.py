"""Reminders and digests: the right events to the right subscribers, and never twice; a series at each of its
occurrences."""

import logging
import sqlite3
from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import select

from services.calendar import recurrence
from services.messaging.models import utcnow
from services.notify import occurrences
from services.notify.models import DigestItem, Notice, Subscriber
from services.notify.notices import Sender
from services.notify.scheduler import digest_period, tick
from tests.notify.conftest import folder_mails
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


def setup(app, events: bool = True) -> None:
    """The subscribers and (unless ``events`` is false) the single events; no notices yet."""
    with app.extensions["osl"].database.session() as session:
        for name, (frequency, reminders, districts) in SUBSCRIBERS.items():
            session.add(Subscriber(key=name, email=f"{name}@example.org", status="confirmed", frequency=frequency,
                                   districts=districts, audiences=[], reminders=reminders, language="pl",
                                   consent_version="2026-11-23", consent_text="…", consent_at=utcnow()))
    if events:
        for n, (start, end) in EVENTS.items():
            handle(app, "event.published", id=event_id(n), starts_at=start, ends_at=end, title=f"Wydarzenie {n}")
        handle(app, "event.published", id=event_id(5), starts_at=EVENTS[1][0], ends_at=EVENTS[1][1],
               visibility="partnership", partnership_id=1, partnership_name="PL")
    forget_notices(app)


def forget_notices(app) -> None:
    with app.extensions["osl"].database.session() as session:
        for notice in session.scalars(select(Notice)):
            session.delete(notice)  # keep only what the scheduler queues


def queued(app, kind: str) -> dict[str, list]:
    """Each subscriber's notices of ``kind``: (event id or digest period, the title or a digest's listed titles)."""
    with app.extensions["osl"].database.session() as session:
        rows = session.execute(select(Subscriber.key, Notice).join(Subscriber).where(Notice.kind == kind)
                               .order_by(Notice.id))
        result: dict[str, list] = {}
        for key, notice in rows:
            if kind == "digest":
                titles = {e["id"]: e["title"] for e in notice.payload["events"]}
                shown = [titles[o["id"]] for o in notice.payload["occurrences"]]
            else:
                shown = notice.payload["event"]["title"]
            result.setdefault(key, []).append((notice.event_id, shown))
        return result


def test_digest_periods_follow_warsaw_time():
    assert digest_period("daily", datetime(2026, 11, 23, 6, 59, tzinfo=WARSAW), 7) is None
    key, _, end = digest_period("daily", MONDAY_8, 7)
    assert key == "daily:2026-11-23" and end == datetime(2026, 11, 25, tzinfo=WARSAW)
    assert digest_period("weekly", datetime(2026, 11, 23, 12, tzinfo=WARSAW), 7)[0] == "weekly:2026-W48"
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


# --- series: a reminder before each occurrence, digests listing each occurrence ---------------------------------------

SERIES = event_id(6)
#: A club on Tuesdays 17:00-19:00 in Raków since 6 October 2026 (summer time), weeks before MONDAY_8.
TUESDAYS = {"starts_at": "2026-10-06T17:00:00+02:00", "ends_at": "2026-10-06T19:00:00+02:00",
            "rrule": "FREQ=WEEKLY;BYDAY=TU", "title": "Klub seniora"}


def add_series(app, n: int = 6, **changes) -> None:
    handle(app, "event.published", id=event_id(n), **{**TUESDAYS, **changes})
    forget_notices(app)


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=WARSAW)


def schedule(app, moment: datetime) -> int:
    return tick(app.extensions["osl"].database, app.config, moment)


def reminders(app) -> list[tuple[str, str, str, str]]:
    """(subscriber, event, occurrence key, the occurrence's start in the payload) of each reminder, oldest first."""
    with app.extensions["osl"].database.session() as session:
        rows = session.execute(select(Subscriber.key, Notice).join(Subscriber).where(Notice.kind == "reminder")
                               .order_by(Notice.id))
        return [(key, n.event_id, n.occurrence, n.payload["occurrence"]["starts_at"]) for key, n in rows]


def sent_mails(app, mail_dir, subject: str) -> list:
    """Send what is queued; the mails with ``subject``."""
    Sender(app.extensions["osl"].database, app.config).send_due()
    return [mail for mail in folder_mails(mail_dir) if mail["Subject"] == subject]


def test_a_weekly_series_gets_a_reminder_before_each_occurrence_once(notify):
    setup(notify, events=False)
    add_series(notify, exdates=["2026-12-08T17:00:00"])
    schedule(notify, at(2026, 11, 23, 18))  # seven weeks after its first meeting, a day before the next
    schedule(notify, at(2026, 11, 23, 18))  # the same tick twice
    schedule(notify, at(2026, 11, 24, 9))  # the same occurrence, still ahead
    assert reminders(notify) == [("reminded", SERIES, "2026-11-24T16:00:00+00:00", "2026-11-24T17:00:00+01:00")]
    schedule(notify, at(2026, 11, 30, 18))
    schedule(notify, at(2026, 12, 7, 18))  # the 8th is left out (exdate)
    schedule(notify, at(2026, 12, 14, 18))
    schedule(notify, at(2026, 12, 14, 18, 1))
    assert [occurrence for _, _, occurrence, _ in reminders(notify)] == [
        "2026-11-24T16:00:00+00:00", "2026-12-01T16:00:00+00:00", "2026-12-15T16:00:00+00:00"]


def test_the_reminder_shows_the_occurrence_and_attaches_the_whole_series(notify, mail_dir):
    setup(notify, events=False)
    add_series(notify)
    schedule(notify, at(2026, 11, 30, 18))
    [mail] = sent_mails(notify, mail_dir, "Przypomnienie: Klub seniora")
    text, html = mail.get_body(("plain",)).get_content(), mail.get_body(("html",)).get_content()
    assert "Kiedy: wtorek, 1 grudnia 2026, 17:00–19:00" in text and "wtorek, 1 grudnia 2026, 17:00–19:00" in html
    assert "października" not in text + html  # not the series' first date
    [attachment] = [part for part in mail.iter_attachments() if part.get_content_type() == "text/calendar"]
    [vevent] = icalendar.Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert str(vevent["UID"]) == f"{SERIES}@osl.example" and vevent["RRULE"]["FREQ"] == ["WEEKLY"]
    assert vevent.decoded("DTSTART").isoformat() == "2026-10-06T17:00:00+02:00"


def test_a_series_across_the_change_of_the_clocks_stays_at_17_local(notify, mail_dir):
    setup(notify, events=False)
    add_series(notify, starts_at="2026-10-13T17:00:00+02:00", ends_at="2026-10-13T19:00:00+02:00")
    schedule(notify, at(2026, 10, 19, 18))
    schedule(notify, at(2026, 10, 26, 18))  # the clocks went back on Sunday 25 October
    assert reminders(notify) == [
        ("reminded", SERIES, "2026-10-20T15:00:00+00:00", "2026-10-20T17:00:00+02:00"),
        ("reminded", SERIES, "2026-10-27T16:00:00+00:00", "2026-10-27T17:00:00+01:00")]
    texts = [mail.get_body(("plain",)).get_content()
             for mail in sent_mails(notify, mail_dir, "Przypomnienie: Klub seniora")]
    assert len(texts) == 2
    for day in ("20", "27"):
        assert [text for text in texts if f"Kiedy: wtorek, {day} października 2026, 17:00–19:00" in text] != []


def test_digests_list_each_occurrence_of_a_series_whose_first_date_has_passed(notify, mail_dir):
    setup(notify)
    add_series(notify, rrule="FREQ=WEEKLY;BYDAY=TU,TH")
    add_series(notify, 7, title="Klub partnerów", visibility="partnership", partnership_id=1, partnership_name="PL")
    add_series(notify, 8, title="Klub odwołany", status="cancelled", cancelled_at="2026-11-20T10:00:00+00:00")
    schedule(notify, MONDAY_8)
    digests = queued(notify, "digest")
    assert digests["daily"] == [("daily:2026-11-23", ["Wydarzenie 1", "Wydarzenie 2", "Klub seniora"])]
    assert digests["weekly"] == [("weekly:2026-W48", ["Wydarzenie 1", "Wydarzenie 2", "Klub seniora", "Klub seniora",
                                                      "Wydarzenie 3"])]
    with notify.extensions["osl"].database.session() as session:
        weekly = session.scalars(select(Notice).join(Subscriber).where(Subscriber.key == "weekly")).one()
        assert sorted(session.scalars(select(DigestItem.event_id).where(DigestItem.notice_id == weekly.id))) == [
            event_id(1), event_id(2), event_id(3), SERIES]
    [mail] = sent_mails(notify, mail_dir, "Wydarzenia w najbliższym tygodniu")
    text = mail.get_body(("plain",)).get_content()
    assert text.index("wtorek, 24 listopada 2026, 17:00–19:00") < text.index("czwartek, 26 listopada 2026, 17:00–19:00")
    assert "6 października" not in text
    [attachment] = [part for part in mail.iter_attachments() if part.get_content_type() == "text/calendar"]
    uids = [str(v["UID"]) for v in icalendar.Calendar.from_ical(attachment.get_content()).walk("VEVENT")]
    assert sorted(uids) == sorted(f"{event_id(n)}@osl.example" for n in (1, 2, 3, 6))  # the series once


def test_a_bad_rule_skips_its_series_and_not_the_others(notify, caplog, monkeypatch):
    recurrence._warn.cache_clear()
    setup(notify)
    add_series(notify, rrule="FREQ=WEEKLY;BYDAY=XX")
    with caplog.at_level(logging.WARNING, logger="services.calendar.recurrence"):
        schedule(notify, MONDAY_8)
    assert queued(notify, "reminder") == {"reminded": [(event_id(1), "Wydarzenie 1")]}
    assert queued(notify, "digest")["weekly"] == [
        ("weekly:2026-W48", ["Wydarzenie 1", "Wydarzenie 2", "Wydarzenie 3"])]
    assert any(r.getMessage().startswith(f"series {SERIES}: its repeat rule") for r in caplog.records)


@pytest.mark.parametrize("stack", ["embedded"], indirect=True)
def test_the_scheduler_expands_series_without_holding_the_write_lock(notify, monkeypatch):
    """Expanding repeat rules is the slow part of a tick: while it runs, another process can take SQLite's one write
    lock (a consumer, a web request); only the short queuing afterwards takes it."""
    setup(notify)
    add_series(notify)
    path = notify.extensions["osl"].database.engine.url.database
    expanded, between = [], occurrences.between

    def expand_while_another_writes(event, start, end):
        writer = sqlite3.connect(path, timeout=0.2)
        try:
            writer.execute("BEGIN IMMEDIATE")  # "database is locked" if the tick held the write lock here
            writer.rollback()
        finally:
            writer.close()
        expanded.append(event["id"])
        return between(event, start, end)

    monkeypatch.setattr(occurrences, "between", expand_while_another_writes)
    assert schedule(notify, MONDAY_8) > 0
    assert SERIES in expanded
    assert queued(notify, "reminder")["reminded"]
