"""The events service."""

from pathlib import Path

from flask import Flask

from services.events.config import load_config
from services.messaging.app import create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(config: dict | None = None) -> Flask:
    from services.events.api import register
    from services.events.auth import authenticate_writes
    from services.events.consumers import HANDLERS
    from services.events.feeds import register_feeds
    from services.events.models import InboxMessage, OutboxMessage
    from services.events.pages import register_pages

    return create_service_app(
        "events", __name__, load_config(config), migrations=MIGRATIONS,
        outbox_model=OutboxMessage, inbox_model=InboxMessage, handlers=HANDLERS,
        parts=(lambda app, api: register(api), lambda app, api: app.before_request(authenticate_writes),
               register_feeds, lambda app, api: register_pages(app)),
    )
