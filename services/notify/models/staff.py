"""Copies of the staff accounts and sessions (services/messaging/staff.py), from the partners messages."""

from services.messaging.staff import StaffAccountMixin, StaffSessionMixin
from services.notify.models.base import Base


class StaffAccount(StaffAccountMixin, Base):
    pass


class StaffSession(StaffSessionMixin, Base):
    pass
