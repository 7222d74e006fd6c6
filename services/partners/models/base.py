"""The declarative base, the outbox table and the column types every partners table shares."""

from sqlalchemy.orm import DeclarativeBase

from services.messaging.models import OutboxMixin, UTCDateTime, utcnow

__all__ = ["Base", "OutboxMessage", "UTCDateTime", "utcnow"]


class Base(DeclarativeBase):
    pass


class OutboxMessage(OutboxMixin, Base):
    pass
