"""Flask plumbing every service shares: request ids, JSON errors, health checks and offline API docs."""

import logging
import re
import uuid

import swagger_ui_bundle
from flask import Flask, g, jsonify, request, send_from_directory
from flask_smorest import Api
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.middleware.proxy_fix import ProxyFix

from services.messaging import http_guards
from services.messaging.connection import connect
from services.messaging.correlation import set_correlation_id
from services.messaging.service import ServiceRuntime

log = logging.getLogger(__name__)

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


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


def runtime() -> ServiceRuntime:
    from flask import current_app

    return current_app.extensions["osl"]


def request_session():
    """The database session of the current request, closed when the request ends."""
    if "db_session" not in g:
        g.db_session = runtime().database.sessionmaker()
    return g.db_session


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

    @app.after_request
    def _tag(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    @app.teardown_request
    def _close_session(_exc):
        session = g.pop("db_session", None)
        if session is not None:
            session.rollback()
            session.close()
        set_correlation_id(None)

    @app.errorhandler(Exception)
    def _unexpected(exc):
        if isinstance(exc, HTTPException):
            return api.handle_http_exception(exc)
        log.exception("unhandled error")
        return api.handle_http_exception(InternalServerError())

    @app.get("/docs/assets/<path:filename>")
    def _swagger_assets(filename):
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename)

    @app.get("/healthz")
    def _healthz():
        return jsonify(status="ok", service=service.name)

    @app.get("/readyz")
    def _readyz():
        checks = {"database": _check(service.database.ping), "broker": _check(lambda: _ping_broker(service))}
        down = sorted(name for name, result in checks.items() if result != "ok")
        body = {"status": "unavailable" if down else "ok", "service": service.name, "checks": checks, "down": down}
        return jsonify(body), 503 if down else 200


def _check(probe) -> str:
    try:
        probe()
    except Exception as exc:  # any failure means "not ready"; the reason goes in the body
        return f"{type(exc).__name__}: {exc}"[:300]
    return "ok"


def _ping_broker(service: ServiceRuntime) -> None:
    with connect(service.bus) as connection:
        connection.ensure_connection(max_retries=1, timeout=3)
        if service.bus.is_filesystem:
            connection.channel()  # creates and checks the folders
