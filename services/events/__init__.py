"""The events service."""

from pathlib import Path

from flask import Flask, has_app_context
from flask_smorest import Api

from services.events.config import load_config
from services.events.feeds import register_feeds
from services.events.pages import register_pages
from services.messaging.correlation import configure_logging
from services.messaging.db import Database
from services.messaging.service import ServiceRuntime
from services.messaging.web import api_config, init_app

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(config: dict | None = None) -> Flask:
    settings = load_config(config)
    configure_logging(settings["LOG_LEVEL"])
    app = Flask(__name__)
    app.config.update(settings)
    app.config.update(api_config("OSL events"))
    from services.events.consumers import HANDLERS
    from services.events.models import InboxMessage, OutboxMessage

    service = ServiceRuntime(
        name="events",
        database=Database(settings["DATABASE_URL"]),
        bus=settings["BUS"],
        outbox_model=OutboxMessage,
        inbox_model=InboxMessage,
        migrations=MIGRATIONS,
        handlers={},
    )
    # Handlers render VEVENTs with the app's settings: each runs in the app's context, on whatever thread.
    service.handlers.update({name: _in_context(app, handler) for name, handler in HANDLERS.items()})
    api = Api()
    init_app(app, api, service)
    from services.events.api import register
    from services.events.auth import authenticate_writes

    register(api)
    app.before_request(authenticate_writes)
    register_feeds(app, api)
    register_pages(app)
    return app


def _in_context(app: Flask, handler):
    def handle(session, envelope):
        if has_app_context():
            return handler(session, envelope)
        with app.app_context():
            return handler(session, envelope)

    return handle
