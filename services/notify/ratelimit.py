"""Subscribe requests counted per IP and per address in a sliding window, in the database (shared by workers)."""

import hashlib
import hmac
from datetime import timedelta

from sqlalchemy import delete, func, select

from services.messaging.models import utcnow
from services.notify.models import SubscribeAttempt


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"rate limited; retry after {retry_after} s")
        self.retry_after = retry_after


def attempt_key(secret: str, kind: str, value: str) -> str:
    """An HMAC of the IP or address, so the table never holds the address itself."""
    return hmac.new(secret.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def check_and_record(session, limits: list[tuple[str, int]], window_seconds: int) -> None:
    """Record one attempt under each key, or raise RateLimited if any key already has its limit in the window."""
    now = utcnow()
    since = now - timedelta(seconds=window_seconds)
    session.execute(delete(SubscribeAttempt).where(SubscribeAttempt.at < since))
    for key, limit in limits:
        count = session.scalar(select(func.count()).where(SubscribeAttempt.key == key, SubscribeAttempt.at >= since))
        if count >= limit:
            raise RateLimited(window_seconds)
    session.add_all([SubscribeAttempt(key=key, at=now) for key, _ in limits])
