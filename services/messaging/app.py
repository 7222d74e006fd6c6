"""The one app factory: every service's Flask app is this skeleton with the service's own parts passed in."""

from collections.abc import Callable, Iterable
from pathlib import Path

from flask import Flask, has_app_context

from services.messaging import http_guards
from services.messaging.consumer import Handler
from services.messaging.db import Database
from services.messaging.logs import configure_logging
from services.messaging.metrics import init_web_metrics
from services.messaging.service import ServiceRuntime
from services.messaging.web import Api, Rule, api_config, init_app

#: A part of a service (its API, feeds, pages, CLI commands): called once with the app and its API.
Part = Callable[[Flask, Api], None]


class ServiceFlask(Flask):
    """Flask, with rules that compile their URL builders when first used (:class:`services.messaging.web.Rule`)."""

    url_rule_class = Rule


def create_service_app(name: str, import_name: str, settings: dict, *, migrations: Path, outbox_model: type,
                       inbox_model: type | None = None, handlers: dict[str, Handler] | None = None,
                       parts: Iterable[Part] = (), max_body: int | None = None,
                       require_caller: Callable[[], object] | None = None) -> Flask:
    """Logging, config, the runtime (database, bus, outbox, inbox, handlers), the shared plumbing, then the parts.

    ``import_name`` is the service's package: Flask finds the service's own templates folder from it. ``max_body``
    is the largest request body, in bytes, the service takes (413 past it; a shared default otherwise).
    ``require_caller`` is the service's check of bearer credentials (401 without valid ones): given, every write to
    the API needs it (``http_guards.authenticate_writes``), ahead of the parts' own checks.
    """
    configure_logging(settings["LOG_LEVEL"], name)
    app = ServiceFlask(import_name)
    app.config.update(settings)
    app.config.update(api_config(f"OSL {name}"))
    if max_body is not None:
        app.config["MAX_CONTENT_LENGTH"] = max_body
    service = ServiceRuntime(
        name=name,
        database=Database(settings["DATABASE_URL"]),
        bus=settings["BUS"],
        outbox_model=outbox_model,
        inbox_model=inbox_model,
        migrations=migrations,
        handlers={key: _in_context(app, handler) for key, handler in (handlers or {}).items()},
    )
    api = Api()
    init_app(app, api, service)
    init_web_metrics(app, name)
    if require_caller is not None:
        http_guards.authenticate_writes(app, require_caller)
    for part in parts:
        part(app, api)
    http_guards.install_body_check(app)  # after the parts: their authentication answers first (401 before 415)
    return app


def _in_context(app: Flask, handler: Handler) -> Handler:
    """The handler, run in the app's context (its settings, e.g. the host of iCal UIDs) on whatever thread."""
    def handle(session, envelope):
        if has_app_context():
            return handler(session, envelope)
        with app.app_context():
            return handler(session, envelope)

    return handle
