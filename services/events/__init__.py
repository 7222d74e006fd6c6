"""The events service."""

from pathlib import Path

from flask import Flask

from services.events.config import load_config
from services.messaging.app import create_service_app
from services.messaging.history import register_history
from services.messaging.staff import init_staff
from services.messaging.web import request_session

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(config: dict | None = None) -> Flask:
    from services.events.api import register
    from services.events.auth import require_admin, require_caller
    from services.events.consumers import HANDLERS
    from services.events.feeds import register_feeds
    from services.events.models import InboxMessage, OutboxMessage, StaffAccount, StaffSession
    from services.events.pages import register_pages
    from services.events.staff import register_staff_pages

    return create_service_app(
        "events", __name__, load_config(config), migrations=MIGRATIONS,
        outbox_model=OutboxMessage, inbox_model=InboxMessage, handlers=HANDLERS,
        require_caller=lambda: require_caller(request_session()),
        parts=(lambda app, api: register(api), register_feeds, lambda app, api: register_pages(app),
               lambda app, api: init_staff(app, StaffAccount, StaffSession),
               lambda app, api: register_staff_pages(app),
               lambda app, api: register_history(app, api, OutboxMessage, require_admin)),
    )
