"""The events service's tables: its events, its replica of the partners data, feed tokens, outbox and inbox."""

from services.events.models.base import Base, InboxMessage, OutboxMessage
from services.events.models.event import AUDIENCES, CATEGORIES, STATUSES, VISIBILITIES, Event, IdempotencyRecord
from services.events.models.feed_token import PartnershipFeedToken
from services.events.models.import_source import SOURCE_STATUSES, ImportSource
from services.events.models.registration import RegistrationCount
from services.events.models.replica import ApiKey, Centre, District, Membership, Organisation, Partnership
from services.events.models.review import EventReview
from services.events.models.rooms import BOOKING_KINDS, Booking, BookingDate, Room
from services.events.models.staff import StaffAccount, StaffSession

__all__ = [
    "EventReview", "StaffAccount", "StaffSession", "AUDIENCES", "CATEGORIES", "SOURCE_STATUSES", "STATUSES",
    "VISIBILITIES", "ApiKey", "Base", "Centre", "District", "Event", "IdempotencyRecord", "ImportSource",
    "InboxMessage", "Membership", "Organisation", "OutboxMessage", "Partnership", "PartnershipFeedToken",
    "RegistrationCount", "BOOKING_KINDS", "Booking", "BookingDate", "Room",
]
