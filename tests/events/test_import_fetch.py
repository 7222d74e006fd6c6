"""The safe fetcher: internal addresses refused before and after DNS and after every redirect, the checked address
connected to (rebinding), conditional GET, and the bounds on time, size and redirects."""

import socket

import pytest

from services.events.imports.fetch import FetchError, FetchLimits, fetch, fetch_url
from tests.events.feedserver import FeedServer, Route, endless_body, redirect_to, slow_drip

FEED = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
ALLOWED = FetchLimits(allow_loopback=True, connect_seconds=2, read_seconds=2, total_seconds=5)
STRICT = FetchLimits(connect_seconds=1, read_seconds=1, total_seconds=3)


@pytest.fixture
def server():
    server = FeedServer()
    yield server
    server.close()


def resolving(table: dict):
    """A stand-in for getaddrinfo: each name to the addresses given (one list per lookup, the last one repeating)."""
    calls = []

    def resolver(host, port, *args, **kwargs):
        if host not in table:  # a literal address: as the platform reads it
            return socket.getaddrinfo(host, port, *args, **kwargs)
        calls.append(host)
        answers = table[host]
        answer = answers[min(len(calls) - 1, len(answers) - 1)] if isinstance(answers[0], list) else answers
        family = lambda a: socket.AF_INET6 if ":" in a else socket.AF_INET  # noqa: E731
        return [(family(a), socket.SOCK_STREAM, 6, "", (a, port, 0, 0) if ":" in a else (a, port)) for a in answer]

    resolver.calls = calls
    return resolver


def refused(url: str, limits=STRICT, **kwargs) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch(url, limits, **kwargs)
    assert caught.value.kind == "refused", caught.value
    return caught.value


@pytest.mark.parametrize("url", [
    "https://127.0.0.1/feed.ics", "https://127.1/feed.ics", "https://2130706433/feed.ics", "https://[::1]/feed.ics",
    "https://10.1.2.3/feed.ics", "https://172.16.0.1/feed.ics", "https://192.168.1.1/feed.ics",
    "https://169.254.169.254/latest/meta-data/", "https://169.254.10.10/x", "https://100.64.0.1/feed.ics",
    "https://100.127.255.254/feed.ics", "https://[::ffff:127.0.0.1]/feed.ics", "https://[::ffff:10.0.0.1]/x",
    "https://[::ffff:169.254.169.254]/x", "https://[fe80::1]/x", "https://[fd00::1]/x", "https://0.0.0.0/x",
])
def test_internal_addresses_are_refused_before_any_lookup(url):
    resolver = resolving({})
    refused(url, resolver=resolver)
    assert resolver.calls == []


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.5", "192.168.0.10", "169.254.169.254", "100.64.1.1",
                                     "::1", "::ffff:127.0.0.1", "fe80::1"])
def test_a_name_that_resolves_to_an_internal_address_is_refused(address):
    refused("https://calendar.example.org/feed.ics", resolver=resolving({"calendar.example.org": [address]}))


def test_a_name_with_one_internal_answer_among_public_ones_is_refused():
    refused("https://calendar.example.org/feed.ics",
            resolver=resolving({"calendar.example.org": ["93.184.215.14", "10.0.0.1"]}))


def test_loopback_is_refused_while_the_allowance_is_off_even_on_a_live_server(server):
    url = server.serve("/feed.ics", FEED)
    refused(url, FetchLimits(allow_loopback=False, connect_seconds=1, read_seconds=1, total_seconds=3))
    refused(url.replace("http://", "https://"))
    assert server.requests == []  # nothing reached it
    assert fetch(url, ALLOWED).body == FEED  # the same address with the allowance (the tests' setting)


def test_the_checked_address_is_the_one_connected_to_with_the_original_host(server):
    server.serve("/feed.ics", FEED)
    # The name's second answer would be internal (a rebinding): only one lookup is made, and that address is used.
    resolver = resolving({"calendar.test": [["127.0.0.1"], ["10.0.0.1"]]})
    got = fetch(f"http://calendar.test:{server.port}/feed.ics", ALLOWED, resolver=resolver)
    assert got.body == FEED and resolver.calls == ["calendar.test"]
    assert server.requests[-1][1]["Host"] == f"calendar.test:{server.port}"


def test_a_rebinding_name_cannot_reach_loopback():
    # The first lookup says public, every later one loopback: the connection goes to the public address it checked
    # (unreachable here: a connect error), never to loopback.
    resolver = resolving({"rebind.example": [["192.0.0.9"], ["127.0.0.1"]]})
    with pytest.raises(FetchError) as caught:
        fetch("https://rebind.example/feed.ics", STRICT, resolver=resolver)
    assert caught.value.kind in ("network", "timeout") and resolver.calls == ["rebind.example"]


def test_a_redirect_to_an_internal_address_is_refused(server):
    server.routes["/r"] = redirect_to("http://169.254.169.254/latest/meta-data/")
    refused(server.url("/r"), ALLOWED)
    server.routes["/r2"] = redirect_to("http://10.0.0.1/feed.ics")
    refused(server.url("/r2"), ALLOWED)
    resolver = resolving({"inside.example": ["192.168.0.1"]})
    server.routes["/r3"] = redirect_to("http://inside.example/feed.ics")
    refused(server.url("/r3"), ALLOWED, resolver=resolver)


def test_redirects_are_followed_and_endless_ones_stopped(server):
    server.serve("/feed.ics", FEED)
    server.routes["/old"] = redirect_to("/feed.ics")
    got = fetch(server.url("/old"), ALLOWED)
    assert got.body == FEED and got.url.endswith("/feed.ics")
    server.routes["/loop"] = redirect_to("/loop")
    with pytest.raises(FetchError) as caught:
        fetch(server.url("/loop"), ALLOWED)
    assert caught.value.kind in ("redirects", "refused")
    assert sum(1 for path, _ in server.requests if path == "/loop") <= ALLOWED.max_redirects + 1


def test_conditional_get_sends_the_validators_and_takes_a_304(server):
    url = server.serve("/feed.ics", FEED, etag='"v1"')
    first = fetch(url, ALLOWED)
    assert first.status == 200 and first.etag == '"v1"' and first.last_modified
    second = fetch(url, ALLOWED, etag=first.etag, last_modified=first.last_modified)
    assert second.status == 304 and second.body == b""
    headers = server.requests[-1][1]
    assert headers["If-None-Match"] == '"v1"' and headers["If-Modified-Since"] == first.last_modified


def test_http_errors_carry_their_status(server):
    server.routes["/gone"] = Route(status=410, body=b"gone")
    with pytest.raises(FetchError) as caught:
        fetch(server.url("/gone"), ALLOWED)
    assert caught.value.kind == "http" and caught.value.status == 410


def test_a_body_over_the_limit_is_cut_off(server):
    small = FetchLimits(**{**vars(ALLOWED), "max_bytes": 1000})
    server.serve("/big", b"X" * 5000)
    with pytest.raises(FetchError) as caught:
        fetch(server.url("/big"), small)
    assert caught.value.kind == "too_large"
    server.routes["/endless"] = endless_body()
    with pytest.raises(FetchError) as caught:
        fetch(server.url("/endless"), small)
    assert caught.value.kind == "too_large"


def test_a_slow_drip_is_cut_off_by_the_time_budget(server):
    server.routes["/drip"] = slow_drip(0.2, 10_000)
    quick = FetchLimits(**{**vars(ALLOWED), "total_seconds": 1.0})
    with pytest.raises(FetchError) as caught:
        fetch(server.url("/drip"), quick)
    assert caught.value.kind == "timeout"


def test_webcal_is_fetched_over_https():
    assert fetch_url("webcal://calendar.google.com/calendar/ical/x/basic.ics") == \
        "https://calendar.google.com/calendar/ical/x/basic.ics"
    assert fetch_url("WEBCALS://example.org/a.ics") == "https://example.org/a.ics"
    assert fetch_url("https://example.org/a.ics") == "https://example.org/a.ics"
