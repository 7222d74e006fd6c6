"""The declarative base, the outbox table and the column types every partners table shares."""

from sqlalchemy.orm import DeclarativeBase

from services.messaging.models import OutboxMixin, UTCDateTime, utcnow

__all__ = ["Base", "OutboxMessage", "UTCDateTime", "utcnow", "NEVER_REUSED_IDS"]

#: The other services' replicas know records by id and keep deleted ones as tombstones: on SQLite a deleted row's id
#: must never be handed out again (PostgreSQL's sequences never do). Migration 0003 rebuilt the tables so.
NEVER_REUSED_IDS = {"sqlite_autoincrement": True}


class Base(DeclarativeBase):
    pass


class OutboxMessage(OutboxMixin, Base):
    pass
