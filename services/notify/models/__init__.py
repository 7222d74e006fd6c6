"""The notify service's tables."""

from services.notify.models.base import Base, InboxMessage, OutboxMessage, aware
from services.notify.models.notices import DigestItem, Notice
from services.notify.models.replica import (
    ContactList,
    District,
    EventCopy,
    MemberContact,
    Membership,
    Organisation,
    Partnership,
)
from services.notify.models.staff import StaffAccount, StaffSession
from services.notify.models.subscribers import SubscribeAttempt, Subscriber

__all__ = ["StaffAccount", "StaffSession", "Base", "ContactList", "DigestItem", "District", "EventCopy",
           "InboxMessage", "MemberContact",
           "Membership", "Notice", "Organisation", "OutboxMessage", "Partnership", "SubscribeAttempt", "Subscriber",
           "aware"]
