"""Telling a fault that passes (a database or broker that is down, busy or locked) from an error of its own, and the
backoff every loop uses while such a fault lasts."""

import random
import socket
import sqlite3

from sqlalchemy import exc as sa

#: SQLite answers with an OperationalError both for a lock or a missing file and for a missing table; only these
#: pass by themselves.
SQLITE_PASSING = ("database is locked", "database table is locked", "database is busy", "unable to open database",
                  "disk i/o error")


def _chain(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def _broker_errors() -> tuple[type[BaseException], ...]:
    import amqp.exceptions
    import kombu.exceptions

    return (kombu.exceptions.OperationalError, amqp.exceptions.ConnectionError,
            amqp.exceptions.RecoverableConnectionError, ConnectionError, socket.timeout, TimeoutError)


def _database_fault(exc: BaseException) -> bool:
    if isinstance(exc, sa.DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, (sa.DisconnectionError, sa.TimeoutError)):  # TimeoutError: no pooled connection came free
        return True
    if isinstance(exc, sa.OperationalError):
        if isinstance(exc.orig, sqlite3.OperationalError):
            return str(exc.orig).lower().startswith(SQLITE_PASSING)
        # PostgreSQL: connection refused or lost, shutting down, serialization failure, deadlock, lock timeout.
        return True
    return isinstance(exc, sa.InterfaceError) and "closed" in str(exc).lower()


def _raised_by_broker_client(exc: BaseException) -> bool:
    """py-amqp reports a connection the server dropped as a plain OSError ("Server unexpectedly closed
    connection"): a broker fault when it comes from inside the broker client, not from a handler's own file work."""
    frame = exc.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    return frame is not None and frame.tb_frame.f_globals.get("__name__", "").startswith(("amqp.", "kombu."))


def fault_of(exc: BaseException) -> str | None:
    """``"database"`` or ``"broker"`` when ``exc`` comes from a server that is down, busy or locked: a fault to wait
    out and retry, never a reason to give a message up. None for anything else."""
    for link in _chain(exc):
        if isinstance(link, sa.SQLAlchemyError):
            return "database" if _database_fault(link) else None
        if isinstance(link, _broker_errors()) or isinstance(link, OSError) and _raised_by_broker_client(link):
            return "broker"
    return None


def reason(exc: BaseException) -> str:
    """One line for a log: the exception's type and the first line of its message."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {first}"[:300]


class Backoff:
    """Capped, jittered, growing delays across a run of failures; ``reset()`` only after real progress."""

    def __init__(self, base: float, cap: float):
        self.base, self.cap = base, cap
        self.failures = 0

    def next(self) -> float:
        """The delay before the next try: it doubles up to ``cap``, and takes a random half off (so that many
        processes meeting one outage do not all come back at the same instant)."""
        self.failures += 1
        ceiling = min(self.cap, self.base * 2 ** min(self.failures - 1, 30))
        return ceiling / 2 + random.random() * ceiling / 2

    def reset(self) -> None:
        self.failures = 0
