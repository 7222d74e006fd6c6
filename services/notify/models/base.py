"""The notify service's declarative base and its outbox and inbox tables."""

from datetime import UTC, datetime

from sqlalchemy.orm import DeclarativeBase

from services.messaging.models import InboxMixin, OutboxMixin


class Base(DeclarativeBase):
    pass


class OutboxMessage(OutboxMixin, Base):
    pass


class InboxMessage(InboxMixin, Base):
    pass


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every time this service stores is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
