"""Configuration common to every service, read from the environment."""

import os
import secrets

from services.messaging.settings import BusSettings, data_dir


def _whole_number(name: str) -> int:
    value = os.environ.get(name, "").strip() or "0"
    if not value.isdigit():
        raise SystemExit(f"{name} must be a whole number, got {value!r}")
    return int(value)


def secret_key(name: str) -> str:
    """``<NAME>_SECRET_KEY``, or one made once and kept (owner-only) in the data folder as ``<name>-secret-key``, so
    that every process of the service shares it."""
    if os.environ.get(f"{name.upper()}_SECRET_KEY"):
        return os.environ[f"{name.upper()}_SECRET_KEY"]
    path = data_dir() / f"{name}-secret-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def service_config(name: str, overrides: dict | None = None) -> dict:
    """``DATABASE_URL`` (from ``<NAME>_DATABASE_URL``), ``BUS`` and ``LOG_LEVEL``, updated by ``overrides``."""
    config = {
        "DATABASE_URL": os.environ.get(f"{name.upper()}_DATABASE_URL") or f"sqlite:///{data_dir() / name}.db",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        "ADMIN_TOKEN": os.environ.get("OSL_ADMIN_TOKEN", ""),
        #: Reverse proxies in front of the app (the gateway: 1) whose X-Forwarded-* headers are trusted.
        "TRUSTED_PROXIES": _whole_number("OSL_TRUSTED_PROXIES"),
        #: Seconds one answer may spend expanding repeat rules before it is a 503 (0: the default, 10).
        "ANSWER_SECONDS": _whole_number("OSL_ANSWER_SECONDS") or 10,
    }
    config.update(overrides or {})
    if "BUS" not in config:
        config["BUS"] = BusSettings.from_env()
    return config
