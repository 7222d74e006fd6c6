"""The declarative base of the events service's tables, and its outbox and inbox."""

from services.messaging.models import UTCDateTime, service_tables

__all__ = ["Base", "InboxMessage", "OutboxMessage", "UTCDateTime"]

Base, OutboxMessage, InboxMessage = service_tables()
