"""The programme service: an EU-funded programme's participants (pseudonymous), attendance and indicators.

Sensitive data lives only here, in its own database; the service hears of activities and API keys over the bus.
"""

from pathlib import Path

from flask import Flask

from services.messaging.app import create_service_app
from services.messaging.staff import init_staff
from services.programme.config import load_config

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(config: dict | None = None) -> Flask:
    from services.programme.api import register
    from services.programme.auth import require_caller
    from services.programme.consumers import HANDLERS
    from services.programme.dashboard import register_dashboard
    from services.programme.models import InboxMessage, OutboxMessage, StaffAccount, StaffSession

    return create_service_app(
        "programme", __name__, load_config(config), migrations=MIGRATIONS,
        outbox_model=OutboxMessage, inbox_model=InboxMessage, handlers=HANDLERS, require_caller=require_caller,
        parts=(lambda app, api: register(api), lambda app, api: init_staff(app, StaffAccount, StaffSession),
               lambda app, api: register_dashboard(app)),
    )
