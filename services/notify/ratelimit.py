"""Subscribe requests counted per IP and per address in a sliding window (services/messaging/ratelimit.py)."""

from services.messaging import ratelimit
from services.messaging.ratelimit import RateLimited, attempt_key
from services.notify.models import SubscribeAttempt

__all__ = ["RateLimited", "attempt_key", "check_and_record"]


def check_and_record(session, limits: list[tuple[str, int]], window_seconds: int) -> None:
    """Record one subscribe request under each key, or raise RateLimited if any key has its limit in the window."""
    ratelimit.check_and_record(session, SubscribeAttempt, limits, window_seconds)
