"""The correlation id that follows one request through every message and into every log line."""

import logging
import uuid
from contextlib import contextmanager
from contextvars import ContextVar

_current: ContextVar[str | None] = ContextVar("correlationid", default=None)


def current_correlation_id() -> str:
    """The id of the request or message being handled, or a new one when there is none."""
    return _current.get() or str(uuid.uuid4())


@contextmanager
def correlation(correlation_id: str | None):
    token = _current.set(correlation_id or str(uuid.uuid4()))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def set_correlation_id(correlation_id: str | None) -> None:
    _current.set(correlation_id)


class CorrelationFilter(logging.Filter):
    """Puts ``correlationid`` on every log record, so the format string can show it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.correlationid = _current.get() or "-"
        return True

