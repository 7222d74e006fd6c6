"""The events service's configuration, from the environment."""

import os
import secrets

from services.messaging.config import secret_key, service_config


def _days(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise SystemExit(f"{name} must be a whole number of days, got {value!r}")
    return int(value)


def load_config(overrides: dict | None = None) -> dict:
    defaults = {
        #: The host part of every iCal UID (``<uuid>@<host>``); never change it once feeds are out.
        "PUBLIC_HOST": os.environ.get("PUBLIC_HOST", "osl.localhost"),
        #: Where the public reaches this service, for the URLs it hands out; empty means the request's own root.
        "PUBLIC_BASE_URL": os.environ.get("EVENTS_BASE_URL", ""),
        #: The feeds' window: days back, days ahead, and how long a cancelled event stays in them.
        **{name: _days(name, default) for name, default in
           (("FEED_PAST_DAYS", 90), ("FEED_FUTURE_DAYS", 730), ("FEED_CANCELLED_DAYS", 30))},
    }
    config = {**defaults, **service_config("events", overrides)}
    if "SECRET_KEY" not in config:
        # Signs the staff pages' CSRF tokens.
        config["SECRET_KEY"] = secrets.token_urlsafe(48) if config.get("TESTING") else secret_key("events")
    return config
