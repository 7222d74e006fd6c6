"""The notify service's tables."""

from services.notify.models.base import Base, InboxMessage, OutboxMessage, aware
from services.notify.models.notices import DigestItem, Notice
from services.notify.models.replica import District, EventCopy, Membership, Organisation, Partnership
from services.notify.models.staff import StaffAccount, StaffSession
from services.notify.models.subscribers import SubscribeAttempt, Subscriber

__all__ = ["StaffAccount", "StaffSession", "Base", "DigestItem", "District", "EventCopy", "InboxMessage",
           "Membership", "Notice", "Organisation", "OutboxMessage", "Partnership", "SubscribeAttempt", "Subscriber",
           "aware"]
