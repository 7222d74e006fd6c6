"""The notify service: residents' e-mail subscriptions and the notices sent to them."""

from pathlib import Path

from flask import Flask
from flask_smorest import Api

from services.messaging.app import create_service_app
from services.notify.config import load_config

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(config: dict | None = None) -> Flask:
    from services.notify.consumers import HANDLERS
    from services.notify.models import InboxMessage, OutboxMessage

    return create_service_app(
        "notify", __name__, load_config(config), migrations=MIGRATIONS,
        outbox_model=OutboxMessage, inbox_model=InboxMessage, handlers=HANDLERS, parts=(_register,),
        max_body=64 * 1024,  # a subscription is a few short fields
    )


def _register(app: Flask, api: Api) -> None:
    from services.notify.api import admin_api, subscriptions_api
    from services.notify.cli import send_command
    from services.notify.pages import register_pages
    from services.notify.registrations_api import registrations_api, staff_api

    api.register_blueprint(subscriptions_api)
    api.register_blueprint(admin_api)
    api.register_blueprint(registrations_api)
    api.register_blueprint(staff_api)
    register_pages(app)
    app.cli.add_command(send_command)
