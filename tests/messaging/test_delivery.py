"""Nothing lost, nothing twice: the outbox relay and the consumer base, on both stacks."""

import json

import pytest

from services.messaging.dead_letters import list_dead_letters, requeue
from services.messaging.testing import running, wait_until
from services.messaging.topology import Topology
from tests.messaging.helpers import (
    CountingHandlers,
    create_districts,
    events_worker,
    inbox_count,
    publish_raw,
    raw_envelope,
    replica_names,
)

pytestmark = pytest.mark.slow


def test_a_thousand_messages_take_effect_exactly_once(partners_app, events_app):
    names = create_districts(partners_app, 1000)
    handlers = CountingHandlers()
    worker = events_worker(events_app, handlers)
    with running(partners_app.extensions["osl"].relay()), running(worker):
        wait_until(lambda: inbox_count(events_app) == 1000, timeout=120, message="1,000 handled messages")
    assert replica_names(events_app) == sorted(names)
    assert handlers.calls == 1000
    assert worker.deliveries == 1000


def test_replaying_the_outbox_changes_nothing(partners_app, events_app):
    names = create_districts(partners_app, 30)
    handlers = CountingHandlers()
    worker = events_worker(events_app, handlers)
    relay = partners_app.extensions["osl"].relay()
    with running(relay), running(worker):
        wait_until(lambda: inbox_count(events_app) == 30, message="30 handled messages")
        assert relay.replay() == 30
        assert relay.replay(type_pattern="district.*") == 30
        assert relay.replay(type_pattern="district.deleted") == 0
        wait_until(lambda: worker.deliveries == 90, message="the replayed copies delivered")
    assert handlers.calls == 30
    assert inbox_count(events_app) == 30
    assert replica_names(events_app) == sorted(names)


def test_a_failing_handler_is_retried_then_dead_lettered_then_requeued_once(partners_app, events_app):
    settings = events_app.extensions["osl"].bus
    handlers = CountingHandlers()
    handlers.failing = True
    worker = events_worker(events_app, handlers)
    create_districts(partners_app, 1, prefix="Awaria")
    with running(partners_app.extensions["osl"].relay()), running(worker):
        letters = wait_until(lambda: list_dead_letters(settings, "events"), message="a dead letter")
        assert worker.deliveries == settings.max_attempts
        assert worker.fault_retries == 0  # the database answered: the handler's own error, counted and dead-lettered
        assert len(letters) == 1
        assert letters[0].type == "district.created"
        assert letters[0].attempts == settings.max_attempts
        assert letters[0].queue == Topology(settings).queue_name("events", "partners-replica")
        assert "the handler's dependency is down" in letters[0].error
        assert inbox_count(events_app) == 0

        handlers.failing = False
        assert requeue(settings, "events") == 1
        wait_until(lambda: inbox_count(events_app) == 1, message="the requeued message handled")
        assert requeue(settings, "events") == 0
    assert handlers.calls == 1
    assert list_dead_letters(settings, "events") == []


def test_bad_messages_go_to_the_dead_letter_queue_and_the_consumer_keeps_going(partners_app, events_app):
    settings = events_app.extensions["osl"].bus
    handlers = CountingHandlers()
    worker = events_worker(events_app, handlers)
    with running(worker):
        publish_raw(settings, "partners", b"{not json", "district.created")
        publish_raw(settings, "partners", raw_envelope("district.exploded", {"id": 1}), "district.updated")
        publish_raw(settings, "partners", raw_envelope("district.created", {"id": 1, "name": "X", "slug": "Not A Slug",
                                                               "version": 1}), "district.created")
        publish_raw(settings, "partners", json.dumps([1, 2]).encode(), "district.created")
        letters = wait_until(lambda: (found := list_dead_letters(settings, "events")) and len(found) == 4 and found,
                             message="four dead letters")
        create_districts(partners_app, 1, prefix="Po awarii")
        with running(partners_app.extensions["osl"].relay()):
            wait_until(lambda: inbox_count(events_app) == 1, message="a good message after the bad ones")
    errors = sorted(letter.error for letter in letters)
    assert all(error.startswith("malformed: ") for error in errors)
    assert any("not JSON" in error for error in errors)
    assert any("unknown message type 'district.exploded'" in error for error in errors)
    assert any("slug" in error for error in errors)
    assert any("not a JSON object" in error for error in errors)
    assert handlers.calls == 1


def test_a_message_no_handler_of_the_queue_takes_is_dead_lettered_at_once(partners_app, events_app):
    """A replayed or requeued message of a type the queue's handlers do not take is wrong in itself: no retries."""
    settings = events_app.extensions["osl"].bus
    agreement = {"id": 1, "version": 1, "partnership_id": 7, "signatory_ids": []}
    with running(events_app.extensions["osl"].worker()):
        publish_raw(settings, "partners", raw_envelope("agreement.signed", agreement), "district.created")
        [letter] = wait_until(lambda: list_dead_letters(settings, "events"), message="one dead letter")
    assert letter.attempts == 1 and "has no handler for 'agreement.signed'" in letter.error
