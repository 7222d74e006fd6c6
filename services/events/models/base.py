"""The declarative base of the events service's tables, and its outbox and inbox."""

from datetime import datetime

from sqlalchemy.orm import DeclarativeBase

from services.messaging.models import InboxMixin, OutboxMixin, UTCDateTime

__all__ = ["Base", "InboxMessage", "OutboxMessage", "UTCDateTime"]


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime}


class OutboxMessage(OutboxMixin, Base):
    pass


class InboxMessage(InboxMixin, Base):
    pass
