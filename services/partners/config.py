"""The partners service's configuration, from the environment."""

import os
import secrets

from services.messaging.config import secret_key, service_config
from services.messaging.settings import env_int
from services.ui.links import DEFAULTS


def load_config(overrides: dict | None = None) -> dict:
    overrides = overrides or {}
    config = service_config("partners", overrides)
    config.update({
        #: Where the pages are, for the links in account mails and the first admin's link (behind the gateway:
        #: https://<host>/partners).
        "PARTNERS_URL": os.environ.get("PARTNERS_BASE_URL") or DEFAULTS["PARTNERS_URL"],
        #: How long a staff session lasts after signing in.
        "STAFF_SESSION_HOURS": env_int("OSL_STAFF_SESSION_HOURS", 12),
        #: How long an invitation link works, and a password reset link.
        "INVITATION_HOURS": env_int("OSL_INVITATION_HOURS", 72),
        "RESET_HOURS": env_int("OSL_PASSWORD_RESET_HOURS", 2),
        #: Failed sign-ins allowed per account, and per client address, within the window.
        "SIGN_IN_LIMIT_PER_ACCOUNT": env_int("OSL_SIGN_IN_LIMIT_PER_ACCOUNT", 5),
        "SIGN_IN_LIMIT_PER_ADDRESS": env_int("OSL_SIGN_IN_LIMIT_PER_ADDRESS", 20),
        "SIGN_IN_WINDOW_SECONDS": env_int("OSL_SIGN_IN_WINDOW_SECONDS", 900),
    })
    config.update(overrides)
    if "SECRET_KEY" not in config:
        # Signs the forms' CSRF tokens and keys the sign-in attempt counts.
        config["SECRET_KEY"] = secrets.token_urlsafe(48) if config.get("TESTING") else secret_key("partners")
    return config
