"""The partners service: districts, centres, organisations and Local Partnerships."""

from pathlib import Path

from flask import Flask
from flask_smorest import Api

from services.messaging.app import create_service_app
from services.partners.config import load_config

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(config: dict | None = None) -> Flask:
    from services.partners.auth import require_caller
    from services.partners.consumers import HANDLERS
    from services.partners.models import InboxMessage, OutboxMessage

    return create_service_app(
        "partners", __name__, load_config(config), migrations=MIGRATIONS,
        outbox_model=OutboxMessage, inbox_model=InboxMessage, handlers=HANDLERS, parts=(_register,),
        require_caller=require_caller,
        max_body=1024 * 1024,  # a meeting's minutes may be 50,000 characters
    )


def _register(app: Flask, api: Api) -> None:
    from services.messaging.history import register_history
    from services.partners.api import BLUEPRINTS
    from services.partners.auth import require_admin
    from services.partners.cli import first_admin_command, seed_command
    from services.partners.models import OutboxMessage
    from services.partners.pages import register_pages

    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    register_history(app, api, OutboxMessage, require_admin)
    app.cli.add_command(seed_command)
    app.cli.add_command(first_admin_command)
    register_pages(app)

