"""An event waiting for MOPS's review, or sent back: an event of an organisation that needs review is withheld
(``visibility`` ``review``) until an admin approves it (services/events/moderation.py)."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.events.models.base import Base, UTCDateTime
from services.messaging.models import utcnow

REVIEW_STATUSES = ("pending", "rejected")


class EventReview(Base):
    __tablename__ = "event_reviews"

    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    #: ``pending`` (in the queue) or ``rejected`` (back with the organisation, with the reason).
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    #: Why it was rejected, for the organisation.
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: When it was (last) sent for review.
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
