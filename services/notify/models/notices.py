"""Notices: one e-mail to one subscriber, with its delivery state."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.messaging.models import utcnow
from services.notify.models.base import Base

#: ``registered``: a registration's confirmation mail (its place or waiting-list position, and the confirm link);
#: ``promoted``: off the waiting list; ``reg_cancelled``: the event (or the date) is cancelled;
#: ``reg_reminder``: the day before; ``reg_too_big``: a waiting group bigger than the places left (lowered), released;
#: ``reg_withdrawn``: the person cancelled the registration themselves; ``reg_moved``: its date has a new time.
REGISTRATION_KINDS = ("registered", "promoted", "reg_cancelled", "reg_reminder", "reg_too_big", "reg_withdrawn",
                      "reg_moved")
KINDS = ("confirmation", "published", "updated", "cancelled", "reminder", "digest", "meeting", "meeting_updated",
         "meeting_cancelled", "import_failing", "room_conflict", "room_cancelled", *REGISTRATION_KINDS)
#: ``sending``: claimed by a sender (services/notify/operations/notices.py, claim_due).
STATUSES = ("queued", "sending", "sent", "failed")
#: Not sent yet: what an unsubscribe takes back.
UNSENT = ("queued", "sending")


class Notice(Base):
    __tablename__ = "notices"
    __table_args__ = (
        # Redelivered or replayed messages never make a second notice (a confirmation has no event, so may repeat);
        # a series gets a reminder for each of its occurrences.
        UniqueConstraint("subscriber_id", "event_id", "sequence", "kind", "occurrence", name="uq_notices_once"),
        UniqueConstraint("organisation_id", "event_id", "sequence", "kind", "occurrence",
                         name="uq_notices_once_organisation"),
        UniqueConstraint("member_contact_id", "event_id", "sequence", "kind", "occurrence",
                         name="uq_notices_once_member"),
        # One mail per registration, kind and occurrence (a whole-series registration is reminded of each date).
        UniqueConstraint("registration_id", "kind", "occurrence", name="uq_notices_once_registration"),
        Index("ix_notices_due", "status", "next_attempt_at"),
        Index("ix_notices_event", "event_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The resident it goes to; an erased subscriber takes their notices along. The address is read when sending.
    subscriber_id: Mapped[int | None] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"), index=True,
                                                      nullable=True)
    #: Or the organisation whose contact address gets a partner meeting notice (notices made before member contacts).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True)
    #: Or the partnership member whose contact address gets a partner meeting notice; goes with the address.
    member_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("member_contacts.membership_id", ondelete="CASCADE"), nullable=True, index=True)
    #: Or the registration whose address gets a registration mail; erased with it.
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"),
                                                        nullable=True, index=True)
    #: The event's id; for a digest, its period (``daily:2026-11-23``, ``weekly:2026-W48``), so each goes once; for a
    #: partner meeting, ``meeting:<id>``.
    event_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    #: The event's iCal SEQUENCE the notice was made for (0 for a confirmation).
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(20))
    #: For a reminder, the start of the occurrence it is for, in UTC ISO 8601 (a series has many); otherwise empty.
    #: Never NULL, which a unique constraint would take as different from every other NULL.
    occurrence: Mapped[str] = mapped_column(String(40), default="", server_default="")
    #: What the mail shows: the event snapshot and, for an update, the one before; a digest's list of events.
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: When the sender may try it (again): backoff after a temporary failure.
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    message_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class DigestItem(Base):
    """An event a digest told its subscriber about: a later cancellation reaches them too."""

    __tablename__ = "digest_items"

    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True, index=True)
