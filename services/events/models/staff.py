"""Copies of the staff accounts and sessions (services/messaging/staff.py), from the partners messages."""

from services.events.models.base import Base
from services.messaging.staff import StaffAccountMixin, StaffSessionMixin


class StaffAccount(StaffAccountMixin, Base):
    pass


class StaffSession(StaffSessionMixin, Base):
    pass
