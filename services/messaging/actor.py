"""Who made a change: recorded on every message (the envelope's ``actor``), so that each service's history is read
from its outbox and is never a second copy that could drift.

An actor is ``account:<id>`` (a staff member signed in on the pages), ``key:<prefix>`` (an API key, by the prefix
that is shown in lists; never the key), ``admin-token`` (the bootstrap token), or, for changes no request made (the
command line, a consumer following another service's message), absent.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_current: ContextVar[str | None] = ContextVar("actor", default=None)


def current_actor() -> str | None:
    return _current.get()


def set_actor(actor: str | None) -> None:
    _current.set(actor)


@contextmanager
def acting(actor: str | None):
    """Changes made inside are the ``actor``'s: a consumer following a message acts for whoever made it."""
    token = _current.set(actor)
    try:
        yield
    finally:
        _current.reset(token)
