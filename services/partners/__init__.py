"""The partners service: districts, centres, organisations and Local Partnerships."""

from pathlib import Path

from flask import Flask
from flask_smorest import Api

from services.messaging.app import create_service_app
from services.partners.config import load_config

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(config: dict | None = None) -> Flask:
    from services.partners.models import OutboxMessage

    return create_service_app(
        "partners", __name__, load_config(config), migrations=MIGRATIONS,
        outbox_model=OutboxMessage, inbox_model=None, parts=(_register,),
    )


def _register(app: Flask, api: Api) -> None:
    from services.partners.api import BLUEPRINTS
    from services.partners.auth import authenticate_writes
    from services.partners.cli import seed_command
    from services.partners.pages import register_pages

    credentials = "OSL_ADMIN_TOKEN, an admin key or an organisation's key"
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "description": credentials})
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.before_request(authenticate_writes)
    app.cli.add_command(seed_command)
    _explain_preconditions(app, api)
    register_pages(app)


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
