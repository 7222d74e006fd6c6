"""The notify service's configuration, from the environment."""

import os
import secrets
from dataclasses import dataclass
from email.headerregistry import Address
from pathlib import Path

from services.messaging.config import secret_key, service_config
from services.messaging.settings import data_dir, env_float, env_int
from services.ui.links import DEFAULTS
from services.ui.naming import public_name

SMTP_SECURITY = ("none", "starttls", "ssl")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    #: ``none``, ``starttls`` or ``ssl``.
    security: str = "none"
    user: str = ""
    password: str = ""
    #: Messages per second at most; 0 for no limit.
    rate_per_second: float = 0.0
    timeout: float = 30.0

    @classmethod
    def from_env(cls) -> "SmtpSettings | None":
        """None when ``SMTP_HOST`` is unset: mail then goes to the .eml folder."""
        host = os.environ.get("SMTP_HOST", "")
        if not host:
            return None
        security = os.environ.get("SMTP_SECURITY", "none").lower()
        if security not in SMTP_SECURITY:
            raise SystemExit(f"SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY)}, not {security!r}")
        default_port = {"none": 25, "starttls": 587, "ssl": 465}[security]
        return cls(host=host, port=env_int("SMTP_PORT", default_port), security=security,
                   user=os.environ.get("SMTP_USER", ""), password=os.environ.get("SMTP_PASSWORD", ""),
                   rate_per_second=env_float("SMTP_RATE_PER_SECOND", 0.0))

    def __repr__(self) -> str:  # never show the password in a log or traceback
        return f"SmtpSettings(host={self.host!r}, port={self.port}, security={self.security!r}, user={self.user!r})"


def _secret_key() -> str:
    """``NOTIFY_SECRET_KEY``, or one made once and kept in the data folder, shared by the web app and the sender."""
    return secret_key("notify")


def load_config(overrides: dict | None = None) -> dict:
    overrides = overrides or {}
    config = service_config("notify", {key: overrides[key] for key in ("BUS",) if key in overrides})
    config.update({
        #: The host of the iCal UIDs (``<event id>@<host>``, as in the feeds) and of Message-IDs.
        "PUBLIC_HOST": os.environ.get("PUBLIC_HOST") or "osl.localhost",
        #: Where the events' pages are, for the "event page" links in e-mails (as the pages' EVENTS_URL).
        "EVENTS_URL": os.environ.get("EVENTS_BASE_URL") or DEFAULTS["EVENTS_URL"],
        #: Where the links in e-mails point.
        "BASE_URL": (os.environ.get("NOTIFY_BASE_URL") or f"http://127.0.0.1:{os.environ.get('NOTIFY_PORT') or 8003}"),
        "CONFIRM_MAX_AGE_HOURS": env_float("NOTIFY_CONFIRM_HOURS", 48.0),
        "RATE_LIMIT_PER_IP": env_int("NOTIFY_RATE_LIMIT_PER_IP", 10),
        "RATE_LIMIT_PER_ADDRESS": env_int("NOTIFY_RATE_LIMIT_PER_ADDRESS", 3),
        "RATE_LIMIT_WINDOW_SECONDS": env_int("NOTIFY_RATE_LIMIT_WINDOW_SECONDS", 3600),
        #: Registrations for events per client and per address, in the same window as subscribe requests.
        "REGISTRATION_LIMIT_PER_IP": env_int("NOTIFY_REGISTRATION_LIMIT_PER_IP", 20),
        "REGISTRATION_LIMIT_PER_ADDRESS": env_int("NOTIFY_REGISTRATION_LIMIT_PER_ADDRESS", 10),
        #: An e-mail registration whose address has not confirmed within this many hours gives its place back.
        "REGISTRATION_CONFIRM_HOURS": env_float("NOTIFY_REGISTRATION_CONFIRM_HOURS", 24.0),
        #: Registrations' personal data is removed this many days after their date (counts stay).
        "REGISTRATION_RETENTION_DAYS": env_float("NOTIFY_REGISTRATION_RETENTION_DAYS", 30.0),
        #: Reverse proxies in front of the app whose X-Forwarded-For is trusted (the per-IP rate limit needs it).
        "TRUSTED_PROXIES": env_int("NOTIFY_TRUSTED_PROXIES", config["TRUSTED_PROXIES"]),
        "MAIL_FROM": os.environ.get("MAIL_FROM"),
        #: The mailto: of List-Unsubscribe (a mailbox someone reads: inbound mail is not processed yet).
        "MAIL_UNSUBSCRIBE_ADDRESS": os.environ.get("MAIL_UNSUBSCRIBE_ADDRESS"),
        "MAIL_DIR": Path(os.environ["OSL_MAIL_DIR"]) if os.environ.get("OSL_MAIL_DIR") else data_dir() / "mail",
        "SMTP": SmtpSettings.from_env(),
        #: How long a notice meeting temporary failures (SMTP down, 4xx answers) is retried before it is failed.
        "SEND_RETRY_SECONDS": env_float("NOTIFY_SEND_RETRY_HOURS", 24.0) * 3600,
        #: Its backoff: the first delay, doubling up to the longest (so a mail server back after a long outage
        #: gets the queue within that time).
        "SEND_RETRY_BASE_SECONDS": env_float("NOTIFY_SEND_RETRY_BASE_SECONDS", 30.0),
        "SEND_RETRY_MAX_SECONDS": env_float("NOTIFY_SEND_RETRY_MAX_SECONDS", 900.0),
        #: Notices a sender claims at a time; each outcome is still committed before the next mail (notices.py).
        "SEND_BATCH_SIZE": env_int("NOTIFY_SEND_BATCH", 50),
        #: How long a claim holds: a sender that died leaves its claimed notices to the others after this.
        "SEND_CLAIM_SECONDS": env_float("NOTIFY_SEND_CLAIM_SECONDS", 600.0),
        "SEND_POLL_SECONDS": env_float("NOTIFY_SEND_POLL_SECONDS", 1.0),
        #: How long before an event its reminder goes.
        "REMINDER_HOURS": env_float("NOTIFY_REMINDER_HOURS", 24.0),
        #: The hour (Europe/Warsaw) from which daily digests, and on Mondays weekly ones, go out.
        "DIGEST_HOUR": env_int("NOTIFY_DIGEST_HOUR", 7),
        #: How often the sender's loop looks for due reminders and digests.
        "SCHEDULE_SECONDS": env_float("NOTIFY_SCHEDULE_SECONDS", 60.0),
    })
    config.update(overrides)
    config["MAIL_FROM"] = config["MAIL_FROM"] or str(Address(public_name(), "powiadomienia", config["PUBLIC_HOST"]))
    config["MAIL_UNSUBSCRIBE_ADDRESS"] = config["MAIL_UNSUBSCRIBE_ADDRESS"] or f"wypisz@{config['PUBLIC_HOST']}"
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = secrets.token_urlsafe(48) if config.get("TESTING") else _secret_key()
    return config
