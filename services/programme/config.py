"""The programme service's configuration, from the environment."""

import secrets

from services.messaging.config import secret_key, service_config
from services.messaging.settings import env_int


def load_config(overrides: dict | None = None) -> dict:
    defaults = {
        #: Years the participants' records are kept after their programme ends (the ESF archiving period).
        "ARCHIVE_YEARS": env_int("PROGRAMME_ARCHIVE_YEARS", 10),
        #: Public statistics show any count below this as "< 5".
        "SMALL_COUNT": 5,
    }
    config = {**defaults, **service_config("programme", overrides)}
    if "SECRET_KEY" not in config:
        # Signs the roll-call form's CSRF tokens (PROGRAMME_SECRET_KEY, or one kept in the data folder).
        config["SECRET_KEY"] = secrets.token_urlsafe(48) if config.get("TESTING") else secret_key("programme")
    return config
