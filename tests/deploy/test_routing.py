"""Every path a service serves reaches that service through the gateway, and through the Kubernetes Ingress.

The paths come from the apps' own URL maps (each rule, with sample values in its placeholders), so a new route is
checked the day it is written. Where each service is mounted comes from the gateway's design:

- every service at its prefix, taken off before the app sees it (``/partners/...``, ``/notify/...``,
  ``/programme/...``); events at the root;
- every service's API (``/api/v1/...``) at the root, as it is;
- notify's pages at the root too (NOTIFY_BASE_URL is the site's root: the links in its mails and pages);
- partners' staff pages at the root too (``/staff/...``, STAFF_BASE_URL: the one place staff work; events' own
  staff pages are below it, at ``/staff/events/...``).

A root path that two services both serve (``/healthz``, ``/api/v1/history/``) can reach only one of them; it must
reach one that serves it, and each is reached at its prefix.

nginx: the real nginx runs the real template, its upstreams small servers that answer with their own name and the
path they were asked for; the path must land on the same rule in that service's URL map. The Ingress: the
ingress-nginx controller's documented matching (``use-regex``: each path a case-insensitive regular expression
anchored at the start, longest first, on every Ingress of the host; ``rewrite-target`` with the path's groups),
applied to deploy/k8s/ingress.yaml.
"""

import json
import re
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, RequestRedirect

from services.messaging.settings import BusSettings
from services.messaging.testing import wait_until
from tests.deploy import nginx_gateway
from tests.ports import free_port

SERVICES = ("partners", "events", "notify", "programme")
#: Where each service's pages are at the root of the site, besides its prefix (events has none: it is the root).
ROOT_PAGES = {"events", "notify"}
#: Whose staff pages (``/staff/...``) are at the root, besides its prefix.
ROOT_STAFF_PAGES = {"partners"}
INGRESS = Path(__file__).resolve().parents[2] / "deploy" / "k8s" / "ingress.yaml"
SAMPLES = {"int": "7", "uuid": "0b5e3c3e-8f51-4f4e-9d55-3c1f4a2b9e01", "path": "a/b.css", "default": "x-1"}
PLACEHOLDER = re.compile(r"<(?:(\w+)(\(([^)]*)\))?:)?(\w+)>")


def sample(rule: str) -> str:
    """The rule with a plausible value in each placeholder: ``/events/<uuid:event_id>`` -> ``/events/0b5e...``."""
    def value(match):
        converter, _, arguments, _ = match.groups()
        if converter == "any":
            return arguments.split(",")[0].strip().strip("'\"")
        return SAMPLES.get(converter or "default", SAMPLES["default"])
    return PLACEHOLDER.sub(value, rule)


@dataclass(frozen=True)
class Route:
    service: str
    rule: str
    endpoint: str
    method: str
    public: str  # the path a browser asks the gateway for
    forwarded: str  # the path the service must see


def url_maps() -> tuple[dict[str, Map], dict[str, set[str]]]:
    """Each service's URL map, and the paths of its OpenAPI document."""
    import importlib

    maps, documented = {}, {}
    with tempfile.TemporaryDirectory() as folder:
        for service in SERVICES:
            app = importlib.import_module(f"services.{service}").create_app(
                {"DATABASE_URL": f"sqlite:///{folder}/{service}.db", "TESTING": True,
                 "BUS": BusSettings(broker_url="filesystem://", bus_dir=Path(folder) / "bus")})
            maps[service] = app.url_map
            documented[service] = set(app.test_client().get("/openapi.json").json["paths"])
            app.extensions["osl"].database.dispose()
    return maps, documented


def endpoint_of(url_map: Map, path: str, method: str | None = None) -> str | None:
    """The endpoint ``path`` lands on for ``method`` (or for any), or None."""
    adapter = url_map.bind("osl.test")
    for each in [method] if method else ("GET", "POST", "PUT", "PATCH", "DELETE"):
        try:
            return adapter.match(path, method=each)[0]
        except RequestRedirect:  # a missing trailing slash is not a route
            return None
        except HTTPException:
            continue
    return None


def routes(maps: dict[str, Map]) -> tuple[list[Route], dict[str, set[str]]]:
    """Every (service, rule) at each public path it must be reachable at (but what the gateway answers itself);
    and the root paths more than one service serves there (path -> those services)."""
    found, root_claims = [], {}
    for service, url_map in maps.items():
        for rule in url_map.iter_rules():
            path, method = sample(rule.rule), sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
            assert endpoint_of(url_map, path, method) == rule.endpoint, f"{service}: {path} misses {rule.rule}"
            if service != "events":
                found.append(Route(service, rule.rule, rule.endpoint, method, f"/{service}{path}", path))
            if service in ROOT_PAGES or path.startswith("/api/") or (
                    service in ROOT_STAFF_PAGES and path.startswith("/staff/")):
                found.append(Route(service, rule.rule, rule.endpoint, method, path, path))
    for route in found:
        if route.public == route.forwarded:
            root_claims.setdefault(route.public, set()).add(route.service)
    own = set(re.findall(r"location = (\S+) \{[^{}]*\breturn\b", nginx_gateway.TEMPLATE.read_text()))
    assert own, "the gateway answers its own /healthz"
    return ([route for route in found if route.public not in own],
            {path: claims for path, claims in root_claims.items() if len(claims) > 1})


@pytest.fixture(scope="module")
def mapped():
    maps, documented = url_maps()
    return maps, *routes(maps), documented


class Marker(BaseHTTPRequestHandler):
    """An upstream that says which service it stands for and the path it was asked for."""

    service = ""

    def answer(self):
        body = json.dumps({"service": self.service, "path": self.path,
                           "prefix": self.headers.get("X-Forwarded-Prefix")}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Accel-Expires", "0")  # the gateway keeps no feed of a marker
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = answer

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    nginx_gateway.nginx_binary()
    servers = {}
    for service in SERVICES:
        servers[service] = ThreadingHTTPServer(("127.0.0.1", 0), type(f"{service}Marker", (Marker,),
                                                                        {"service": service}))
        threading.Thread(target=servers[service].serve_forever, daemon=True).start()
    port = free_port()
    nginx = nginx_gateway.start(tmp_path_factory.mktemp("routing"),
                                {name: f"127.0.0.1:{s.server_port}" for name, s in servers.items()}, port)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: through(base, "/api/v1/events") is not None, timeout=20, message="the gateway answering")
        yield base
    finally:
        nginx.terminate()
        nginx.wait(timeout=20)
        for server in servers.values():
            server.shutdown()
            server.server_close()


def through(base: str, path: str) -> dict | None:
    try:
        with urllib.request.urlopen(base + path, timeout=10) as response:
            return json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError):
        return None


def ingress_route(path: str) -> tuple[str, str] | None:
    """(service, path it sees) by ingress-nginx's rules for deploy/k8s/ingress.yaml, or None."""
    paths = []
    for ingress in yaml.safe_load_all(INGRESS.read_text()):
        if not ingress or ingress.get("kind") != "Ingress":
            continue
        rewrite = (ingress["metadata"].get("annotations") or {}).get("nginx.ingress.kubernetes.io/rewrite-target")
        for rule in ingress["spec"]["rules"]:
            for entry in rule["http"]["paths"]:
                paths.append((entry["path"], entry["backend"]["service"]["name"].removesuffix("-web"), rewrite))
    for pattern, service, rewrite in sorted(paths, key=lambda p: len(p[0]), reverse=True):
        match = re.match(pattern, path, re.IGNORECASE)
        if match:
            return service, match.expand(rewrite.replace("$", "\\")) if rewrite else path
    return None


def problems_of(routes_found, root_claims, maps, route_of) -> list[str]:
    """Each route that lands elsewhere than its service's rule (``route_of``: public path -> (service, path))."""
    problems = []
    for route in routes_found:
        landed = route_of(route.public)
        claims = root_claims.get(route.public)
        if landed is None:
            problems.append(f"{route.public} ({route.service} {route.rule}): nothing answers")
        elif claims is not None:
            if landed[0] not in claims or endpoint_of(maps[landed[0]], landed[1]) is None:
                problems.append(f"{route.public}: served by {sorted(claims)}, reaches {landed}")
        elif landed[0] != route.service or endpoint_of(maps[route.service], landed[1], route.method) != route.endpoint:
            problems.append(f"{route.public} ({route.service} {route.rule}) reaches {landed[0]} as {landed[1]}")
    return problems


def test_the_routes_cover_every_service_and_its_openapi_paths(mapped):
    maps, found, root_claims, documented = mapped
    assert {route.service for route in found} == set(SERVICES)
    api = {(route.service, route.rule) for route in found if route.public.startswith("/api/")}
    assert {service for service, _ in api} == set(SERVICES)
    for service, paths in documented.items():  # every documented path is checked at the root, as it is
        # (/api/v1/events/<uuid:event_id> is /api/v1/events/{event_id} in the document)
        checked = {PLACEHOLDER.sub(lambda hit: f"{{{hit.group(4)}}}", rule) for name, rule in api if name == service}
        assert paths and paths <= checked, (service, sorted(paths - checked))
    # Only the plumbing every app has, and what the tests below accept at one of them, is served twice at the root.
    assert "/healthz" in root_claims and "/api/v1/events" not in root_claims


def test_every_path_reaches_its_own_service_through_the_gateway(gateway, mapped):
    maps, found, root_claims, _ = mapped

    def route_of(path):
        answer = through(gateway, path)
        return None if answer is None else (answer["service"], answer["path"].split("?")[0])

    assert problems_of(found, root_claims, maps, route_of) == []
    for service in ("partners", "notify", "programme"):  # the prefix the gateway took off, told to the app
        assert through(gateway, f"/{service}/docs")["prefix"] == f"/{service}"


def test_every_path_reaches_its_own_service_through_the_ingress(mapped):
    maps, found, root_claims, _ = mapped
    assert problems_of(found, root_claims, maps, ingress_route) == []


def test_the_check_finds_a_path_sent_to_another_service(mapped):
    """A route table that sends one API to the wrong service fails: the check is not blind."""
    maps, found, root_claims, _ = mapped

    def misrouted(path):
        service, seen = ingress_route(path)
        return ("events", seen) if path.startswith("/api/v1/rooms/7") and not path.endswith("bookings") else (
            service, seen)

    assert problems_of(found, root_claims, maps, misrouted) != []


def test_each_services_base_url_is_where_the_gateway_and_the_ingress_serve_its_pages():
    """The links the apps build (``*_BASE_URL``) point at the one site: the compose gateway's, and the Ingress's host
    in Kubernetes, each at the service's mount (its prefix, or the root for the services in ROOT_PAGES)."""
    compose = yaml.safe_load((INGRESS.parents[2] / "docker-compose.yml").read_text())
    configmap = next(doc for doc in yaml.safe_load_all((INGRESS.parent / "configmap.yaml").read_text())
                     if doc and doc.get("kind") == "ConfigMap")
    hosts = {rule["host"] for ingress in yaml.safe_load_all(INGRESS.read_text()) if ingress
             for rule in ingress["spec"]["rules"]}
    assert len(hosts) == 1
    found = {}
    for name, settings in (("compose", compose["x-osl-env"]), ("kubernetes", configmap["data"])):
        for service in ("partners", "events", "notify"):
            value = str(settings[f"{service.upper()}_BASE_URL"])
            value = re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", value)  # compose's ${NAME:-default}
            parts = urllib.parse.urlsplit(value)
            found[(name, service)] = (parts.netloc, parts.path.rstrip("/"))
    for service in ("partners", "events", "notify"):
        mount = "" if service in ROOT_PAGES else f"/{service}"
        assert found[("kubernetes", service)] == (next(iter(hosts)), mount), service
        assert found[("compose", service)][1] == mount, service
    assert len({netloc for (name, _), (netloc, _) in found.items() if name == "compose"}) == 1
