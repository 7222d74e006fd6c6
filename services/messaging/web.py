"""Flask plumbing every service shares: request ids, JSON errors, health checks, offline API docs, the bearer token
and ETags."""

import hmac
import logging
import re
import threading
import uuid
from dataclasses import dataclass

import flask_smorest
import swagger_ui_bundle
import werkzeug.routing
from flask import Flask, current_app, g, jsonify, request, send_from_directory
from flask_smorest import abort
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable
from werkzeug.middleware.proxy_fix import ProxyFix

from services.calendar import recurrence
from services.messaging import http_guards
from services.messaging.actor import set_actor
from services.messaging.connection import connect
from services.messaging.correlation import set_correlation_id
from services.messaging.dead_letters import count_dead_letters
from services.messaging.faults import fault_of, reason
from services.messaging.service import ServiceRuntime
from services.messaging.topology import Topology

log = logging.getLogger(__name__)

#: Seconds an answer may spend expanding repeat rules (setting ANSWER_SECONDS).
ANSWER_SECONDS = 10.0

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
#: Seconds a client is asked to wait (``Retry-After``) while the database is unavailable.
RETRY_AFTER_SECONDS = 5
#: Methods whose request session only reads (on SQLite: no write lock; see services/messaging/db.py).
READING = ("GET", "HEAD", "OPTIONS")


def api_config(title: str) -> dict:
    """flask-smorest settings: OpenAPI at /openapi.json, Swagger UI at /docs from files served here."""
    return {
        "API_TITLE": title,
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "/docs",
        "OPENAPI_SWAGGER_UI_URL": "/docs/assets/",
    }


class Api(flask_smorest.Api):
    """flask-smorest's Api, except that a blueprint's views enter the OpenAPI document when the document is next
    read (``api.spec``: the /openapi.json view, the docs, ``flask openapi print``), not when the blueprint is
    registered. The routes are registered at once, and whoever reads the document finds it as flask-smorest would
    have made it (tests/messaging/test_web.py compares the two). Documenting every view was about 40 % of making an
    app: a server does it once per worker, the tests thousands of times, mostly for apps nobody asks for the document.
    """

    def __init__(self, *args, **kwargs):
        self._undocumented: list[tuple] = []
        self._documenting = threading.Lock()
        super().__init__(*args, **kwargs)

    @property
    def spec(self):
        if self._undocumented:
            self._document()
        return self._spec

    @spec.setter
    def spec(self, value):
        self._spec = value

    def register_blueprint(self, blp, *, parameters=None, **options):
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._undocumented.append((blp, name, parameters))

    def _document(self) -> None:
        """Put the views of the blueprints registered since into the document, in the order they were registered,
        as flask-smorest's own ``register_blueprint`` does at once."""
        with self._documenting:
            while self._undocumented:
                blp, name, parameters = self._undocumented.pop(0)
                blp.register_views_in_doc(self, self._app, self._spec, name=name, parameters=parameters)
                self._spec.tag({"name": name, "description": blp.description})


class Rule(werkzeug.routing.Rule):
    """werkzeug's URL rule, except that it compiles its two URL builders (what ``url_for`` runs) when one is first
    used, not when the rule is added. Compiling them (Python code generated and compiled for each rule) was about half
    of making an app after :class:`Api`'s change: again once per worker for a server, thousands of times in the
    tests, mostly for URLs nobody builds. tests/messaging/test_web.py checks every rule builds what werkzeug's does.
    """

    def _compile_builder(self, append_unknown: bool = True):
        name = "_build_unknown" if append_unknown else "_build"

        def build(rule, *args, **kwargs):
            compiled = werkzeug.routing.Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            setattr(rule, name, compiled)  # from now on the rule calls the compiled builder itself
            return compiled(*args, **kwargs)

        return build


def runtime() -> ServiceRuntime:
    return current_app.extensions["osl"]


def request_session():
    """The database session of the current request, closed when the request ends."""
    if "db_session" not in g:
        database = runtime().database
        g.db_session = (database.read_sessionmaker if request.method in READING else database.sessionmaker)()
    return g.db_session


def bearer_token() -> str | None:
    """The token of ``Authorization: Bearer <token>``, or None when the header is missing, empty or another scheme."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def is_admin_token(token: str) -> bool:
    """Whether ``token`` is the bootstrap OSL_ADMIN_TOKEN, compared in constant time; never, when none is set."""
    expected = current_app.config.get("ADMIN_TOKEN") or ""
    return bool(expected) and hmac.compare_digest(token.encode(), expected.encode())


#: What ``bearer_key`` gives for the admin token or an admin key.
ADMIN = "admin"


def bearer_key(session, token: str | None, key_model):
    """What a bearer token is: ``ADMIN`` (the admin token, or a live admin key), a live organisation key (a row of
    ``key_model``, an ``ApiKeyMixin``), or None when it is missing, unknown or revoked."""
    if not token:
        return None
    if is_admin_token(token):
        set_actor("admin-token")
        return ADMIN
    key = key_model.live_by_token(session, token)
    if key is not None:
        set_actor(f"key:{key.prefix}")  # who the request's changes are recorded as
    return ADMIN if key is not None and key.kind == "admin" else key


def require_scope(key, scope: str) -> None:
    """403 for an organisation key without ``scope``."""
    if scope not in (key.scopes or []):
        abort(403, message=f"This API key lacks the {scope} scope.")


@dataclass(frozen=True)
class KeyCaller:
    """An administrator, or the organisation an organisation key acts for."""

    is_admin: bool
    organisation_id: int | None = None


def acts_for(caller, organisation_id: int | None) -> bool:
    """Whether ``caller`` may act for what ``organisation_id`` owns: MOPS (an administrator) for every organisation,
    an organisation's key or editor for its own only (never for what no organisation owns). Every service's
    callers carry ``is_admin`` and ``organisation_id``."""
    return caller.is_admin or (caller.organisation_id is not None and caller.organisation_id == organisation_id)


def key_caller(session, token: str | None, key_model, scope: str) -> KeyCaller | None:
    """Who a bearer token is, where an organisation key needs ``scope`` (403 without it); None when it is missing,
    unknown or revoked."""
    key = bearer_key(session, token, key_model)
    if key is None or key == ADMIN:
        return None if key is None else KeyCaller(is_admin=True)
    require_scope(key, scope)
    return KeyCaller(is_admin=False, organisation_id=key.organisation_id)


def authenticated(identify, realm: str):
    """The caller of this request, as ``identify(token)`` finds it (kept for the request); a 401 with a Bearer
    challenge for ``realm`` when the token is missing, unknown or revoked."""
    if g.get("caller") is not None:
        return g.caller
    token = bearer_token()
    caller = identify(token) if token else None
    if caller is None:
        message = "Send an API key or the admin token as Authorization: Bearer ..." if token is None else \
            "This API key is unknown or revoked."
        abort(401, message=message, headers={"WWW-Authenticate": f'Bearer realm="{realm}"'})
    g.caller = caller
    return caller


def admin_only(caller, message: str):
    """``caller`` when it is an administrator (the admin token, an admin key, an admin signed in); 403 with the
    service's ``message`` otherwise (an organisation's key or editor). Each service's ``require_admin`` passes its
    own caller, found (401) as that service finds callers."""
    if not caller.is_admin:
        abort(403, message=message)
    return caller


def version_etag(record) -> str:
    """A record's ETag: its kind, id and version, so every change gives a new one."""
    return f"{type(record).__name__}-{record.id}-{record.version}"


def etag_header(record) -> dict:
    """The ETag header of a record, for views that build their answer themselves."""
    return {"ETag": f'"{version_etag(record)}"'}


def check_if_match(etag: str) -> None:
    """412 when If-Match names another version than ``etag``; for APIs where If-Match is optional."""
    if request.if_match and not request.if_match.star_tag and not request.if_match.contains(etag):
        abort(412)


#: The If-Match header of a change that requires it (428 without), for views that check it themselves
#: (``blp.doc(parameters=[IF_MATCH])``); flask-smorest's own ETag support documents it the same way.
IF_MATCH = {"in": "header", "name": "If-Match", "required": True, "schema": {"type": "string"},
            "description": "The ETag of the version this change is based on (from a GET); * for any version."}


#: flask-smorest's ETag errors carry no message; these say what to do.
PRECONDITION_MESSAGES = {
    412: "This record changed since you read it: GET it again and send its new ETag in If-Match.",
    428: "Send If-Match with the ETag from your last GET of this record.",
}


def init_app(app: Flask, api: Api, service: ServiceRuntime) -> None:
    app.extensions["osl"] = service
    app.json.ensure_ascii = False
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        # Behind the gateway: the client's address, scheme, host and the path prefix (/partners) come from it,
        # so that every link the app builds works the same behind it.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_prefix=proxies)
    api.init_app(app)
    http_guards.install(app, api)

    @app.before_request
    def _correlate():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if REQUEST_ID.match(incoming) else str(uuid.uuid4())
        set_correlation_id(g.request_id)
        set_actor(None)  # until the service's authentication names the caller
        # Expanding repeat rules gets a time budget per answer: a bug costs one answer (503), never the worker.
        g.time_budget = recurrence.time_budget(float(app.config.get("ANSWER_SECONDS") or ANSWER_SECONDS))
        g.time_budget.__enter__()

    @app.after_request
    def _tag(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    @app.teardown_request
    def _close_session(_exc):
        budget = g.pop("time_budget", None)
        if budget is not None:
            budget.__exit__(None, None, None)
        session = g.pop("db_session", None)
        if session is not None:
            session.rollback()
            session.close()
        set_correlation_id(None)
        set_actor(None)

    @app.errorhandler(Exception)
    def _unexpected(exc):
        if isinstance(exc, HTTPException):
            return api.handle_http_exception(exc)
        if (fault := fault_of(exc)) is not None:
            # A known outage: the client may try again; one line, no traceback.
            log.warning("%s %s: %s unavailable, answered 503: %s", request.method, request.path, fault, reason(exc))
            unavailable = ServiceUnavailable()
            unavailable.data = {"message": f"The {fault} is unavailable for a moment; please try again.",
                                "headers": {"Retry-After": str(RETRY_AFTER_SECONDS)}}
            return api.handle_http_exception(unavailable)
        if isinstance(exc, recurrence.OverBudget):
            log.warning("%s %s: answered 503: %s", request.method, request.path, exc)
            unavailable = ServiceUnavailable()
            unavailable.data = {"message": "This answer took too long to build; please try again.",
                                "headers": {"Retry-After": str(RETRY_AFTER_SECONDS)}}
            return api.handle_http_exception(unavailable)
        log.exception("unhandled error")
        return api.handle_http_exception(InternalServerError())

    def _explain_precondition(exc):
        exc.data = {"message": PRECONDITION_MESSAGES[exc.code], **(getattr(exc, "data", None) or {})}
        return api.handle_http_exception(exc)

    for code in PRECONDITION_MESSAGES:
        app.register_error_handler(code, _explain_precondition)

    @app.get("/docs/assets/<path:filename>")
    def _swagger_assets(filename):
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename)

    @app.get("/healthz")
    def _healthz():
        return jsonify(status="ok", service=service.name)

    @app.get("/readyz")
    def _readyz():
        letters: list[int] = []
        checks = {"database": _check(service.database.ping),
                  "broker": _check(lambda: letters.append(_ping_broker(service)))}
        down = sorted(name for name, result in checks.items() if result != "ok")
        body = {"status": "unavailable" if down else "ok", "service": service.name, "checks": checks, "down": down,
                "warnings": []}
        if service.handlers and letters:
            # A warning, not a failure: the service works, but someone should look at them.
            body["dead_letters"] = letters[0]
            if letters[0]:
                body["warnings"].append(f"{letters[0]} message(s) in the dead-letter queue")
        return jsonify(body), 503 if down else 200


def _check(probe) -> str:
    try:
        probe()
    except Exception as exc:  # any failure means "not ready"; the reason goes in the body
        return f"{type(exc).__name__}: {exc}"[:300]
    return "ok"


def _ping_broker(service: ServiceRuntime) -> int:
    """Raise if the broker does not answer; else how many dead letters the service has (0 if it consumes none)."""
    with connect(service.bus) as connection:
        connection.ensure_connection(max_retries=1, timeout=3)
        channel = connection.channel()  # on the filesystem bus, this creates and checks the folders
        if not service.handlers:
            return 0
        topology = Topology(service.bus)
        topology.dead_letter_queue(service.name)(channel).declare()  # a fresh install has not declared it yet
        return count_dead_letters(channel, topology, service.name)
