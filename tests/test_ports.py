"""One way to pick a port for a server a test or a benchmark starts (tests/ports.py): below the kernel's ephemeral
range, so no outgoing connection (another test's, on another worker) is handed it before the server binds it."""

import socket

from tests.ports import ephemeral_start, free_port, free_port_range


def test_a_free_port_is_below_the_ephemeral_range_and_can_be_bound():
    port = free_port()
    assert 10000 < port < ephemeral_start()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_a_free_range_of_ports_is_below_the_ephemeral_range_and_every_one_can_be_bound():
    base = free_port_range(9)
    assert 10000 <= base and base + 9 < ephemeral_start()
    for offset in range(1, 10):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", base + offset))


def test_every_port_picked_in_tests_and_bench_is_picked_so():
    from bench import feeds, notify, scale
    from tests.deploy import test_gateway, test_routing
    from tests.e2e import test_gunicorn_metrics, test_journey, test_make_run
    from tests.notify import conftest

    for module in (feeds, notify, scale, test_gateway, test_routing, test_gunicorn_metrics, test_journey,
                   test_make_run, conftest):
        assert module.free_port is free_port, module.__name__
