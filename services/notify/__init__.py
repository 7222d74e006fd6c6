"""The notify service: residents' e-mail subscriptions and the notices sent to them."""

from functools import partial
from pathlib import Path

from flask import Flask, request
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
    from services.messaging.history import register_history
    from services.messaging.staff import init_staff
    from services.notify.api import admin_api, subscriptions_api
    from services.notify.auth import require_admin
    from services.notify.cli import send_command
    from services.notify.models import OutboxMessage, StaffAccount, StaffSession
    from services.notify.pages import register_pages
    from services.notify.registrations_api import registrations_api, staff_api

    api.register_blueprint(subscriptions_api)
    api.register_blueprint(admin_api)
    api.register_blueprint(registrations_api)
    api.register_blueprint(staff_api)
    # Credentials before anything about the body (401 before 415 and 422): an app-wide hook, so that it runs ahead of
    # the shared body checks, which the app factory adds after the parts.
    app.before_request(partial(_credentials_first, admin_api.name, staff_api.name))
    register_pages(app)
    app.cli.add_command(send_command)
    init_staff(app, StaffAccount, StaffSession)
    register_history(app, api, OutboxMessage, require_admin)


def _credentials_first(admin: str, staff: str) -> None:
    """401 (or 403) before anything about the body: the admin API takes administrators; the registrations' staff
    API also an organisation's key, which then sees its own events only."""
    from services.notify.auth import require_admin, require_caller

    if request.blueprint == admin:
        require_admin()
    elif request.blueprint == staff:
        require_caller()
