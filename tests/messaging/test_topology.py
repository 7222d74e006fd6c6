"""Names are derived in one place, and a subscription must match real message types of its source."""

import pytest

from services.messaging.settings import BusSettings
from services.messaging.topology import Subscription, Topology, _check


def test_names_are_derived_from_prefix_service_and_handler():
    topology = Topology(BusSettings(broker_url="amqp://x//", prefix="city"))
    sub = Subscription("events", "partners-replica", "partners", ("district.*",))
    assert topology.exchange_name("partners") == "city.partners"
    assert topology.exchange("partners").type == "topic"
    assert topology.exchange("partners").durable
    queue = topology.queue(sub)
    assert queue.name == "city.events.partners-replica"
    assert queue.queue_arguments == {"x-queue-type": "quorum"}
    assert [b.routing_key for b in queue.bindings] == ["district.*"]
    assert topology.dead_letter_queue("events").name == "city.events.dead-letter"


def test_the_embedded_bus_gets_plain_queues():
    topology = Topology(BusSettings(broker_url="filesystem://", prefix="osl"))
    assert topology.dead_letter_queue("notify").queue_arguments == {}


@pytest.mark.parametrize("sub", [
    Subscription("events", "x", "events", ("district.*",)),  # district.* comes from partners
    Subscription("events", "x", "partners", ("nothing.*",)),  # matches no type
])
def test_a_subscription_that_matches_no_type_of_its_source_is_refused(sub):
    with pytest.raises(ValueError):
        _check((sub,))


def test_a_handler_declared_twice_is_refused():
    sub = Subscription("events", "x", "partners", ("district.*",))
    with pytest.raises(ValueError, match="twice"):
        _check((sub, sub))


def test_retry_delay_doubles_up_to_the_cap():
    settings = BusSettings(retry_base_seconds=0.5, retry_max_seconds=3)
    assert [settings.retry_delay(n) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 3]


def test_a_bad_number_in_the_environment_says_what_to_fix(monkeypatch):
    monkeypatch.setenv("OSL_MAX_ATTEMPTS", "five")
    with pytest.raises(SystemExit, match="OSL_MAX_ATTEMPTS must be a whole number"):
        BusSettings.from_env()


def test_the_brokers_definitions_files_declare_this_topology():
    """deploy/rabbitmq/definitions.json (compose) and deploy/k8s/rabbitmq-topology.json (Kubernetes) declare every
    exchange, quorum queue and binding the code derives, and the per-consumer dead-letter policy: regenerate them
    with `python -m services.messaging.topology` when a handler's queue changes."""
    import json
    from pathlib import Path

    from services.messaging.settings import BusSettings
    from services.messaging.topology import DELIVERY_LIMIT, Topology

    expected = Topology(BusSettings(broker_url="amqp://guest:guest@127.0.0.1:5672//", prefix="osl")).definitions()
    root = Path(__file__).resolve().parents[2]
    compose = json.loads((root / "deploy/rabbitmq/definitions.json").read_text())
    kubernetes = json.loads((root / "deploy/k8s/rabbitmq-topology.json").read_text())
    assert kubernetes == expected
    assert {key: compose[key] for key in expected} == expected
    assert {queue["arguments"]["x-queue-type"] for queue in expected["queues"]} == {"quorum"}
    policies = {policy["name"]: policy for policy in expected["policies"]}
    assert set(policies) == {"osl-events-dead-letters", "osl-notify-dead-letters", "osl-programme-dead-letters",
                             "osl-partners-dead-letters"}
    events = policies["osl-events-dead-letters"]
    assert events["definition"]["dead-letter-routing-key"] == "osl.events.dead-letter"
    assert events["definition"]["delivery-limit"] == DELIVERY_LIMIT
    import re

    pattern = re.compile(events["pattern"])
    assert pattern.match("osl.events.partners-replica") and not pattern.match("osl.events.dead-letter")
    assert not pattern.match("osl.notify.events")
