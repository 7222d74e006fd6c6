"""Rooms (a replica of the partners' rooms) and their bookings, one row per date, each date with its own state.

No two blocking dates of a room overlap once widened by the room's buffer: on PostgreSQL an exclusion constraint
(``booking_dates_no_overlap``, migration 0006: ``EXCLUDE USING gist (room_id WITH =, tstzrange(busy_from,
busy_until) WITH &&) WHERE (blocks)``) refuses the second of two racing inserts; on SQLite every writing transaction
holds the database's write lock from its BEGIN IMMEDIATE, so the check and the insert cannot interleave.
"""

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.calendar.rooms import RoomRules
from services.events.models.base import Base, UTCDateTime
from services.events.models.replica import ReplicaMixin
from services.messaging.models import TITLE_LENGTH, RoomColumns, utcnow

BOOKING_KINDS = ("event", "meeting", "reservation")
#: A booking's state: confirmed, pending (waits for MOPS's approval, holds its dates as tentative) or cancelled.
BOOKING_STATES = ("confirmed", "pending", "cancelled")
#: A date's state: active and pending hold the room; skipped (a clash left out, a yielded or skipped date) and
#: cancelled do not.
DATE_STATES = ("active", "pending", "skipped", "cancelled")
BLOCKING = ("active", "pending")


class Room(RoomColumns, ReplicaMixin, Base):
    """A copy of a partners room (columns: services/messaging/models.py RoomColumns)."""

    __tablename__ = "rooms"

    centre_id: Mapped[int] = mapped_column(Integer, index=True)

    @property
    def rules(self) -> RoomRules:
        return RoomRules.of({"bookable_hours": self.bookable_hours, "closures": self.closures,
                             "open_on": self.open_on, "buffer_minutes": self.buffer_minutes,
                             "horizon_days": self.horizon_days})


class Booking(Base):
    """A room held for an event, a partner meeting or a plain reservation ("sprzątanie", "dyżur MOPS")."""

    __tablename__ = "bookings"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    room_id: Mapped[int] = mapped_column(Integer, index=True)
    #: event, meeting or reservation.
    kind: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True, index=True)
    meeting_id: Mapped[int | None] = mapped_column(Integer, nullable=True, unique=True)
    #: Shown in the room's feed when public; a private booking shows "zajęte" only.
    title: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    #: public or private.
    visibility: Mapped[str] = mapped_column(String(20), default="private")
    #: The organisation holding it; None when MOPS (an administrator) does.
    organisation_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    #: The first date as asked, and the rule that repeats it (the calendar core's rules).
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    rrule: Mapped[str | None] = mapped_column(String(500), nullable=True)
    state: Mapped[str] = mapped_column(String(20), default="confirmed")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dates: Mapped[list["BookingDate"]] = relationship(back_populates="booking", order_by="BookingDate.starts_at")


class BookingDate(Base):
    """One date of a booking, up to the room's horizon: conflicts are a range query, never a re-expansion."""

    __tablename__ = "booking_dates"
    __table_args__ = (UniqueConstraint("booking_id", "starts_at"),
                      Index("ix_booking_dates_room_busy", "room_id", "busy_from"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    booking_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("bookings.id"), index=True)
    room_id: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The date widened by the room's buffer when it was booked: what no other blocking date may overlap.
    busy_from: Mapped[datetime] = mapped_column(UTCDateTime)
    busy_until: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(20))
    #: Why a date is skipped: "taken", "holiday", "closure", "yielded" (to a confirmed booking) or "skipped" (asked).
    reason: Mapped[str | None] = mapped_column(String(30), nullable=True)
    #: state is active or pending: the exclusion constraint's condition.
    blocks: Mapped[bool] = mapped_column(Boolean)
    booking: Mapped[Booking] = relationship(back_populates="dates")

    def set_state(self, state: str, reason: str | None = None) -> None:
        self.state, self.reason, self.blocks = state, reason, state in BLOCKING
