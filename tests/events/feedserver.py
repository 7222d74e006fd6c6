"""A local HTTP server that serves calendar fixtures as their producers do, and hostile answers, for the import tests.

Each path maps to a ``Route``: a status, headers and a body, or a function that writes the answer itself (a slow
drip, an endless redirect). Every request is recorded with its headers, so a test can see If-None-Match arrive.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).with_name("import_fixtures")


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict = field(default_factory=lambda: {"Content-Type": "text/calendar; charset=utf-8"})
    #: Answer 304 when the request's If-None-Match is this ETag (set ``etag`` to send one).
    etag: str | None = None
    #: Or write the answer yourself: ``handler(request_handler)``.
    handler: Callable | None = None


class FeedServer:
    def __init__(self):
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                server.requests.append((self.path, dict(self.headers)))
                route = server.routes.get(self.path)
                if route is None:
                    return self._send(404, {}, b"not here")
                if route.handler is not None:
                    return route.handler(self)
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    return self._send(304, {"ETag": route.etag}, b"")
                headers = dict(route.headers)
                if route.etag:
                    headers["ETag"] = route.etag
                    headers["Last-Modified"] = formatdate(usegmt=True)
                return self._send(route.status, headers, route.body)

            def _send(self, status, headers, body):
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def serve(self, path: str, body: bytes, **kwargs) -> str:
        self.routes[path] = Route(body=body, **kwargs)
        return self.url(path)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def redirect_to(location: str) -> Route:
    def handler(request):
        request.send_response(302)
        request.send_header("Location", location)
        request.send_header("Content-Length", "0")
        request.end_headers()

    return Route(handler=handler)


def slow_drip(seconds_per_byte: float, total: int) -> Route:
    """Headers at once, then one byte every ``seconds_per_byte``: each read is quick, the whole never ends."""
    def handler(request):
        request.send_response(200)
        request.send_header("Content-Type", "text/calendar")
        request.send_header("Content-Length", str(total))
        request.end_headers()
        try:
            for _ in range(total):
                request.wfile.write(b"B")
                request.wfile.flush()
                time.sleep(seconds_per_byte)
        except OSError:
            pass

    return Route(handler=handler)


def endless_body(chunk: bytes = b"X" * 65536) -> Route:
    """A chunked body that never ends, and never says how long it is."""
    def handler(request):
        request.send_response(200)
        request.send_header("Content-Type", "text/calendar")
        request.send_header("Transfer-Encoding", "chunked")
        request.end_headers()
        try:
            while True:
                request.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except OSError:
            pass

    return Route(handler=handler)
