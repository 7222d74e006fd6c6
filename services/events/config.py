"""The events service's configuration, from the environment."""

import os

from services.messaging.config import service_config


def load_config(overrides: dict | None = None) -> dict:
    defaults = {
        #: The host part of every iCal UID (``<uuid>@<host>``); never change it once feeds are out.
        "PUBLIC_HOST": os.environ.get("PUBLIC_HOST", "osl.localhost"),
        #: Where the public reaches this service, for the URLs it hands out; empty means the request's own root.
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", ""),
    }
    return {**defaults, **service_config("events", overrides)}
