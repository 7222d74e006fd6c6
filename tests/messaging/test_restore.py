"""A consuming service's database restored from a dump taken mid-stream catches up by replaying the source's outbox:
nothing lost, nothing applied twice (README, "Backups and restores"). SQLite through its backup API; PostgreSQL
through pg_dump and pg_restore, as an operator would."""

import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from services.messaging.testing import running, wait_until
from tests.messaging.helpers import CountingHandlers, create_districts, events_worker, inbox_count, replica_names

pytestmark = pytest.mark.slow


def take_dump(url: str, folder: Path) -> Path:
    parsed = make_url(url)
    dump = folder / "events.dump"
    if parsed.get_backend_name() == "sqlite":
        with sqlite3.connect(parsed.database) as source, sqlite3.connect(dump) as target:
            source.backup(target)
        return dump
    subprocess.run([_tool("pg_dump"), "-Fc", "-d", _libpq(url), "-f", str(dump)], check=True, capture_output=True)
    return dump


def restore(url: str, dump: Path) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        # Through the backup API into the live file: SQLite takes care of its WAL and of any connection still open.
        with sqlite3.connect(dump) as source, sqlite3.connect(parsed.database) as target:
            source.backup(target)
        return
    subprocess.run([_tool("pg_restore"), "--clean", "--if-exists", "-d", _libpq(url), str(dump)], check=True,
                   capture_output=True)


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed; PostgreSQL's client tools come with the server")
    return found


def test_a_dump_taken_mid_stream_catches_up_by_replay_and_inboxes(partners_app, events_app, tmp_path):
    events = events_app.extensions["osl"]
    relay = partners_app.extensions["osl"].relay()
    since = datetime.now(UTC) - timedelta(seconds=1)
    first = create_districts(partners_app, 40, prefix="Przed")
    with running(relay), running(events_worker(events_app)):
        wait_until(lambda: inbox_count(events_app) >= 10, message="the stream under way")
        dump = take_dump(events.database.url, tmp_path)  # while the consumer is writing
        later = create_districts(partners_app, 10, prefix="Po")
        wait_until(lambda: inbox_count(events_app) == 50, message="every message handled before the restore")

    events.database.dispose()
    restore(events.database.url, dump)
    restored = inbox_count(events_app)
    assert 10 <= restored < 50  # the dump holds part of the stream; what came after it is gone with the restore
    assert len(replica_names(events_app)) == restored

    handlers = CountingHandlers()
    with running(events_worker(events_app, handlers)):
        assert relay.replay(since=since) == 50
        wait_until(lambda: inbox_count(events_app) == 50, message="the restored service caught up")
        wait_until(lambda: handlers.calls == 50 - restored, message="the lost messages applied")
    assert replica_names(events_app) == sorted(first + later)
    assert handlers.calls == 50 - restored  # what the dump held was skipped by the inbox, the rest applied once
