"""The notify service's configuration, from the environment."""

from services.messaging.config import service_config


def load_config(overrides: dict | None = None) -> dict:
    return service_config("notify", overrides)
