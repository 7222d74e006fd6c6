"""The declarative base, the outbox table and the column types every partners table shares."""

from sqlalchemy import Integer
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.messaging.models import InboxMixin, OutboxMixin, UTCDateTime, utcnow

__all__ = ["Base", "InboxMessage", "OutboxMessage", "UTCDateTime", "utcnow", "NEVER_REUSED_IDS", "Registered"]

#: The other services' replicas know records by id and keep deleted ones as tombstones: on SQLite a deleted row's id
#: must never be handed out again (PostgreSQL's sequences never do). Migration 0003 rebuilt the tables so.
NEVER_REUSED_IDS = {"sqlite_autoincrement": True}


class Base(DeclarativeBase):
    pass


class OutboxMessage(OutboxMixin, Base):
    pass


class InboxMessage(InboxMixin, Base):
    """The messages partners has handled: what the events service says of the rooms its meetings name."""


class Registered:
    """What every record of the registry has: an id never handed out again, a version, and the snapshot its messages
    carry (id, version and the ``FIELDS``, as they are; a record whose message says more writes its own)."""

    __table_args__ = NEVER_REUSED_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Increases on every change; the ETag and the replicas' ordering.
    version: Mapped[int] = mapped_column(Integer, default=1)

    #: The record's own columns; its messages carry them as they are, unless ``snapshot`` says otherwise.
    FIELDS: tuple[str, ...] = ()

    def snapshot(self) -> dict:
        return {"id": self.id, "version": self.version, **{name: getattr(self, name) for name in self.FIELDS}}
