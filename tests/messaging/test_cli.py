"""The shared command line, as an operator types it: replay, dead-letters list and requeue, db upgrade."""

import json

from services.messaging.cli import db_group, dead_letters_group, replay_command
from services.messaging.testing import running, wait_until
from tests.messaging.helpers import CountingHandlers, create_districts, events_worker, inbox_count


def test_replay_filters_by_type_and_date_and_refuses_a_bad_date(partners_app, events_app):
    create_districts(partners_app, 3)
    with running(partners_app.extensions["osl"].relay()), running(events_worker(events_app)):
        wait_until(lambda: inbox_count(events_app) == 3, message="3 handled")
        runner = partners_app.test_cli_runner()
        assert "replayed 3 message(s)" in runner.invoke(replay_command, ["--type", "district.*"]).output
        assert "replayed 0 message(s)" in runner.invoke(replay_command, ["--since", "2999-01-01"]).output
        bad = runner.invoke(replay_command, ["--since", "yesterday"])
        assert bad.exit_code == 2
        assert "ISO 8601" in bad.output
    assert inbox_count(events_app) == 3


def test_dead_letters_list_and_requeue(partners_app, events_app):
    handlers = CountingHandlers()
    handlers.failing = True
    create_districts(partners_app, 1, prefix="Awaria")
    runner = events_app.test_cli_runner()
    with running(partners_app.extensions["osl"].relay()), running(events_worker(events_app, handlers)):
        wait_until(lambda: "1 dead letter(s)" in runner.invoke(dead_letters_group, ["list"]).output,
                   message="a dead letter listed")
        as_json = runner.invoke(dead_letters_group, ["list", "--json"]).output
        listed = [json.loads(line) for line in as_json.splitlines()]
        assert [letter["type"] for letter in listed] == ["district.created"]
        assert "dependency is down" in listed[0]["error"]
        handlers.failing = False
        other = runner.invoke(dead_letters_group, ["requeue", "--id", "no-such-id"])
        assert "requeued 0 message(s)" in other.output
        done = runner.invoke(dead_letters_group, ["requeue", "--id", listed[0]["message_id"]])
        assert "requeued 1 message(s)" in done.output
        wait_until(lambda: inbox_count(events_app) == 1, message="the requeued message handled")
    assert "0 dead letter(s)" in runner.invoke(dead_letters_group, ["list"]).output


def test_db_upgrade_is_safe_to_repeat(notify_app):
    result = notify_app.test_cli_runner().invoke(db_group, ["upgrade"])
    assert result.exit_code == 0
    assert "notify: database is up to date" in result.output
