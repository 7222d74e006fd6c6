"""Alembic revisions and the models agree, on SQLite and PostgreSQL."""

from contextlib import contextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, select

from services.messaging.db import Database, alembic_config, upgrade
from services.messaging.models import utcnow
from services.notify import MIGRATIONS
from services.notify.models import Base, DigestItem, EventCopy, Notice, RegistrationSlot, Subscriber
from services.notify.scheduler import tick
from tests.notify.events import event_snapshot, meeting_snapshot

WARSAW = ZoneInfo("Europe/Warsaw")
SERIES, SINGLE = "00000000-0000-0000-0000-000000000006", "00000000-0000-0000-0000-000000000007"


@contextmanager
def old_tables(database):
    """A transaction on ``database`` and its tables as they stand before the upgrade under test (by name)."""
    with database.engine.begin() as connection:
        old = MetaData()
        old.reflect(connection)
        yield connection, old.tables


def test_the_migrated_database_matches_the_models(notify):
    engine = notify.extensions["osl"].database.engine
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_an_existing_database_is_upgraded_to_reminders_per_occurrence(stack):
    """A database at 0003 with a series, its reminder and a digest: 0004 marks the series recurring, counts that
    reminder for its first occurrence, keeps the digest's items, and the scheduler goes on from there."""
    url = stack.database_url("notify")
    upgrade(url, MIGRATIONS, "0003")
    database = Database(url)
    series = event_snapshot(id=SERIES, starts_at="2026-10-06T17:00:00+02:00", ends_at="2026-10-06T19:00:00+02:00",
                            rrule="FREQ=WEEKLY;BYDAY=TU")
    single = event_snapshot(id=SINGLE)
    try:
        with old_tables(database) as (connection, old):
            [subscriber] = connection.execute(old["subscribers"].insert(), dict(
                key="k1", email="jan@example.org", status="confirmed", districts=[], audiences=[],
                frequency="immediate", reminders=True, language="pl", consent_version="2026-11-23",
                consent_text="…", consent_at=utcnow(), created_at=utcnow())).inserted_primary_key
            connection.execute(old["event_copies"].insert(), [
                dict(id=e["id"], version=1, starts_at=datetime.fromisoformat(e["starts_at"]), snapshot=e)
                for e in (series, single)])
            notice = dict(subscriber_id=subscriber, sequence=0, status="sent", attempts=1, next_attempt_at=utcnow(),
                          created_at=utcnow())
            [reminder] = connection.execute(old["notices"].insert(), dict(
                notice, event_id=SERIES, kind="reminder", payload={"event": series})).inserted_primary_key
            [digest] = connection.execute(old["notices"].insert(), dict(
                notice, event_id="weekly:2026-W41", kind="digest",
                payload={"events": [series], "frequency": "weekly"})).inserted_primary_key
            connection.execute(old["digest_items"].insert(), [dict(notice_id=digest, event_id=SERIES)])

        upgrade(url, MIGRATIONS)
        with database.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
        with database.session() as session:
            assert {c.id: c.recurring for c in session.scalars(select(EventCopy))} == {SERIES: True, SINGLE: False}
            assert [(n.id, n.occurrence) for n in session.scalars(select(Notice).order_by(Notice.id))] == [
                (reminder, "2026-10-06T15:00:00+00:00"), (digest, "")]
            assert [(d.notice_id, d.event_id) for d in session.scalars(select(DigestItem))] == [(digest, SERIES)]

        config = {"REMINDER_HOURS": 24.0, "DIGEST_HOUR": 7, "REGISTRATION_CONFIRM_HOURS": 24.0,
                  "REGISTRATION_RETENTION_DAYS": 30.0}
        assert tick(database, config, datetime(2026, 10, 5, 18, tzinfo=WARSAW)) == 0  # reminded before 0004
        assert tick(database, config, datetime(2026, 10, 12, 18, tzinfo=WARSAW)) == 1  # the next occurrence
        with database.session() as session:  # erasing a subscriber still takes their notices along
            session.delete(session.get(Subscriber, subscriber))
        with database.session() as session:
            assert session.scalars(select(Notice)).all() == []
    finally:
        database.dispose()


def test_0004_downgrades_to_one_reminder_per_event_and_upgrades_again(notify):
    """Reminders of a series' later occurrences go on a downgrade (0003 allows one per event and sequence)."""
    url = notify.extensions["osl"].database.url
    with notify.extensions["osl"].database.session() as session:
        subscriber = Subscriber(key="k1", email="jan@example.org", status="confirmed", districts=[], audiences=[],
                                frequency="immediate", reminders=True, language="pl", consent_version="2026-11-23",
                                consent_text="…", consent_at=utcnow())
        session.add(subscriber)
        session.flush()
        for occurrence in ("2026-10-06T15:00:00+00:00", "2026-10-13T15:00:00+00:00"):
            session.add(Notice(subscriber_id=subscriber.id, event_id=SERIES, kind="reminder", occurrence=occurrence,
                               payload={}, status="sent"))
    command.downgrade(alembic_config(url, MIGRATIONS), "0003")
    upgrade(url, MIGRATIONS)
    with notify.extensions["osl"].database.session() as session:
        assert session.scalars(select(Notice.occurrence)).all() == [""]  # no event in the payload to tell


def test_0011_gives_existing_meeting_copies_their_partnership(stack):
    """A database at 0010 holding a meeting's event copy, a cancelled one and a partnership's own public event: 0011
    gives each meeting copy the partnership its snapshot names, and any other event none; down and up again."""
    url = stack.database_url("notify")
    upgrade(url, MIGRATIONS, "0010")
    planned, cancelled = meeting_snapshot(3), meeting_snapshot(4, partnership_id=7, status="cancelled")
    own = event_snapshot(partnership_id=5)  # organised by the partnership, not a meeting of it
    database = Database(url)
    try:
        with old_tables(database) as (connection, old):
            connection.execute(old["event_copies"].insert(), [
                dict(id=e["id"], version=1, starts_at=datetime.fromisoformat(e["starts_at"]), recurring=False,
                     snapshot=e) for e in (planned, cancelled, own)])
        upgrade(url, MIGRATIONS)
        expected = {planned["id"]: 5, cancelled["id"]: 7, own["id"]: None}
        with database.session() as session:
            assert {c.id: c.partnership_id for c in session.scalars(select(EventCopy))} == expected
        command.downgrade(alembic_config(url, MIGRATIONS), "0010")
        upgrade(url, MIGRATIONS)
        with database.session() as session:
            assert {c.id: c.partnership_id for c in session.scalars(select(EventCopy))} == expected
    finally:
        database.dispose()


def test_0012_marks_the_existing_rows_of_a_series_dates(stack):
    """A database at 0011 with a series' date, a whole-series row and a single event's date: 0012 marks the series'
    date only (made for one date of a series); down and up again."""
    url = stack.database_url("notify")
    upgrade(url, MIGRATIONS, "0011")
    series = event_snapshot(id=SERIES, starts_at="2026-10-06T17:00:00+02:00", ends_at="2026-10-06T19:00:00+02:00",
                            rrule="FREQ=WEEKLY;BYDAY=TU")
    single = event_snapshot(id=SINGLE)
    start = datetime(2026, 10, 13, 15, tzinfo=ZoneInfo("UTC"))
    rows = [(SERIES, "2026-10-13T15:00:00+00:00"), (SERIES, ""), (SINGLE, "2026-12-05T14:00:00+00:00")]
    database = Database(url)
    try:
        with old_tables(database) as (connection, old):
            connection.execute(old["event_copies"].insert(), [
                dict(id=e["id"], version=1, starts_at=datetime.fromisoformat(e["starts_at"]),
                     recurring=bool(e["rrule"]), snapshot=e) for e in (series, single)])
            connection.execute(old["registration_slots"].insert(), [
                dict(event_id=event_id, occurrence=key, starts_at=start, ends_at=start, confirmed=0, waiting=0,
                     last_seq=0, version=0) for event_id, key in rows])
        expected = {(SERIES, rows[0][1]): True, (SERIES, ""): False, (SINGLE, rows[2][1]): False}
        for _ in range(2):
            upgrade(url, MIGRATIONS)
            with database.session() as session:
                assert {(s.event_id, s.occurrence): s.of_series
                        for s in session.scalars(select(RegistrationSlot))} == expected
            command.downgrade(alembic_config(url, MIGRATIONS), "0011")
    finally:
        database.dispose()
