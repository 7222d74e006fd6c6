"""The notify service: residents' e-mail subscriptions and the notices sent to them."""

from pathlib import Path

from flask import Flask
from flask_smorest import Api

from services.messaging.correlation import configure_logging
from services.messaging.db import Database
from services.messaging.service import ServiceRuntime
from services.messaging.web import api_config, init_app
from services.notify.config import load_config

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(config: dict | None = None) -> Flask:
    settings = load_config(config)
    configure_logging(settings["LOG_LEVEL"])
    app = Flask(__name__)
    app.config.update(settings)
    app.config.update(api_config("OSL notify"))
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024  # a subscription is a few short fields
    from services.notify.consumers import HANDLERS
    from services.notify.models import InboxMessage, OutboxMessage

    service = ServiceRuntime(
        name="notify",
        database=Database(settings["DATABASE_URL"]),
        bus=settings["BUS"],
        outbox_model=OutboxMessage,
        inbox_model=InboxMessage,
        migrations=MIGRATIONS,
        handlers=HANDLERS,
    )
    api = Api()
    init_app(app, api, service)
    from services.notify.api import admin_api, subscriptions_api
    from services.notify.cli import send_command
    from services.notify.pages import register_pages

    api.register_blueprint(subscriptions_api)
    api.register_blueprint(admin_api)
    register_pages(app)
    app.cli.add_command(send_command)
    return app
