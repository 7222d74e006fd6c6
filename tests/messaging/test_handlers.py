"""Handlers declare the types they take; the topology's queues and bindings come from those declarations."""

import importlib
from types import SimpleNamespace

import pytest

from services.messaging.handlers import Handlers, pattern_matches
from services.messaging.registry import UnknownMessageType, all_types
from services.messaging.topology import subscriptions, subscriptions_of_table


def test_patterns_match_as_amqp_topics_do():
    assert pattern_matches("district.*", "district.created")
    assert not pattern_matches("organisation.*", "organisation.api_key.issued")
    assert pattern_matches("organisation.#", "organisation.api_key.issued")
    assert pattern_matches("organisation.#", "organisation.created")
    assert not pattern_matches("district.created", "district.updated")


def test_the_registered_handler_gets_the_message_with_its_bound_arguments():
    table, calls = Handlers("events"), []

    @table.on("q", "district.*")
    def any_district(session, envelope):
        calls.append(("pattern", envelope.type))

    @table.on("q", "district.deleted", deleted=True)
    def deleted(session, envelope, *, deleted):
        calls.append(("exact", envelope.type, deleted))

    dispatch = table.table()["q"]
    dispatch(None, SimpleNamespace(type="district.created"))
    dispatch(None, SimpleNamespace(type="district.deleted"))
    assert calls == [("pattern", "district.created"), ("exact", "district.deleted", True)]
    with pytest.raises(UnknownMessageType):
        dispatch(None, SimpleNamespace(type="centre.created"))


def test_the_bindings_are_the_patterns_and_the_types_no_pattern_takes():
    table = Handlers("events")
    table.add("q", ("district.*", "district.deleted", "centre.created"), lambda session, envelope: None)
    assert subscriptions_of_table(table)[0].routing_keys == ("district.*", "centre.created")
    assert subscriptions_of_table(table)[0].source == "partners"


@pytest.mark.parametrize("keys", [("nothing.*",), ("district.*", "district.#"), ("district.created",) * 2])
def test_a_key_that_takes_no_type_or_another_keys_types_is_refused(keys):
    with pytest.raises(ValueError):
        Handlers("events").add("q", keys, lambda session, envelope: None)


def test_a_queue_reads_one_exchange():
    table = Handlers("notify")
    table.add("q", ("district.*", "event.*"), lambda session, envelope: None)
    with pytest.raises(ValueError, match="one exchange"):
        subscriptions_of_table(table)


@pytest.mark.parametrize("module", ["services.events.consumers", "services.notify.consumers",
                                    "services.programme.consumers", "services.partners.consumers"])
def test_every_type_a_queue_is_bound_to_has_exactly_the_handler_the_consumer_declared(module):
    table = importlib.import_module(module).handlers
    queues = {sub.handler: sub for sub in subscriptions() if sub.consumer == table.consumer}
    assert set(queues) == set(table.table())
    for queue, sub in queues.items():
        bound = [name for name in all_types() if any(pattern_matches(key, name) for key in sub.routing_keys)]
        assert bound, queue
        for name in bound:
            assert table.registration(queue, name).function is not None


def test_queue_names_stay_as_deployed():
    assert sorted((sub.consumer, sub.handler, sub.source) for sub in subscriptions()) == [
        ("events", "notify", "notify"), ("events", "partners-replica", "partners"),
        ("notify", "account-mail", "partners"), ("notify", "events", "events"), ("notify", "imports", "events"),
        ("notify", "meeting-rooms", "events"), ("notify", "partners-replica", "partners"),
        ("partners", "meeting-rooms", "events"), ("programme", "events", "events"),
        ("programme", "partners-replica", "partners")]
