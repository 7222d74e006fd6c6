"""The partners service's tables."""

from services.partners.models.accounts import Account, AccountToken, SignInAttempt, StaffSession
from services.partners.models.base import Base, InboxMessage, OutboxMessage, UTCDateTime
from services.partners.models.organisations import ApiKey, Organisation, Person
from services.partners.models.partnerships import Agreement, Meeting, Membership, Partnership
from services.partners.models.places import Centre, District, Room

__all__ = ["Account", "AccountToken", "SignInAttempt", "StaffSession",
           "Base", "InboxMessage", "OutboxMessage", "UTCDateTime", "ApiKey", "Organisation", "Person",
           "Agreement", "Meeting", "Membership", "Partnership", "Centre", "District", "Room"]
