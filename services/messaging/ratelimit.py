"""Attempts counted per key in a sliding window, in the service's database (so every worker shares the count).

A key is an HMAC of what is counted (an address, an account's e-mail), so the table never holds the thing itself.
The table is the service's own, declared with ``key`` (64) and ``at`` (an aware datetime) columns.
"""

import hashlib
import hmac
from datetime import timedelta

from sqlalchemy import delete, func, select

from services.messaging.models import utcnow


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"rate limited; retry after {retry_after} s")
        self.retry_after = retry_after


def attempt_key(secret: str, kind: str, value: str) -> str:
    """An HMAC of ``kind:value`` (``ip:…``, ``email:…``)."""
    return hmac.new(secret.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def check(session, model, limits: list[tuple[str, int]], window_seconds: int) -> None:
    """Raise RateLimited if any key already has its limit of attempts in the window (pruning older ones)."""
    since = utcnow() - timedelta(seconds=window_seconds)
    session.execute(delete(model).where(model.at < since))
    for key, limit in limits:
        if session.scalar(select(func.count()).where(model.key == key, model.at >= since)) >= limit:
            raise RateLimited(window_seconds)


def record(session, model, keys: list[str]) -> None:
    """Count one attempt under each key."""
    now = utcnow()
    session.add_all([model(key=key, at=now) for key in keys])


def check_and_record(session, model, limits: list[tuple[str, int]], window_seconds: int) -> None:
    """Record one attempt under each key, or raise RateLimited if any key already has its limit in the window."""
    check(session, model, limits, window_seconds)
    record(session, model, [key for key, _ in limits])
