"""Fetching an address a user typed, safely: the server must never be made to reach inside its own network.

The guard is ssrfguard's httpx client: it checks the URL, resolves the name once, refuses it if any answer is a
loopback, private (RFC 1918, ULA), link-local (the cloud metadata address 169.254.169.254 among them), CGNAT
(100.64.0.0/10) or otherwise reserved address, decodes IPv4-mapped and translated IPv6 forms before deciding, and
connects to the very address it checked, so a DNS record that changes between check and connect (rebinding) changes
nothing. Every redirect is a new request through the same guard.

Around it, this module bounds what one fetch may cost: connect and read timeouts, a total time budget (a slow drip
of bytes is cut off), a maximum body (counted after decompression), and a maximum number of redirects. It sends the
validators of the last answer (If-None-Match, If-Modified-Since), so an unchanged feed costs a 304.
"""

import logging
import ssl
import time
from dataclasses import dataclass
from functools import cache

import httpx
from ssrfguard import Policy, SSRFGuardError
from ssrfguard.httpx import Client

# httpx logs every request with its URL at INFO; a calendar's address may hold a secret token (Google's private
# addresses do), and no address is logged.
logging.getLogger("httpx").setLevel(logging.WARNING)

#: Loopback, for the allowance the tests (and a developer's machine) need; never on by default.
LOOPBACK = ("127.0.0.0/8", "::1/128")
REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class FetchLimits:
    max_bytes: int = 5 * 1024 * 1024
    connect_seconds: float = 5.0
    read_seconds: float = 20.0
    #: The whole fetch, redirects and all.
    total_seconds: float = 60.0
    max_redirects: int = 5
    #: Reach 127.0.0.0/8 and ::1, on any port, over plain http too. For tests and development only.
    allow_loopback: bool = False
    user_agent: str = "OSL calendar import"

    @classmethod
    def of(cls, config) -> "FetchLimits":
        """From the events service's settings (``IMPORT_*``)."""
        return cls(max_bytes=config["IMPORT_MAX_BYTES"], connect_seconds=config["IMPORT_CONNECT_SECONDS"],
                   read_seconds=config["IMPORT_READ_SECONDS"], total_seconds=config["IMPORT_FETCH_SECONDS"],
                   max_redirects=config["IMPORT_MAX_REDIRECTS"], allow_loopback=config["IMPORT_ALLOW_LOOPBACK"],
                   user_agent=f"OSL calendar import ({config['PUBLIC_HOST']})")


@dataclass(frozen=True)
class Fetched:
    """A 200 with its body, or a 304 (no body)."""

    status: int
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    #: The charset the Content-Type names, if any.
    charset: str | None = None
    #: Where the body came from after redirects.
    url: str = ""


class FetchError(Exception):
    """A fetch that gave no feed. ``kind`` is ``refused`` (an address not to be reached), ``too_large``,
    ``timeout``, ``redirects``, ``network`` or ``http`` (then ``status`` is the HTTP status)."""

    def __init__(self, kind: str, message: str, status: int | None = None):
        super().__init__(message)
        self.kind = kind
        self.status = status


def fetch_url(url: str) -> str:
    """The address to fetch: ``webcal://`` (and ``webcals://``) is https, as every calendar app reads it."""
    for scheme in ("webcals://", "webcal://"):
        if url.lower().startswith(scheme):
            return "https://" + url[len(scheme):]
    return url


@cache
def _tls() -> ssl.SSLContext:
    """One TLS context for every fetch: loading the CA bundle costs more than a 304."""
    return httpx.create_ssl_context()


def policy(limits: FetchLimits) -> Policy:
    if limits.allow_loopback:
        return Policy(allowed_schemes=frozenset({"http", "https"}), allowed_networks=LOOPBACK,
                      allowed_ports=frozenset(range(1, 65536)), max_redirects=limits.max_redirects)
    return Policy(allowed_schemes=frozenset({"https"}), allowed_ports=frozenset({443}),
                  max_redirects=limits.max_redirects)


def fetch(url: str, limits: FetchLimits, etag: str | None = None, last_modified: str | None = None,
          resolver=None) -> Fetched:
    """GET the feed at ``url`` within ``limits``; raises FetchError. ``resolver`` stands in for getaddrinfo."""
    deadline = time.monotonic() + limits.total_seconds
    headers = {"User-Agent": limits.user_agent, "Accept": "text/calendar, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    timeout = httpx.Timeout(limits.read_seconds, connect=limits.connect_seconds, pool=limits.connect_seconds)
    try:
        with Client(policy=policy(limits), resolver=resolver, timeout=timeout, follow_redirects=False,
                    trust_env=False, verify=_tls()) as client:
            request = client.build_request("GET", fetch_url(url), headers=headers)
            for _hop in range(limits.max_redirects + 1):
                response = client.send(request, stream=True)
                try:
                    if response.status_code in REDIRECTS and response.next_request is not None:
                        request = response.next_request
                        _check_deadline(deadline)
                        continue
                    return _answer(response, limits, deadline)
                finally:
                    response.close()
            raise FetchError("redirects", f"more than {limits.max_redirects} redirects")
    except SSRFGuardError as exc:
        raise FetchError("refused", f"refused: {exc}") from None
    except httpx.TimeoutException as exc:
        raise FetchError("timeout", f"timed out: {type(exc).__name__}") from None
    except httpx.HTTPError as exc:
        cause = exc.__cause__ or exc.__context__
        while cause is not None and not isinstance(cause, SSRFGuardError):
            cause = cause.__cause__ or cause.__context__
        if cause is not None:
            raise FetchError("refused", f"refused: {cause}") from None
        raise FetchError("network", f"{type(exc).__name__}: {exc}") from None


def _check_deadline(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise FetchError("timeout", "the fetch took longer than its time budget")


def _answer(response: httpx.Response, limits: FetchLimits, deadline: float) -> Fetched:
    validators = {"etag": response.headers.get("ETag"), "last_modified": response.headers.get("Last-Modified")}
    if response.status_code == 304:
        return Fetched(304, url=str(response.url), **validators)
    if response.status_code != 200:
        raise FetchError("http", f"HTTP {response.status_code}", response.status_code)
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise FetchError("too_large", f"the feed is {declared} bytes; at most {limits.max_bytes} are read")
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limits.max_bytes:
            raise FetchError("too_large", f"the feed is larger than {limits.max_bytes} bytes")
        chunks.append(chunk)
        _check_deadline(deadline)
    return Fetched(200, b"".join(chunks), charset=response.charset_encoding, url=str(response.url), **validators)
