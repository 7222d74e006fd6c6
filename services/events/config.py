"""The events service's configuration, from the environment."""

import os

from services.messaging.config import service_config
from services.messaging.settings import env_float


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
        #: How old a feed may be: each worker, and the caching gateway in front, ask again after this many seconds.
        "FEED_RECHECK_SECONDS": env_float("FEED_RECHECK_SECONDS", 1.0),
    }
    return {**defaults, **service_config("events", overrides)}
