"""Bus settings, read from the environment with defaults that run with no servers at all."""

import os
from dataclasses import dataclass, field
from pathlib import Path


def data_dir() -> Path:
    """The folder that holds the embedded default's SQLite files, bus and mail (git-ignored `var/`)."""
    return Path(os.environ.get("OSL_DATA_DIR", "var")).resolve()


def _env_number(name: str, default, kind, said: str):
    """``name`` from the environment as a ``kind``; ``default`` when unset or empty; a bad value stops the process
    with a line that says what to fix."""
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return kind(raw)
    except ValueError:
        raise SystemExit(f"{name} must be {said}, not {raw!r}") from None


def env_int(name: str, default: int) -> int:
    return _env_number(name, default, int, "a whole number")


def env_float(name: str, default: float) -> float:
    return _env_number(name, default, float, "a number")


@dataclass(frozen=True)
class BusSettings:
    #: kombu URL: ``filesystem://`` (embedded default) or ``amqp://user:pass@host:5672//``.
    broker_url: str = "filesystem://"
    #: Folder of the filesystem transport; unused on AMQP.
    bus_dir: Path = field(default_factory=lambda: data_dir() / "bus")
    #: Prefix of every exchange and queue name, so that several installations (or test runs) share a broker.
    prefix: str = "osl"
    #: How many times a handler is tried before its message goes to the dead-letter queue.
    max_attempts: int = 5
    #: First retry delay in seconds; doubles on each attempt, up to ``retry_max_seconds``.
    retry_base_seconds: float = 0.5
    retry_max_seconds: float = 10.0
    #: How often an idle relay looks at the outbox, and the filesystem transport at its folder.
    poll_seconds: float = 0.1
    #: Outbox rows published per database transaction.
    relay_batch: int = 200
    #: Published outbox rows are kept this long so they can be replayed.
    outbox_retention_days: int = 7
    #: AMQP heartbeat negotiated with RabbitMQ; relays and consumers send them even when idle.
    heartbeat_seconds: float = 30.0
    #: How often a consumer logs a non-empty dead-letter queue.
    dead_letter_log_seconds: float = 300.0

    @classmethod
    def from_env(cls, **overrides) -> "BusSettings":
        values = dict(
            broker_url=os.environ.get("BROKER_URL") or "filesystem://",
            bus_dir=Path(os.environ["OSL_BUS_DIR"]).resolve() if os.environ.get("OSL_BUS_DIR") else data_dir() / "bus",
            prefix=os.environ.get("OSL_BUS_PREFIX") or "osl",
            max_attempts=env_int("OSL_MAX_ATTEMPTS", 5),
            retry_base_seconds=env_float("OSL_RETRY_BASE_SECONDS", 0.5),
            retry_max_seconds=env_float("OSL_RETRY_MAX_SECONDS", 10.0),
            poll_seconds=env_float("OSL_POLL_SECONDS", 0.1),
            relay_batch=env_int("OSL_RELAY_BATCH", 200),
            outbox_retention_days=env_int("OSL_OUTBOX_RETENTION_DAYS", 7),
            heartbeat_seconds=env_float("OSL_BROKER_HEARTBEAT_SECONDS", 30.0),
            dead_letter_log_seconds=env_float("OSL_DEAD_LETTER_LOG_SECONDS", 300.0),
        )
        values.update(overrides)
        return cls(**values)

    @property
    def is_filesystem(self) -> bool:
        return self.broker_url.startswith("filesystem:")

    def backoff(self):
        """The backoff of a loop waiting out a fault (a database or broker outage): from ``retry_base_seconds``
        up to ``retry_max_seconds``, with jitter."""
        from services.messaging.faults import Backoff

        return Backoff(self.retry_base_seconds, self.retry_max_seconds)

    def retry_delay(self, attempt: int) -> float:
        """Seconds to wait before try number ``attempt + 1``."""
        return min(self.retry_base_seconds * 2 ** (attempt - 1), self.retry_max_seconds)
