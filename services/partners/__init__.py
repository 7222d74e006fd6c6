"""The partners service: districts, centres, organisations and Local Partnerships."""

from pathlib import Path

from flask import Flask
from flask_smorest import Api

from services.messaging.correlation import configure_logging
from services.messaging.db import Database
from services.messaging.service import ServiceRuntime
from services.messaging.web import api_config, init_app
from services.partners.config import load_config
from services.partners.pages import register_pages

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(config: dict | None = None) -> Flask:
    settings = load_config(config)
    configure_logging(settings["LOG_LEVEL"])
    app = Flask(__name__)
    app.config.update(settings)
    app.config.update(api_config("OSL partners"))
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024  # a meeting's minutes may be 50,000 characters
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
    from services.partners.api import BLUEPRINTS
    from services.partners.auth import authenticate_writes
    from services.partners.cli import seed_command

    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.before_request(authenticate_writes)
    app.cli.add_command(seed_command)
    _explain_preconditions(app, api)
    register_pages(app)
    return app


#: flask-smorest's ETag errors carry no message; these say what to do.
PRECONDITION_MESSAGES = {
    412: "This record changed since you read it: GET it again and send its new ETag in If-Match.",
    428: "Send If-Match with the ETag from your last GET of this record.",
}


def _explain_preconditions(app: Flask, api: Api) -> None:
    def explain(exc):
        exc.data = {**(getattr(exc, "data", None) or {}), "message": PRECONDITION_MESSAGES[exc.code]}
        return api.handle_http_exception(exc)

    for code in PRECONDITION_MESSAGES:
        app.register_error_handler(code, explain)
