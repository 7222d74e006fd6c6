"""The programme service's configuration, from the environment."""

from services.messaging.config import service_config
from services.messaging.settings import env_int


def load_config(overrides: dict | None = None) -> dict:
    defaults = {
        #: Years the participants' records are kept after their programme ends (the ESF archiving period).
        "ARCHIVE_YEARS": env_int("PROGRAMME_ARCHIVE_YEARS", 10),
        #: Public statistics show any count below this as "< 5".
        "SMALL_COUNT": 5,
    }
    return {**defaults, **service_config("programme", overrides)}
