"""The partners service: districts, centres, organisations and Local Partnerships."""

from pathlib import Path

from flask import Flask
from flask_smorest import Api

from services.messaging.correlation import configure_logging
from services.messaging.db import Database
from services.messaging.service import ServiceRuntime
from services.messaging.web import api_config, init_app
from services.partners.config import load_config

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(config: dict | None = None) -> Flask:
    settings = load_config(config)
    configure_logging(settings["LOG_LEVEL"])
    app = Flask(__name__)
    app.config.update(settings)
    app.config.update(api_config("OSL partners"))
    from services.partners.models import OutboxMessage

    service = ServiceRuntime(
        name="partners",
        database=Database(settings["DATABASE_URL"]),
        bus=settings["BUS"],
        outbox_model=OutboxMessage,
        inbox_model=None,
        migrations=MIGRATIONS,
    )
    api = Api()
    init_app(app, api, service)
    from services.partners.api import districts
    from services.partners.cli import seed_command

    api.register_blueprint(districts)
    app.cli.add_command(seed_command)
    return app
