"""The events service's configuration, from the environment."""

import os
import secrets

from services.messaging.config import secret_key, service_config
from services.messaging.settings import env_float


def _days(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise SystemExit(f"{name} must be a whole number of days, got {value!r}")
    return int(value)


def _number(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        raise SystemExit(f"{name} must be a number, got {value!r}") from None


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def import_config() -> dict:
    """The calendar imports' bounds (``OSL_IMPORT_*``)."""
    return {
        #: The largest feed read, in bytes (after decompression).
        "IMPORT_MAX_BYTES": int(_number("OSL_IMPORT_MAX_BYTES", 5 * 1024 * 1024)),
        #: The most VEVENTs one feed may hold; a larger one is refused whole.
        "IMPORT_MAX_EVENTS": int(_number("OSL_IMPORT_MAX_EVENTS", 10_000)),
        "IMPORT_CONNECT_SECONDS": _number("OSL_IMPORT_CONNECT_SECONDS", 5),
        "IMPORT_READ_SECONDS": _number("OSL_IMPORT_READ_SECONDS", 20),
        #: One fetch, redirects and all.
        "IMPORT_FETCH_SECONDS": _number("OSL_IMPORT_FETCH_SECONDS", 60),
        #: One source's parse and sync, after its fetch.
        "IMPORT_SYNC_SECONDS": _number("OSL_IMPORT_SYNC_SECONDS", 300),
        "IMPORT_MAX_REDIRECTS": int(_number("OSL_IMPORT_MAX_REDIRECTS", 5)),
        #: Reach loopback (and plain http): for tests and a developer's machine only.
        "IMPORT_ALLOW_LOOPBACK": _flag("OSL_IMPORT_ALLOW_LOOPBACK"),
        #: How often a source is pulled when its feed does not say (REFRESH-INTERVAL, X-PUBLISHED-TTL).
        "IMPORT_REFRESH_SECONDS": int(_number("OSL_IMPORT_REFRESH_SECONDS", 3600)),
        #: Events imported: those that reach into this window (days back, days ahead).
        "IMPORT_PAST_DAYS": int(_number("OSL_IMPORT_PAST_DAYS", 30)),
        "IMPORT_FUTURE_DAYS": int(_number("OSL_IMPORT_FUTURE_DAYS", 365)),
        #: Sources pulled at once by one import process.
        "IMPORT_WORKERS": int(_number("OSL_IMPORT_WORKERS", 4)),
        #: How often an idle import process looks for due sources.
        "IMPORT_POLL_SECONDS": _number("OSL_IMPORT_POLL_SECONDS", 30),
    }


def load_config(overrides: dict | None = None) -> dict:
    defaults = {
        #: The host part of every iCal UID (``<uuid>@<host>``); never change it once feeds are out.
        "PUBLIC_HOST": os.environ.get("PUBLIC_HOST", "osl.localhost"),
        #: Where the public reaches this service, for the URLs it hands out; empty means the request's own root.
        "PUBLIC_BASE_URL": os.environ.get("EVENTS_BASE_URL", ""),
        #: The feeds' window: days back, days ahead, and how long a cancelled event stays in them.
        **{name: _days(name, default) for name, default in
           (("FEED_PAST_DAYS", 90), ("FEED_FUTURE_DAYS", 730), ("FEED_CANCELLED_DAYS", 30))},
        **import_config(),
        #: How old a feed may be: each worker, and the caching gateway in front, ask again after this many seconds.
        "FEED_RECHECK_SECONDS": env_float("FEED_RECHECK_SECONDS", 1.0),
        #: The secret the caching gateway (deploy/nginx) sends in X-OSL-Feed-Cache; empty: no request is the gateway's.
        "FEED_CACHE_TOKEN": os.environ.get("FEED_CACHE_TOKEN", ""),
    }
    config = {**defaults, **service_config("events", overrides)}
    if "SECRET_KEY" not in config:
        # Signs the staff pages' CSRF tokens.
        config["SECRET_KEY"] = secrets.token_urlsafe(48) if config.get("TESTING") else secret_key("events")
    return config
